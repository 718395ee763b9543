"""What the contact services share: the limits, and a contact locked for a write."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.contacts import selectors
from apps.contacts.models import Contact, ContactPreferences
from apps.core.errors import DomainError, NotFound, PermissionDenied

MAX_CONTACTS: Final = 20_000
MAX_LINKS: Final = 10
MAX_TAGS_PER_CONTACT: Final = 20


def text(
    value: object, field: str, *, required: bool = False, max_length: int | None = None
) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise DomainError(gettext_noop("This field may not be blank."), field=field)
    if max_length is not None and len(value) > max_length:
        raise DomainError(gettext_noop("This text is too long."), field=field)
    return value


def contact_locked(*, user: User, contact_id: int) -> Contact:
    """A contact `user` may see, locked for the write (NotFound otherwise)."""
    selectors.contact_get_for_person(user=user, contact_id=contact_id)
    return Contact.objects.select_for_update().select_related("owner").get(pk=contact_id)


def own_contact_locked(*, user: User, contact_id: int, action: str) -> Contact:
    """The contact, if it is `user`'s own; the partner it is shared with gets a 403 for
    what only its owner does, everyone else a 404."""
    contact = contact_locked(user=user, contact_id=contact_id)
    if contact.owner_id != user.pk:
        raise PermissionDenied(
            gettext("Only the contact's owner may %(action)s.") % {"action": gettext(action)}
        )
    return contact


def preferences_ensure(user: User) -> ContactPreferences:
    prefs, _ = ContactPreferences.objects.get_or_create(user=user)
    return prefs


def not_found() -> NotFound:
    return NotFound(gettext_noop("No such contact."))
