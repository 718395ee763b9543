"""Who is on the other end of a request, as the audit log, the login lockout and the API
throttles see it.

The client address is the peer's address, or, behind `TANDEM_TRUSTED_PROXY_COUNT` reverse
proxies, the address the outermost trusted proxy put into X-Forwarded-For (the same rule as
DRF's `NUM_PROXIES`, which is set from the same setting). With no trusted proxy the header is
ignored: a client cannot choose its own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from apps.core.email_address import normalize_email_address

# The current request's client address, for services that record an audit event without a
# request in hand; set by `middleware.AuditRequestMiddleware`, None outside a request.
current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | Any) -> str | None:
    meta = request.META
    proxies: int = settings.TANDEM_TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return _valid(hops[-min(proxies, len(hops))])
    return _valid(meta.get("REMOTE_ADDR", "") or "")


def login_identifier(request: HttpRequest | Any, credentials: Mapping[str, Any] | None) -> str:
    """The e-mail address a sign-in attempt was for, as the lockout and the throttles count
    it: in the normal form the account is found by (apps.core.email_address), so every
    spelling that reaches one account (`Ann@Example.org`, `ſiſſi@…` for `sissi@…`) shares
    one counter."""
    value: Any = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if value is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("email") or data.get("username") if hasattr(data, "get") else None
    return normalize_email_address(value)[:254]
