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

import re
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


# --- whole rows ---------------------------------------------------------------------------

# A row's text in the stamped copy: "\ue002name\ue003" (private use area: escaping keeps it,
# no text contains it).
_TEXT = re.compile("\ue002([a-z_0-9]+)\ue003|" + str(STAND_IN_ID))


class StampError(Exception):
    """A row fragment read something of its row that the row does not declare (not an
    AttributeError: the template engine would swallow that and show an empty string)."""


class _Text(str):
    """A text's placeholder: showing it is what a row fragment does with a text; testing it
    (`{% if d.answer %}`) would be true for every row, so it fails instead (declare a flag)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        raise StampError(f"a stamped row tests the text {self!r}: declare a flag for it")


class _RowStandIn:
    """The row while a row fragment is stamped: each declared text is its placeholder, each
    declared flag a boolean (a choice its value), the id the stand-in id; anything else is a
    `StampError`."""

    def __init__(self, texts: tuple[str, ...], flags: tuple[tuple[str, Any], ...]) -> None:
        self.__dict__.update({name: _Text(f"\ue002{name}\ue003") for name in texts})
        self.__dict__.update(flags)
        self.pk = self.id = STAND_IN_ID

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise StampError(f"a stamped row reads {name!r}, which it does not declare")


@register.simple_tag(takes_context=True)
def stamp_row(context: Context, name: str, row: Any, **extra: Any) -> SafeString:
    """The whole of a list's row, `name` rendered with the row as `d`, once per page and
    variant and copied for each row. The row declares what the fragment reads of it:
    `STAMP_TEXTS`, attributes shown as they are (escaped unless safe: format dates, run
    filters such as `linebreaksbr` in the presenter, not in the fragment), and
    `STAMP_FLAGS`, attributes the fragment only tests (`{% if d.is_overdue %}`), and
    optionally `STAMP_CHOICES`, attributes of a few values the fragment compares
    (`{% if d.reaction == value %}`); one rendering per combination of them. `d.pk` may
    be used in URLs and ids. `extra`: the fragment's own context besides the page's, the
    same for every row."""
    texts: tuple[str, ...] = row.STAMP_TEXTS
    flags = tuple((flag, bool(getattr(row, flag))) for flag in row.STAMP_FLAGS) + tuple(
        (choice, getattr(row, choice)) for choice in getattr(row, "STAMP_CHOICES", ())
    )
    bottom = cast(dict[Any, Any], context.render_context.dicts[0])
    cache: dict[Any, list[str | None]] = bottom.setdefault("stamped_rows", {})
    key = (name, texts, flags, tuple(sorted(extra.items())) if extra else ())
    pieces = cache.get(key)
    if pieces is None:
        assert context.template is not None  # a tag renders inside a template
        with context.push(d=_RowStandIn(texts, flags), **extra):
            stamped = str(context.template.engine.get_template(name).render(context))
        # Split once per variant: the fragment's literal HTML at the even places, at the odd
        # ones the name of the text that goes there (None: the row's id). A row is then a join,
        # not a search through the fragment.
        pieces = cache[key] = _TEXT.split(stamped)
    filled: dict[str | None, str] = {None: str(row.pk)}  # a text the fragment shows twice
    shown = pieces.copy()
    for at in range(1, len(shown), 2):
        field = shown[at]
        text = filled.get(field)
        if text is None:
            text = filled[field] = str(conditional_escape(getattr(row, cast(str, field))))
        shown[at] = text
    return mark_safe("".join(cast(list[str], shown)))  # noqa: S308 - rendered by the template; texts escaped
