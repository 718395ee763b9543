"""`{% stamp "fragment.html" row variant %}`: a fragment that a list repeats on every row and
that differs between rows only in the row's id and title (a row's small forms: their action
URL, their field ids, a screen reader's "Acknowledge: <title>"), rendered once per page and
filled in per row by string replacement instead of rendered again for each row.

The fragment is rendered the first time with a stand-in row (`d`: an id no row has, a title
that no text contains) in the page's context, so the CSRF token, the page's hidden fields and
the translations are those of the page; each row then gets a copy with the stand-ins replaced
(the title HTML-escaped, as the template would have). `variant` names what else the fragment
depends on (e.g. whether the row has a reminder): one rendering per variant. A fragment that
reads anything else of `d` than `pk` and `title` must not be stamped; a form shown again
with errors is rendered normally.
"""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.web import STAND_IN_ID

register = template.Library()

# A title in the Unicode private use area: escaping leaves it as it is; no text contains it.
STAND_IN_TITLE = "\ue000\ue001"


class _StandIn:
    """The row `d` while the fragment is stamped: the stand-in id and title, and the variant's
    fields as booleans (a fragment may test them, not show them)."""

    pk = id = STAND_IN_ID
    title = STAND_IN_TITLE

    def __init__(self, variant: tuple[tuple[str, bool], ...]) -> None:
        self.__dict__.update(variant)


@register.simple_tag(takes_context=True)
def stamp(
    context: Context, name: str, row: Any, form: Any = None, back: str = "", **variant: Any
) -> SafeString:
    """`row`: the list's item (`pk`, `title`). `form`, `back`: the fragment's own context
    besides the page's (the form rendered with the stand-in id in its `auto_id`). `variant`:
    the row's fields the fragment tests (`reminder_at=d.reminder_at`), by truth."""
    flags = tuple(sorted((field, bool(value)) for field, value in variant.items()))
    # The page's own render context (its bottom dict lives as long as the page's rendering).
    bottom = cast(dict[Any, Any], context.render_context.dicts[0])
    cache: dict[Any, str] = bottom.setdefault("stamps", {})
    key = (name, back, flags)
    stamped = cache.get(key)
    if stamped is None:
        assert context.template is not None  # a tag renders inside a template
        with context.push(d=_StandIn(flags), form=form, back=back):
            stamped = str(context.template.engine.get_template(name).render(context))
        cache[key] = stamped
    return mark_safe(  # noqa: S308 - rendered (and escaped) by the template; the title escaped
        stamped.replace(str(STAND_IN_ID), str(row.pk)).replace(
            STAND_IN_TITLE, str(conditional_escape(row.title))
        )
    )
