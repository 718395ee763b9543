"""The inbox page: the person's own notices, newest first, and marking them read."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.core.web import paginate, query_without, refusals_as_http
from apps.notifications import actions, selectors, services
from apps.notifications.models import Notice
from apps.notifications.presenters import NoticeRow

PAGE_SIZE = 25


def _link(notice: Notice) -> str:
    """Where the notice leads: its own link when it is a page of this site, else its tandem."""
    if notice.url.startswith("/") and _is_page(notice.url.split("#", 1)[0].split("?", 1)[0]):
        return notice.url
    if notice.tandem_id is not None:
        return reverse("tandems:overview", args=[notice.tandem_id])
    return ""


@lru_cache(maxsize=1024)
def _is_page(path: str) -> bool:
    """Whether `path` is a page of this site, remembered (the URLs do not change while the
    process runs; an inbox page asks for each of its notices on every request)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _forget(**kwargs: Any) -> None:
    _is_page.cache_clear()  # a test that changes the URLs


setting_changed.connect(_forget)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unread_only = request.GET.get("show") == "unread"
    notices = selectors.inbox_for(user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    page = paginate(request, notices, PAGE_SIZE)
    page.object_list = [NoticeRow(notice, _link(notice)) for notice in page.object_list]
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "query": query_without(request),
            "unread_only": unread_only,
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notifications:inbox")
    return redirect(target)


@login_required
@refusals_as_http
@require_POST
def mark_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    services.notice_mark_read(user=request.user, notice_id=notice_id)  # type: ignore[arg-type]
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.notices_mark_all_read(user=request.user)  # type: ignore[arg-type]
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)d notice marked as read.", "%(count)d notices marked as read.", marked
            )
            % {"count": marked},
        )
    else:
        messages.info(request, _("Everything was read already."))
    return _back(request)


# --- one-click actions from an e-mail (apps.notifications.actions) --------------------------


def email_action(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link will do, and a button (nothing changes: link previews and mail
    scanners open links). POST: do it, once, without signing in. The page speaks the
    recipient's language, whoever opens it; a link that cannot be used says why (404 not
    valid or no longer a member, 409 done meanwhile on the web, 410 used or expired)."""
    try:
        found = actions.read(token)
    except DomainError as refused:
        return _action_page(request, None, problem=refused.message, status=refused.status_code)
    with translation.override(found.notice.recipient.language):
        if request.method != "POST":
            return _action_page(request, found)
        text = request.POST.get("text", "")
        try:
            _found, done = actions.action_take(token=token, text=text)
        except DomainError as refused:
            if refused.field == "text":
                return _action_page(
                    request, found, text=text, text_error=refused.message, status=400
                )
            return _action_page(request, found, problem=refused.message, status=refused.status_code)
        return _action_page(request, found, done=done)


def _action_page(
    request: HttpRequest,
    found: actions.Found | None,
    *,
    problem: str = "",
    done: str = "",
    text: str = "",
    text_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"found": found, "problem": problem, "done": done, "text": text}
    context["text_error"] = text_error
    if found is not None:
        context["open_url"] = _link(found.notice)
    response = render(request, "notifications/action.html", context, status=status)
    # The token is in the address: no other site gets it as a referrer. Not "no-referrer":
    # with it a browser sends `Origin: null` with the confirm form's POST, which Django's
    # CSRF check refuses; our own access log redacts the token in the Referer.
    response["Referrer-Policy"] = "same-origin"
    return response
