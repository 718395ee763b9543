"""Contacts for tests, made through the services (so `last_touch_on` and preferences are
what the product keeps)."""

from __future__ import annotations

from datetime import date
from typing import Any

from apps.accounts.models import User
from apps.contacts import services
from apps.contacts.models import Contact, Touch


def make_contact(owner: User, name: str = "Dana Weiss", **values: Any) -> Contact:
    return services.contact_create(owner=owner, name=name, **values)


def log_touch(
    contact: Contact, on: date, *, direction: str = "out", kind: str = "message", **more: Any
) -> Touch:
    return services.touch_log(
        user=contact.owner,
        contact_id=contact.pk,
        kind=kind,
        happened_on=on,
        direction=direction,
        confirmed=True,
        **more,
    )
