"""`{% layout_part "partials/top.html" %}`: a part of the base layout that every page shows
(the top navigation, the tandem's navigation, the icons and the install script), rendered
once per process and kind of page instead of once per request, and filled in per request.

What such a part reads of the page: the language (and the languages offered), the URL
prefix, whether someone is signed in, the unread count (by value, up to the badge's cap),
whether the page is a tandem's and the viewer its leader (each part of the key), and four
texts put in place of stand-ins: the CSRF token, the page's own path, the tandem's id and
its name (escaped, as the template would have). A part that reads anything else of the
context must not be stamped. Rendered normally without a request (an error page rendered
with a plain context) or a CSRF token.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.web import STAND_IN_ID

register = template.Library()

# The badge shows the count up to this, and "99+" above it (templates/base.html).
BADGE_CAP = 99

# Private use area: escaping keeps them as they are; no text contains them.
_CSRF = "\ue010"
_PATH = "\ue011"
_NAME = "\ue012"
_NOT_PROVIDED = "NOTPROVIDED"
_STAND_INS = re.compile(f"{_CSRF}|{_PATH}|{_NAME}|{STAND_IN_ID}")

# (part, language, URL prefix, signed in, unread, tandem's page, leader) → the part's HTML
# with stand-ins. Bounded: two languages, a hundred and two counts, a few kinds of page.
_STAMPED: dict[tuple[Any, ...], str] = {}


def _forget(**kwargs: Any) -> None:
    # A test that changes the languages, the templates or the URL prefix sees them.
    _STAMPED.clear()
    _KEPT.clear()


setting_changed.connect(_forget)


class _Request:
    """The request while a part is stamped: only its path, as a stand-in."""

    @staticmethod
    def get_full_path() -> str:
        return _PATH


class _Tandem:
    pk = id = STAND_IN_ID
    name = _NAME


# A process keeps at most this many stamped parts (then starts again): a few per language
# and kind of page, and the top navigation once per unread count shown.
_MOST = 512


@register.simple_tag(takes_context=True)
def layout_part(context: Context, name: str, badge: bool = False) -> SafeString:
    """`badge`: the part shows the unread count (counted, and part of the key, only then)."""
    request = context.get("request")
    csrf_token = context.get("csrf_token")
    # Django's sentinel when no CSRF middleware gave the page a token.
    if request is None or not csrf_token or str(csrf_token) == _NOT_PROVIDED:
        return _render(context, name)
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    unread = None
    if signed_in and badge:
        counted = context.get("unread_notice_count")
        unread = min(counted() if callable(counted) else counted or 0, BADGE_CAP + 1)
    tandem = context.get("tandem")
    is_leader = bool(tandem and context.get("is_leader"))
    key = (
        name,
        translation.get_language(),
        get_script_prefix(),
        signed_in,
        unread,
        bool(tandem),
        is_leader,
    )
    stamped = _STAMPED.get(key)
    if stamped is None:
        with context.push(
            request=_Request(),
            csrf_token=_CSRF,
            unread_notice_count=unread,
            tandem=_Tandem() if tandem else None,
            is_leader=is_leader,
        ):
            stamped = _render(context, name)
        if len(_STAMPED) >= _MOST:
            _STAMPED.clear()
        _STAMPED[key] = stamped
    filled = {
        _CSRF: str(conditional_escape(csrf_token)),
        _PATH: str(conditional_escape(request.get_full_path())),
        _NAME: str(conditional_escape(tandem.name)) if tandem else _NAME,
        str(STAND_IN_ID): str(tandem.pk) if tandem else str(STAND_IN_ID),
    }
    return mark_safe(  # noqa: S308 - rendered (and escaped) by the template; the texts escaped
        _STAND_INS.sub(lambda match: filled[match.group(0)], stamped)
    )


# (part, language, URL prefix, its values) → the part's HTML. Bounded like _STAMPED: a few
# parts, each with a few values written in the templates, in two languages.
_KEPT: dict[tuple[Any, ...], str] = {}


@register.simple_tag(takes_context=True)
def kept_part(context: Context, name: str, **values: str) -> SafeString:
    """`{% kept_part "contacts/_nav.html" here="tags" %}`: a part that reads nothing of the
    page, only `values` (written in the template, such as which of its links is the page
    shown), rendered once per process, language and URL prefix for them instead of on every
    request (a navigation of six links reverses six URLs and translates six labels). It is
    rendered with `values` alone: anything else it reads would be empty."""
    key = (name, translation.get_language(), get_script_prefix(), tuple(sorted(values.items())))
    kept = _KEPT.get(key)
    if kept is None:
        assert context.template is not None  # a tag renders inside a template
        part = context.template.engine.get_template(name)
        kept = str(part.render(Context(values, autoescape=context.autoescape)))
        if len(_KEPT) >= _MOST:
            _KEPT.clear()
        _KEPT[key] = kept
    return mark_safe(kept)  # noqa: S308 - rendered (and escaped) by the template


def _render(context: Context, name: str) -> SafeString:
    assert context.template is not None  # a tag renders inside a template
    return mark_safe(str(context.template.engine.get_template(name).render(context)))  # noqa: S308
