"""What is a person's own: the private calendar feed, and erasure (called by apps.home)."""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.checkins.models import (
    CalendarFeed,
)
from apps.checkins.services.preparation import private_notes_erase
from apps.core.errors import NotFound
from apps.tandems.tokens import new_token, token_hash


def calendar_feed_regenerate(*, user: User) -> str:
    """A new private feed URL token for the person; the old URL stops working at once.
    Only the hash is stored; the token is shown once."""
    token = new_token()
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": token_hash(token)})
        audit_record(action="feed_token_regenerated", actor=user, target=user)
    return token


def calendar_feed_revoke(*, user: User) -> None:
    with transaction.atomic():
        deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    if not deleted:
        raise NotFound(gettext_noop("There is no calendar feed to revoke."))
    audit_record(action="feed_token_revoked", actor=user, target=user)


# --- erasure (called by apps.home) ----------------------------------------------------------


def checkins_erase_for_user(*, user: User) -> None:
    """A deleted account's calendar feed goes (its link stops working at once), and so do
    their private notes (nobody else could ever read them). What they wrote in the tandem's
    check-ins stays, attributed to a former member."""
    private_notes_erase(user=user)
    with contextlib.suppress(NotFound):  # there was no feed to revoke
        calendar_feed_revoke(user=user)
