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

import html
import re
from typing import Any, cast

from django import template
from django.core.signals import setting_changed
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.functional import Promise
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


def _escaped(value: Any) -> str:
    """`str(conditional_escape(value))`, step by step as it does, without the lazy-text
    wrapper around `escape` (a few hundred texts a page)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


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
    same for every row.

    `per_process=True`: each variant is rendered once per process (and language, URL
    prefix, whether the viewer leads the tandem and whether the page has a `queue`), not
    once per page, and filled in with the page's CSRF token, tandem id and `queue`; for a
    fragment that reads nothing else of the page (`_PAGE_READS`)."""
    per_process = extra.pop("per_process", False)
    texts: tuple[str, ...] = row.STAMP_TEXTS
    flags = tuple((flag, bool(getattr(row, flag))) for flag in row.STAMP_FLAGS) + tuple(
        (choice, getattr(row, choice)) for choice in getattr(row, "STAMP_CHOICES", ())
    )
    bottom = cast(dict[Any, Any], context.render_context.dicts[0])
    cache: dict[Any, list[str | None]] = bottom.setdefault("stamped_rows", {})
    key = (name, texts, flags, tuple(sorted(extra.items())) if extra else ())
    pieces = cache.get(key)
    if pieces is None:
        page = _page_values(context) if per_process else None
        if page is None:
            with context.push(d=_RowStandIn(texts, flags), **extra):
                stamped = _render(context, name)
            # Split once per variant: the fragment's literal HTML at the even places, at the
            # odd ones the name of the text that goes there (None: the row's id). A row is then
            # a join, not a search through the fragment.
            pieces = _TEXT.split(stamped)
        else:
            pieces = _kept_pieces(context, name, key, page, texts, flags, extra)
        cache[key] = pieces
    filled: dict[str | None, str] = {None: str(row.pk)}  # a text the fragment shows twice
    shown = pieces.copy()
    for at in range(1, len(shown), 2):
        field = shown[at]
        text = filled.get(field)
        if text is None:
            text = filled[field] = _escaped(getattr(row, cast(str, field)))
        shown[at] = text
    return mark_safe("".join(cast(list[str], shown)))  # noqa: S308 - rendered by the template; texts escaped


# --- rows kept per process ------------------------------------------------------------------

# What a row fragment stamped `per_process` may read of the page besides its row: the CSRF
# token, the tandem's id, `queue` (the page's paging and filters, sent back by its forms),
# `is_leader`, and what the page passes that is the same on every page (the unbound answer
# form with the stand-in id); in the kept rendering the first three are stand-ins.
_PAGE_READS = ("csrf_token", "tandem", "queue", "is_leader")
_CSRF = "\ue010"
_QUEUE = "\ue014"
TANDEM_STAND_IN = STAND_IN_ID + 1  # digits, as a URL's <int:…> takes them; no id has them
_PAGE_STAND_INS = re.compile(f"{_CSRF}|{_QUEUE}|{TANDEM_STAND_IN}")
_NOT_PROVIDED = "NOTPROVIDED"

# (variant's key, language, URL prefix, leader, has a queue) → the variant's pieces with the
# page's stand-ins. Bounded: a few variants per list, two languages (cleared past _MOST).
_KEPT: dict[tuple[Any, ...], list[str | None]] = {}
_MOST = 512


def _forget(**kwargs: Any) -> None:
    # A test that changes the languages, the templates or the URL prefix sees them.
    _KEPT.clear()


setting_changed.connect(_forget)


class _Tandem:
    pk = id = TANDEM_STAND_IN


def _page_values(context: Context) -> dict[str, Any] | None:
    """The page's values a kept row is filled with; None without a request's CSRF token or a
    tandem (then the row is stamped for this page only)."""
    csrf_token = context.get("csrf_token")
    tandem = context.get("tandem")
    if not csrf_token or str(csrf_token) == _NOT_PROVIDED or tandem is None:
        return None
    return {
        "csrf_token": str(csrf_token),
        "tandem": tandem.pk,
        "queue": context.get("queue") or "",
        "is_leader": bool(context.get("is_leader")),
    }


def _kept_pieces(
    context: Context,
    name: str,
    key: tuple[Any, ...],
    page: dict[str, Any],
    texts: tuple[str, ...],
    flags: tuple[tuple[str, Any], ...],
    extra: dict[str, Any],
) -> list[str | None]:
    kept_key = (
        key,
        translation.get_language(),
        get_script_prefix(),
        page["is_leader"],
        bool(page["queue"]),
    )
    kept = _KEPT.get(kept_key)
    if kept is None:
        bottom = cast(dict[Any, Any], context.render_context.dicts[0])
        # The fragment's own `{% stamp %}`s are rendered with the stand-ins: kept apart from
        # the page's (a form shown again with its errors stamps them with the real values).
        page_stamps = bottom.pop("stamps", None)
        try:
            with context.push(
                d=_RowStandIn(texts, flags),
                csrf_token=_CSRF,
                tandem=_Tandem(),
                queue=_QUEUE if page["queue"] else "",
                is_leader=page["is_leader"],
                **extra,
            ):
                kept = _TEXT.split(_render(context, name))
        finally:
            bottom.pop("stamps", None)
            if page_stamps is not None:
                bottom["stamps"] = page_stamps
        if len(_KEPT) >= _MOST:
            _KEPT.clear()
        _KEPT[kept_key] = kept
    filled = {
        _CSRF: html.escape(page["csrf_token"]),
        _QUEUE: html.escape(page["queue"]),
        str(TANDEM_STAND_IN): str(page["tandem"]),
    }
    return [
        piece if at % 2 else _PAGE_STAND_INS.sub(lambda found: filled[found.group(0)], piece)
        for at, piece in enumerate(cast(list[str], kept))
    ]


def _render(context: Context, name: str) -> str:
    assert context.template is not None  # a tag renders inside a template
    return str(context.template.engine.get_template(name).render(context))
