"""Contacts and tags: create, change, share, delete; the person's contact preferences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.contacts import rules
from apps.contacts.models import (
    SUGGESTIONS_MAX,
    SUGGESTIONS_MIN,
    Contact,
    ContactPreferences,
    ContactTag,
    Rhythm,
)
from apps.contacts.services.care import CARE_DATES, care_dates_refresh, carrying
from apps.contacts.services.common import (
    MAX_CONTACTS,
    MAX_LINKS,
    MAX_TAGS_PER_CONTACT,
    own_contact_locked,
    preferences_ensure,
    text,
)
from apps.core.email_address import normalize_email_address
from apps.core.errors import DomainError, NotFound
from apps.tandems.models import Membership

# The fields a contact's owner writes, with their limits (None: multi-line, unlimited here;
# the API and the forms bound them).
CONTACT_TEXT_FIELDS: dict[str, int] = {
    "name": 200,
    "how_we_know": 300,
    "organisation": 200,
    "role": 200,
    "email": 254,
    "phone": 50,
    "notes": 10_000,
}

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def _links(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise DomainError(gettext_noop("Give a list of web addresses."), field="links")
    links = [v.strip() for v in value if v.strip()]
    if len(links) > MAX_LINKS:
        raise DomainError(gettext_noop("At most 10 links."), field="links")
    for link in links:
        try:
            _url(link)
        except ValidationError:
            raise DomainError(
                gettext_noop("Each link must be a web address (http or https)."), field="links"
            ) from None
    return links


def _email_value(value: str) -> tuple[str, str]:
    if not value:
        return "", ""
    try:
        _email(value)
    except ValidationError:
        raise DomainError(gettext_noop("Enter a valid e-mail address."), field="email") from None
    return value, normalize_email_address(value)


def _rhythm(values: dict[str, Any], current: Contact | None) -> dict[str, Any]:
    """The rhythm fields after a change: `rhythm` "own" needs both numbers; "tags"/"none"
    clear them."""
    mode = values.get("rhythm", current.rhythm if current else None)
    ideal = values.get("rhythm_ideal_days", current.rhythm_ideal_days if current else None)
    latest = values.get("rhythm_latest_days", current.rhythm_latest_days if current else None)
    if mode is None:
        mode = Rhythm.OWN if ideal is not None or latest is not None else Rhythm.TAGS
    if mode not in Rhythm.values:
        raise DomainError(gettext_noop("Choose tags, own or none."), field="rhythm")
    if mode != Rhythm.OWN:
        return {"rhythm": mode, "rhythm_ideal_days": None, "rhythm_latest_days": None}
    if ideal is None and latest is None:
        raise DomainError(
            gettext_noop("An own rhythm needs the ideal and the latest."),
            field="rhythm_ideal_days",
        )
    error = rules.rhythm_error(ideal, latest)
    if error:
        raise DomainError(error[1], field=error[0])
    return {"rhythm": mode, "rhythm_ideal_days": ideal, "rhythm_latest_days": latest}


def _tags(owner: User, names_or_ids: Iterable[Any] | None) -> list[ContactTag] | None:
    """The owner's tags by id or name (a new name creates the tag); None leaves them."""
    if names_or_ids is None:
        return None
    items = list(names_or_ids)
    if len(items) > MAX_TAGS_PER_CONTACT:
        raise DomainError(gettext_noop("At most 20 tags per contact."), field="tags")
    found: list[ContactTag] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            tag = ContactTag.objects.filter(owner=owner, pk=item).first()
            if tag is None:
                raise DomainError(gettext_noop("No such tag."), field="tags")
        elif isinstance(item, str) and item.strip():
            name = text(item, "tags", max_length=60)
            tag = ContactTag.objects.filter(owner=owner, name__iexact=name).first()
            tag = tag or ContactTag.objects.create(owner=owner, name=name)
        else:
            raise DomainError(gettext_noop("Give tags by id or name."), field="tags")
        if tag not in found:
            found.append(tag)
    return found


def _shared_tandem(owner: User, tandem_id: Any) -> int | None:
    if tandem_id is None:
        return None
    if isinstance(tandem_id, bool) or not isinstance(tandem_id, int):
        raise DomainError(gettext_noop("Give a tandem's id or null."), field="shared_tandem")
    if not Membership.objects.filter(user=owner, tandem_id=tandem_id).exists():
        raise DomainError(
            gettext_noop("You can only share with a tandem you are in."), field="shared_tandem"
        )
    return int(tandem_id)


def _clean(owner: User, values: dict[str, Any], current: Contact | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, limit in CONTACT_TEXT_FIELDS.items():
        if name in values:
            clean[name] = text(values[name], name, required=name == "name", max_length=limit)
    if current is None and "name" not in clean:
        raise DomainError(gettext_noop("This field is required."), field="name")
    if "email" in clean:
        clean["email"], clean["email_key"] = _email_value(clean["email"])
    if "links" in values:
        clean["links"] = _links(values["links"])
    if "shared_tandem" in values:
        clean["shared_tandem_id"] = _shared_tandem(owner, values["shared_tandem"])
    if {"rhythm", "rhythm_ideal_days", "rhythm_latest_days"} & values.keys() or current is None:
        clean.update(_rhythm(values, current))
    return clean


def contact_values_clean(*, owner: User, values: dict[str, Any]) -> dict[str, Any]:
    """A new contact's values checked and cleaned as `contact_create` does, without saving
    anything (tags are checked as names, not created): for an import's preview and its
    bulk save. Raises the same DomainError, naming the field."""
    values = dict(values)
    names = values.pop("tags", None) or []
    if len(names) > MAX_TAGS_PER_CONTACT:
        raise DomainError(gettext_noop("At most 20 tags per contact."), field="tags")
    clean = _clean(owner, values, None)
    clean["tags"] = [text(name, "tags", required=True, max_length=60) for name in names]
    return clean


@transaction.atomic
def contact_create(*, owner: User, **values: Any) -> Contact:
    """A new contact of `owner`'s (private unless `shared_tandem` is given). `tags` by id or
    name; a name not yet used becomes a tag."""
    tags = _tags(owner, values.pop("tags", None))
    clean = _clean(owner, values, None)
    if Contact.objects.filter(owner=owner).count() >= MAX_CONTACTS:
        raise DomainError(gettext_noop("You have reached the limit of contacts."), field="name")
    contact = Contact.objects.create(owner=owner, **clean)
    if tags:
        contact.tags.set(tags)
    care_dates_refresh(owner=owner, contact_ids=[contact.pk])
    contact.refresh_from_db(fields=CARE_DATES)
    preferences_ensure(owner)
    return contact


@transaction.atomic
def contact_update(*, user: User, contact_id: int, **values: Any) -> Contact:
    """The owner changes the contact (only the fields given)."""
    contact = own_contact_locked(user=user, contact_id=contact_id, action=gettext_noop("change it"))
    tags = _tags(user, values.pop("tags", None))
    for name, value in _clean(user, values, contact).items():
        setattr(contact, name, value)
    contact.save()
    if tags is not None:
        contact.tags.set(tags)
    care_dates_refresh(owner=user, contact_ids=[contact.pk])
    contact.refresh_from_db(fields=CARE_DATES)
    return contact


@transaction.atomic
def contact_delete(*, user: User, contact_id: int) -> None:
    """The owner deletes the contact with its touches, occasions and prepared touches."""
    contact = own_contact_locked(user=user, contact_id=contact_id, action=gettext_noop("delete it"))
    contact.delete()


# --- tags ------------------------------------------------------------------------------------


def _tag_rhythm(values: dict[str, Any], tag: ContactTag | None) -> dict[str, Any]:
    ideal = values.get("rhythm_ideal_days", tag.rhythm_ideal_days if tag else None)
    latest = values.get("rhythm_latest_days", tag.rhythm_latest_days if tag else None)
    error = rules.rhythm_error(ideal, latest)
    if error:
        raise DomainError(error[1], field=error[0])
    return {"rhythm_ideal_days": ideal, "rhythm_latest_days": latest}


def _tag_name(owner: User, value: Any, *, exclude: int | None = None) -> str:
    name = text(value, "name", required=True, max_length=60)
    clash = ContactTag.objects.filter(owner=owner, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise DomainError(gettext_noop("You already have a tag of this name."), field="name")
    return name


@transaction.atomic
def tag_create(*, owner: User, **values: Any) -> ContactTag:
    """A tag; with a rhythm, its contacts that follow their tags take it."""
    name = _tag_name(owner, values.get("name"))
    return ContactTag.objects.create(owner=owner, name=name, **_tag_rhythm(values, None))


def _tag_locked(owner: User, tag_id: int) -> ContactTag:
    tag = ContactTag.objects.select_for_update().filter(owner=owner, pk=tag_id).first()
    if tag is None:
        raise NotFound(gettext_noop("No such tag."))
    return tag


@transaction.atomic
def tag_update(*, owner: User, tag_id: int, **values: Any) -> ContactTag:
    tag = _tag_locked(owner, tag_id)
    if "name" in values:
        tag.name = _tag_name(owner, values["name"], exclude=tag.pk)
    before = (tag.rhythm_ideal_days, tag.rhythm_latest_days)
    for name, value in _tag_rhythm(values, tag).items():
        setattr(tag, name, value)
    tag.save()
    if (tag.rhythm_ideal_days, tag.rhythm_latest_days) != before:
        care_dates_refresh(owner=owner, contact_ids=carrying(tag.pk))
    return tag


@transaction.atomic
def tag_delete(*, owner: User, tag_id: int) -> None:
    """The tag goes; its contacts stay (without it, and without its rhythm)."""
    tag = _tag_locked(owner, tag_id)
    contact_ids = carrying(tag.pk)
    tag.delete()
    care_dates_refresh(owner=owner, contact_ids=contact_ids)


# --- preferences ------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, user: User, **values: Any) -> ContactPreferences:
    """How many suggestions a window brings (1–5), and occasions in the calendar feed."""
    prefs = preferences_ensure(user)
    if "suggestions_per_window" in values:
        count = values["suggestions_per_window"]
        if (
            isinstance(count, bool)
            or not isinstance(count, int)
            or not SUGGESTIONS_MIN <= count <= SUGGESTIONS_MAX
        ):
            raise DomainError(
                gettext_noop("Choose between 1 and 5 suggestions."),
                field="suggestions_per_window",
            )
        prefs.suggestions_per_window = count
    if "occasions_in_calendar" in values:
        prefs.occasions_in_calendar = bool(values["occasions_in_calendar"])
    prefs.save()
    return prefs
