"""The form renderer (`FORM_RENDERER`): Django's, with the plain `<input>` widgets written
directly instead of through three templates each.

Django renders every text, number, date, time or checkbox field through
`django/forms/widgets/<type>.html`, which includes `input.html`, which includes `attrs.html`:
three template renderings for one tag, most of a form's cost on the pages with many fields
(the preferences' two dozen checkboxes, the plan-a-check-in form). A select renders two
templates per option (the thank-you form's thirty decisions and thirty action items), and
every field's group renders `field.html` with its label's and its (mostly empty) error
list's templates. `input_tag`, `select_tag`, `field_group` and `label_tag` write the same
bytes as those templates (tests/apps/core/test_form_renderer.py compares them for every
widget and kind of value, and whole fields with and without errors); every other template
(textareas, radios, non-empty error lists, the project's own widget templates) is rendered
as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

# Django's widget templates that are nothing but `{% include "…/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "checkbox", "number", "email", "password", "hidden", "date", "time",
        "datetime", "url", "search", "tel", "color",
    )
)  # fmt: skip


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping."""
    try:
        text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(parts: list[str], attrs: dict[str, Any]) -> None:
    """`django/forms/widgets/attrs.html`, appended to `parts`."""
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {conditional_escape(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')


def input_tag(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/input.html` for the widget context `widget`."""
    parts = [
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"'
    ]
    if widget["value"] is not None:
        parts.append(f' value="{_formatted(widget["value"])}"')
    _attrs(parts, widget["attrs"])
    parts.append(">")
    return "".join(parts)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _writable(widget: dict[str, Any]) -> bool:
    """A select `select_tag` writes as the templates would: its options are Django's own and
    its labels text (a template would localize a number)."""
    for group_name, options, _index in widget["optgroups"]:
        if group_name is not None and not isinstance(group_name, str | Promise):
            return False
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return False
            if not isinstance(option["label"], str | Promise):
                return False
    return True


def select_tag(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/select.html` (each option `select_option.html`) for the widget
    context `widget`: a select with many options is one template rendering per option."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"']
    _attrs(parts, widget["attrs"])
    parts.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{_formatted(option["value"])}"')
            _attrs(parts, option["attrs"])
            parts.append(f">{conditional_escape(option['label'])}</option>\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's own last newline
    return "".join(parts)


TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def textarea_tag(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/textarea.html` (its value is text: `Widget.format_value`)."""
    parts = [f'<textarea name="{conditional_escape(widget["name"])}"']
    _attrs(parts, widget["attrs"])
    parts.append(">\n")
    if widget["value"]:
        parts.append(str(conditional_escape(widget["value"])))
    parts.append("</textarea>")
    return "".join(parts)


MULTIPLE_TEMPLATES = frozenset(
    ("django/forms/widgets/radio.html", "django/forms/widgets/checkbox_select.html")
)
CHOICE_OPTION_TEMPLATES = frozenset(
    ("django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html")
)


def _choices_writable(widget: dict[str, Any]) -> bool:
    """Radios or checkboxes `multiple_tag` writes as the templates would: Django's own
    option templates, text for labels and group names."""
    for group, options, _index in widget["optgroups"]:
        if group is not None and not isinstance(group, str | Promise):
            return False
        for option in options:
            if option["template_name"] not in CHOICE_OPTION_TEMPLATES:
                return False
            if not isinstance(option["label"], str | Promise):
                return False
    attrs = widget["attrs"]
    return all(attrs.get(name) is None or isinstance(attrs[name], str) for name in ("id", "class"))


def multiple_tag(widget: dict[str, Any]) -> str:
    """`radio.html` / `checkbox_select.html`: `multiple_input.html`, each option
    `input_option.html` (its input wrapped in its label)."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{conditional_escape(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{conditional_escape(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            parts.append("<div>\n    ")
            wrap = option["wrap_label"]
            if wrap:
                option_id = option["attrs"].get("id")
                label_for = f' for="{_formatted(option_id)}"' if option_id else ""
                parts.append(f"<label{label_for}>")
            parts.append(input_tag(option) + "\n")  # input.html's own last newline
            if wrap:
                parts.append(f" {conditional_escape(option['label'])}</label>")
            parts.append("\n\n</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


LABEL_TEMPLATE = "django/forms/label.html"
ERRORS_TEMPLATES = frozenset(
    ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")
)
FIELD_TEMPLATE = "django/forms/field.html"


def label_tag(context: dict[str, Any]) -> str | None:
    """`django/forms/label.html` (None: a label that is not text, left to the template)."""
    label = context["label"]
    if not isinstance(label, str | Promise):
        return None
    label = str(label)  # a safe string stays safe
    if not context["use_tag"]:
        return str(conditional_escape(label))
    parts = [f"<{conditional_escape(context['tag'])}"]
    _attrs(parts, context["attrs"] or {})
    parts.append(f">{conditional_escape(label)}</{conditional_escape(context['tag'])}>")
    return "".join(parts)


def field_group(field: Any) -> str:
    """`django/forms/field.html` (a field's label, help text, errors and widget; its blank
    lines and indentation as the template has them, stripped at both ends as the renderer
    strips a template's output)."""
    parts = []
    if field.use_fieldset:
        parts.append("\n  <fieldset")
        if field.aria_describedby:
            parts.append(f' aria-describedby="{conditional_escape(field.aria_describedby)}"')
        parts.append(">\n  ")
        if field.label:
            parts.append(str(field.legend_tag()))
    else:
        parts.append("\n  ")
        if field.label:
            parts.append(str(field.label_tag()))
    parts.append("\n\n")
    if field.help_text:
        parts.append('<div class="helptext"')
        if field.auto_id:
            parts.append(f' id="{conditional_escape(field.auto_id)}_helptext"')
        parts.append(f">{field.help_text}</div>")
    parts.append(f"\n{conditional_escape(str(field.errors))}\n{conditional_escape(str(field))}")
    if field.use_fieldset:
        parts.append("</fieldset>")
    return "".join(parts).strip()


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_tag(context["widget"])
        if template_name == SELECT_TEMPLATE and _writable(context["widget"]):
            return select_tag(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return textarea_tag(context["widget"])
        if template_name in MULTIPLE_TEMPLATES and _choices_writable(context["widget"]):
            return multiple_tag(context["widget"])
        if template_name == FIELD_TEMPLATE and set(context) == {"field"}:
            return field_group(context["field"])
        if template_name == LABEL_TEMPLATE:
            label = label_tag(context)
            if label is not None:
                return label
        if template_name in ERRORS_TEMPLATES and not context["errors"]:
            return ""  # the templates write nothing for no errors
        return super().render(template_name, context, request=request)
