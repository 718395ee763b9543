"""Throttles of the endpoints that take a password or create an account.

Two counters per request, both must allow it: one per client address (many accounts tried
from one place) and one per person: the signed-in person, or before sign-in the e-mail
address tried (one account tried from many places). Failed sign-ins are also locked out by
django-axes; these limit the rate of every attempt, failed or not.

The rates are read when a request is checked, not when the class is defined, so
`DEFAULT_THROTTLE_RATES` can be changed per environment and in tests.
"""

from __future__ import annotations

import hashlib
from typing import Any

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


AUTH_THROTTLES = [AuthPerAddressThrottle, AuthPerPersonThrottle]
