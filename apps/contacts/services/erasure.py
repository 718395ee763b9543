"""A person who leaves a tandem or deletes their account (called by apps.home)."""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.models import User
from apps.contacts.models import (
    Contact,
    ContactPreferences,
    ContactTag,
    ContactWindow,
    PreparedState,
    PreparedTouch,
)


def contacts_unshare_for_departure(*, tandem_id: int) -> int:
    """Someone left the tandem: what was shared in it is private again (a successor in the
    seat sees none of it), and touches prepared there that wait are dropped."""
    shared = Contact.objects.filter(shared_tandem_id=tandem_id)
    PreparedTouch.objects.filter(contact__in=shared, state=PreparedState.OPEN).update(
        state=PreparedState.DROPPED, resolved_at=timezone.now()
    )
    return shared.update(shared_tandem=None)


def contacts_erase_for_user(*, user: User) -> None:
    """The person's contacts are theirs alone: they go with everything on them. Touches the
    person prepared on a partner's contacts stay with that contact (unattributed)."""
    Contact.objects.filter(owner=user).delete()
    ContactTag.objects.filter(owner=user).delete()
    ContactWindow.objects.filter(user=user).delete()
    ContactPreferences.objects.filter(user=user).delete()
