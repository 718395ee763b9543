"""The form renderer (`FORM_RENDERER`): Django's, with the plain `<input>` widgets written
directly instead of through three templates each.

Django renders every text, number, date, time or checkbox field through
`django/forms/widgets/<type>.html`, which includes `input.html`, which includes `attrs.html`:
three template renderings for one tag, most of a form's cost on the pages with many fields
(the preferences' two dozen checkboxes, the plan-a-check-in form). `input_tag` writes the same
bytes as those templates (tests/apps/core/test_form_renderer.py compares them for every
widget and kind of value); every other template (selects, textareas, field groups, the
project's own widget templates) is rendered as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
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


def input_tag(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/input.html` for the widget context `widget`."""
    parts = [
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"'
    ]
    if widget["value"] is not None:
        parts.append(f' value="{_formatted(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is not False:
            parts.append(f" {conditional_escape(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    parts.append(">")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_tag(context["widget"])
        return super().render(template_name, context, request=request)
