"""Pure rules about a person's preferences."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache


@cache
def valid_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_timezone(name: str) -> bool:
    return name in valid_timezones()


def is_paused(*, at: datetime, paused_from: datetime | None, paused_until: datetime | None) -> bool:
    """A person is away from `paused_from` until `paused_until` (open-ended when None)."""
    if paused_from is None:
        return False
    return paused_from <= at and (paused_until is None or at < paused_until)


def email_domain(address: str) -> str:
    """The part after the last @ of an address in the normal form ("" when there is none)."""
    return address.rpartition("@")[2] if "@" in address else ""


def is_sso_only(*, address: str, domains: list[str] | tuple[str, ...]) -> bool:
    """Whether an address (in the normal form) may sign in only through single sign-on: its
    domain is one of `domains`, exactly (a subdomain is a domain of its own)."""
    domain = email_domain(address)
    return bool(domain) and domain in {d.strip().lower().lstrip("@") for d in domains}
