"""Helpers every tandem page uses, so the pages follow the API's permission rules.

A page of a tandem the person is not in is a 404, exactly like a tandem that does not exist;
so is any object a view looks up that the person may not see, and a role that may not do
something gets the 403 page (`apps.core.web.refusals_as_http`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from apps.core.web import form_error_from, refusals_as_http
from apps.tandems import selectors
from apps.tandems.models import Membership, Role

__all__ = ["form_error_from", "member_page", "person_html", "tandem_context"]

P = ParamSpec("P")
PageView = Callable[Concatenate[HttpRequest, Membership, P], HttpResponse]


def member_page(view: PageView[P]) -> Callable[..., HttpResponse]:
    """Resolve `tandem_id` from the URL to the signed-in person's seat in that tandem.

    The view receives the `Membership`; `request.membership` is set too, so the base layout
    can show the tandem's navigation. Outsiders and missing tandems get the same 404; a
    `NotFound` or `PermissionDenied` the view lets through is the 404 or 403 page.
    """

    @login_required
    @refusals_as_http
    @wraps(view)
    def wrapper(request: HttpRequest, tandem_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = selectors.membership_get_for_member(
            user=request.user,  # type: ignore[arg-type]
            tandem_id=tandem_id,
        )
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, membership, *args, **kwargs)

    return wrapper


def tandem_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the tandem whose page this is, for the layout's navigation."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    tandem_id = membership.tandem_id
    return {
        "membership": membership,
        "tandem": membership.tandem,
        "is_leader": membership.role == Role.LEADER,
        # For `{% person %}`: read (one query) only by a page that shows names.
        "former_names": SimpleLazyObject(lambda: selectors.former_names_of(tandem_id=tandem_id)),
    }


def former_label(role: str) -> str:
    return gettext("former leader") if role == Role.LEADER else gettext("former assistant")


def person_html(user: Any, former: Any) -> SafeString:
    """A person's name on a tandem's page, marked when they are a former member of it
    (`former`: user id → role, `selectors.former_names_of`); `{% person %}`, and the rows a
    presenter prepares for a list."""
    if user is None:
        return conditional_escape(gettext("A former member"))
    role = (former or {}).get(user.pk)
    if role is None:
        return format_html("{}", user.name)
    return format_html('{} <span class="muted">({})</span>', user.name, former_label(role))
