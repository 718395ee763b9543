"""Throttles of the endpoints that take a password or create an account.

Two counters per request, both must allow it: one per client address (many accounts tried
from one place) and one per person: the signed-in person, or before sign-in the e-mail
address tried (one account tried from many places). Failed sign-ins are also locked out by
django-axes; these limit the rate of every attempt, failed or not.

The per-person counter must not let a stranger lock a person out from afar: at the token
exchange (`SIGN_IN_THROTTLES`), when it is full, a client that has not failed for this
address (no failure counted by django-axes in the cool-off) still gets its password
checked, and the right password goes through. A wrong one is counted by django-axes like
any failure and answered 429 as before, so each client gets at most one such check per
cool-off, and the check answers nothing a throttled guess did not.

The rates are read when a request is checked, not when the class is defined, so
`DEFAULT_THROTTLE_RATES` can be changed per environment and in tests.
"""

from __future__ import annotations

import hashlib
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.audit.request_info import client_ip, login_identifier


class _LiveRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            # Like DRF: a missing rate is a configuration error, not "unthrottled".
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}.")
        rate = rates[str(self.scope)]
        return None if rate is None else str(rate)


class AuthPerAddressThrottle(_LiveRateThrottle):
    scope = "auth_ip"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}


class AuthPerPersonThrottle(_LiveRateThrottle):
    scope = "auth_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            # Reading the body here raises a malformed body's 400 (or 415) at once.
            email = login_identifier(request, None)
            if not email:
                return None
            ident = "email:" + hashlib.sha256(email.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SignInPerPersonThrottle(AuthPerPersonThrottle):
    """The per-person throttle of the token exchange, sparing the person themself."""

    def allow_request(self, request: Any, view: Any) -> bool:
        if super().allow_request(request, view):
            return True
        return _right_password_from_a_client_without_failures(request)


def _right_password_from_a_client_without_failures(request: Any) -> bool:
    if request.user and request.user.is_authenticated:
        return False
    email = login_identifier(request, None)
    password = request.data.get("password") if hasattr(request.data, "get") else None
    if not email or not isinstance(password, str) or not password:
        return False
    http_request = getattr(request, "_request", request)
    if AxesProxyHandler.get_failures(http_request, {"email": email}) > 0:
        return False
    # A wrong password here is a failed sign-in like any other: django-axes counts it (so
    # this client is not spared again) and the audit log records it.
    return authenticate(http_request, email=email, password=password) is not None


class PasswordResetPerAddressThrottle(AuthPerAddressThrottle):
    """Reset e-mails asked for from one client address (any addresses)."""

    scope = "password_reset_ip"


class PasswordResetPerPersonThrottle(_LiveRateThrottle):
    """Reset e-mails asked for one e-mail address (in its normal form), from anywhere, so
    nobody floods a person's inbox with them. Counted whether or not the address has an
    account: the answer must not tell."""

    scope = "password_reset_email"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        email = login_identifier(request, None)
        if not email:
            return None
        ident = "email:" + hashlib.sha256(email.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SignUpPerPersonThrottle(PasswordResetPerPersonThrottle):
    """Sign-up e-mails to one address, from anywhere: each sign-up mails the address (its
    confirmation link, or a note to the owner), so nobody floods an inbox with them. Counted
    alike whether or not the address has an account."""

    scope = "sign_up_email"


AUTH_THROTTLES = [AuthPerAddressThrottle, AuthPerPersonThrottle]
SIGN_UP_THROTTLES = [*AUTH_THROTTLES, SignUpPerPersonThrottle]
SIGN_IN_THROTTLES = [AuthPerAddressThrottle, SignInPerPersonThrottle]
PASSWORD_RESET_THROTTLES = [PasswordResetPerAddressThrottle, PasswordResetPerPersonThrottle]
