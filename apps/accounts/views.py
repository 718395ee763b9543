from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from apps.accounts import services
from apps.accounts.api.throttles import (
    AUTH_THROTTLES,
    PASSWORD_RESET_THROTTLES,
    SIGN_UP_THROTTLES,
)
from apps.accounts.forms import (
    PasswordChangeForm,
    SignUpConfirmForm,
    SignUpForm,
)
from apps.accounts.models import Language, User
from apps.core.errors import NotFound
from apps.core.web import attempt

# Sent when a person signs out or deletes their account: the HTTP cache, the service
# worker's caches and the worker go; the cookies stay (the language choice, the CSRF token).
CLEAR_SITE_DATA = '"cache", "storage"'


def _local_next(request: HttpRequest) -> str:
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return "/"
    return next_url


def signup(request: HttpRequest) -> HttpResponse:
    """Sign up: the same "check your inbox" for every address (see `user_sign_up`); the
    mailed link confirms a new account and leads on to `next`."""
    next_url = _local_next(request)
    status = 200
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            wait = throttle_wait(request, SIGN_UP_THROTTLES)
            if wait is not None:
                form.add_error("email", too_many_attempts(wait))
                status = 429
            elif attempt(
                request,
                lambda: services.user_sign_up(**form.cleaned_data, next_url=next_url),
                form=form,
            ):
                request.session["signed_up_as"] = form.cleaned_data["email"]
                return redirect("signup_sent")
    else:
        form = SignUpForm(initial={"language": (get_language() or "en")[:2]})
    context = {"form": form, "next": next_url}
    response = render(request, "accounts/signup.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(int(wait or 0) + 1)
    return response


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/signup_sent.html", {"email": request.session.get("signed_up_as", "")}
    )


@never_cache
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The mailed link: the account's password confirms the address and signs in. The link
    is sent to no other site (referrer policy) and works once."""
    problems: list[str] = []
    if not attempt(
        request,
        lambda: services.user_for_verification(uidb64=uidb64, token=token),
        errors=problems,
        refusals_on_page=True,
    ):
        response = render(
            request, "accounts/signup_confirm.html", {"invalid": problems[0]}, status=400
        )
    else:
        next_url = _local_next(request)
        form = SignUpConfirmForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST" and form.is_valid():
            wait = throttle_wait(request)
            if wait is not None:
                form.add_error("password", too_many_attempts(wait))
                status = 429
            else:
                verified = attempt(
                    request,
                    lambda: services.user_email_verify(
                        uidb64=uidb64, token=token, password=form.cleaned_data["password"]
                    ),
                    _("Your e-mail address is confirmed. Welcome!"),
                    form=form,
                )
                if verified:
                    login(request, verified.value, backend=_BACKEND)
                    return redirect(next_url)
                status = 400
        response = render(
            request,
            "accounts/signup_confirm.html",
            {"form": form, "next": next_url},
            status=status,
        )
    # Not "no-referrer": with it a browser sends `Origin: null` with the form's POST, which
    # Django's CSRF check refuses. "same-origin" keeps the link out of any other site's
    # logs; our own access log redacts it in the Referer.
    response["Referrer-Policy"] = "same-origin"
    return response


_BACKEND = "apps.accounts.backends.VerifiedEmailBackend"


def too_many_attempts(wait: float) -> str:
    minutes = max(1, round(wait / 60))
    return ngettext(
        "Too many attempts. Try again in %(minutes)s minute.",
        "Too many attempts. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch. A signed-in person's choice is their profile's language
    (which wins over the cookie on every page); everybody also gets Django's cookie."""
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in Language.values
        and language != user.language
    ):
        services.user_update_preferences(user=user, language=language)
    return django_set_language(request)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    with contextlib.suppress(NotFound):  # already gone (or never theirs): nothing to revoke
        services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(
        request, _("The API token is revoked; the app or client using it is signed out.")
    )
    return redirect(f"{reverse('accounts:preferences')}#api-tokens")


@login_required
@require_POST
def api_tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    services.api_tokens_revoke_all(user=request.user)  # type: ignore[arg-type]
    messages.success(
        request, _("All your API tokens are revoked; every app and client is signed out.")
    )
    return redirect(f"{reverse('accounts:preferences')}#api-tokens")


# --- deleting one's account -----------------------------------------------------------------

# The service's messages this page shows, so the German catalogue has them.
DELETE_MESSAGES = (
    gettext_noop("The password is wrong."),
    gettext_noop("This account has been deleted already."),
)


def throttle_wait(request: HttpRequest, limits: list[Any] = AUTH_THROTTLES) -> float | None:
    """The API's limits on password attempts, applied to this page too (one shared counter per
    person and per address): None if this attempt may go ahead, else the seconds to wait."""
    throttles = [throttle() for throttle in limits]
    refused = [t for t in throttles if not t.allow_request(request, None)]  # type: ignore[arg-type]
    if not refused:
        return None
    return max((t.wait() or 0.0) for t in refused)


@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password with the current one. Every API token is revoked and every other
    session ends; this one stays signed in."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        wait = throttle_wait(request)  # the old password can be guessed here, too
        if wait is not None:
            form.is_valid()
            form.add_error("old_password", too_many_attempts(wait))
            status = 429
        elif form.is_valid():
            form.save()
            update_session_auth_hash(request, user)
            messages.success(
                request,
                _(
                    "Your password is changed. Your API tokens are revoked and your other "
                    "sessions are signed out."
                ),
            )
            return redirect("accounts:preferences")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


# --- password reset ---------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with limits: per e-mail address asked for and per client address
    (`PASSWORD_RESET_THROTTLES`), counted alike whether the address has an account or not.
    Over a limit: 429 with the form and a message, and no e-mail."""

    def form_valid(self, form: Any) -> HttpResponse:
        wait = throttle_wait(self.request, PASSWORD_RESET_THROTTLES)
        if wait is None:
            return super().form_valid(form)
        form.add_error("email", too_many_attempts(wait))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(int(wait) + 1)
        return response


class LogoutView(auth_views.LogoutView):
    """Sign-out also empties what this site keeps in the browser: the service worker's caches
    (the pages kept for reading offline) and the worker itself, so the next person on the
    device reads nothing of this one's (see apps.core.offline)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
