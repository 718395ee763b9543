"""The form renderer (`FORM_RENDERER`): Django's, with the plain `<input>` widgets written
directly instead of through three templates each.

Django renders every text, number, date, time or checkbox field through
`django/forms/widgets/<type>.html`, which includes `input.html`, which includes `attrs.html`:
three template renderings for one tag, most of a form's cost on the pages with many fields
(the preferences' two dozen checkboxes, the plan-a-check-in form). A select renders two
templates per option (the thank-you form's thirty decisions and thirty action items).
`input_tag` and `select_tag` write the same bytes as those templates
(tests/apps/core/test_form_renderer.py compares them for every widget and kind of value);
every other template (textareas, radios, field groups, the project's own widget templates)
is rendered as before.
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


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_tag(context["widget"])
        if template_name == SELECT_TEMPLATE and _writable(context["widget"]):
            return select_tag(context["widget"])
        return super().render(template_name, context, request=request)
