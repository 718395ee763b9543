"""Touches (any touch restarts the rhythm), occasions, and touches prepared by the partner."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.contacts import rules, selectors
from apps.contacts.models import (
    Channel,
    Contact,
    Direction,
    Occasion,
    OccasionKind,
    PreparedState,
    PreparedTouch,
    Touch,
    TouchKind,
)
from apps.contacts.services.care import care_dates_refresh
from apps.contacts.services.common import contact_locked, own_contact_locked, text
from apps.core.dates import out_of_range
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied

# The advice of the seed, shown once before a second unanswered touch is saved.
CHAIN_ADVICE = gettext_noop(
    "Your last message is still unanswered, and that is fine: silence is part of everyone's "
    "rhythm. One good message is better than ten follow-ups such as “did you see it?”. Save "
    "this touch anyway?"
)


def _choice(value: Any, choices: list[str], field: str) -> str:
    if value not in choices:
        raise DomainError(gettext_noop("Not one of the choices."), field=field)
    return str(value)


def _date(value: Any, field: str) -> date:
    if not isinstance(value, date):
        raise DomainError(gettext_noop("Give a date (YYYY-MM-DD)."), field=field)
    problem = out_of_range(value)
    if problem:
        raise DomainError(problem, field=field)
    return value


def _refresh_last_touch(contact: Contact, owner: User) -> None:
    """The latest touch restarts the rhythm: `last_touch_on` and the care dates follow it."""
    latest = contact.touches.aggregate(latest=Max("happened_on"))["latest"]
    if contact.last_touch_on != latest:
        contact.last_touch_on = latest
        contact.save(update_fields=["last_touch_on", "updated_at"])
        care_dates_refresh(owner=owner, contact_ids=[contact.pk])


def chain_advice_due(*, user: User, contact: Contact, direction: str, on: date) -> bool:
    """Whether logging this touch would be a chain (see `rules.is_chain`)."""
    last = selectors.last_touch(contact)
    return rules.is_chain(
        last.direction if last else None,
        last.happened_on if last else None,
        direction,
        on,
    )


@transaction.atomic
def touch_log(
    *,
    user: User,
    contact_id: int,
    kind: str,
    happened_on: date | None = None,
    direction: str = Direction.OUT,
    note: str = "",
    asks: bool = False,
    confirmed: bool = False,
) -> Touch:
    """The owner logs a touch, in either direction; it restarts the rhythm.

    A touch of one's own right after one's own unanswered touch (`rules.is_chain`) is a 409
    with the seed's advice (code `chain`) unless `confirmed`: shown once, then saved if the
    person still wants to."""
    contact = own_contact_locked(
        user=user, contact_id=contact_id, action=gettext_noop("log a touch")
    )
    kind = _choice(kind, TouchKind.values, "kind")
    direction = _choice(direction, Direction.values, "direction")
    today = selectors.today_for(user)
    on = _date(happened_on, "happened_on") if happened_on is not None else today
    if on > today:
        raise DomainError(gettext_noop("A touch cannot be in the future."), field="happened_on")
    if not confirmed and chain_advice_due(user=user, contact=contact, direction=direction, on=on):
        raise Conflict(CHAIN_ADVICE, field="confirmed", code="chain")
    touch = Touch.objects.create(
        contact=contact,
        kind=kind,
        direction=direction,
        happened_on=on,
        note=text(note, "note", max_length=4000),
        asks=bool(asks),
        logged_by=user,
    )
    _refresh_last_touch(contact, user)
    return touch


@transaction.atomic
def touch_delete(*, user: User, contact_id: int, touch_id: int) -> None:
    """The owner removes a touch logged by mistake; the rhythm counts from the one before."""
    contact = own_contact_locked(
        user=user, contact_id=contact_id, action=gettext_noop("delete a touch")
    )
    deleted, _ = Touch.objects.filter(contact=contact, pk=touch_id).delete()
    if not deleted:
        raise NotFound(gettext_noop("No such touch."))
    _refresh_last_touch(contact, user)


# --- occasions ------------------------------------------------------------------------------


@transaction.atomic
def occasion_add(
    *,
    user: User,
    contact_id: int,
    kind: str,
    title: str,
    on: date | None = None,
    yearly: bool = False,
) -> Occasion:
    """An occasion on a contact the person sees (the owner, or the partner it is shared
    with). A natural occasion ("saw their talk announced") is dated today and happens once;
    it becomes a reason in the owner's next window."""
    contact = contact_locked(user=user, contact_id=contact_id)
    kind = _choice(kind, OccasionKind.values, "kind")
    title = text(title, "title", required=True, max_length=200)
    today = selectors.today_for(user)
    if kind == OccasionKind.NATURAL:
        if yearly:
            raise DomainError(gettext_noop("A natural occasion happens once."), field="yearly")
        on = on or today
        if on > today:
            raise DomainError(
                gettext_noop("A natural occasion is something you noticed: not in the future."),
                field="on",
            )
    elif on is None:
        raise DomainError(gettext_noop("This field is required."), field="on")
    on = _date(on, "on")
    return Occasion.objects.create(
        contact=contact, kind=kind, title=title, on=on, yearly=bool(yearly), added_by=user
    )


def _occasion_locked(user: User, contact_id: int, occasion_id: int) -> Occasion:
    contact = contact_locked(user=user, contact_id=contact_id)
    occasion = Occasion.objects.select_for_update().filter(contact=contact, pk=occasion_id).first()
    if occasion is None:
        raise NotFound(gettext_noop("No such occasion."))
    if contact.owner_id != user.pk and occasion.added_by_id != user.pk:
        raise PermissionDenied(gettext_noop("Only the owner or who added it may change it."))
    return occasion


@transaction.atomic
def occasion_update(*, user: User, contact_id: int, occasion_id: int, **values: Any) -> Occasion:
    occasion = _occasion_locked(user, contact_id, occasion_id)
    if "title" in values:
        occasion.title = text(values["title"], "title", required=True, max_length=200)
    if "on" in values:
        occasion.on = _date(values["on"], "on")
    if "yearly" in values:
        if values["yearly"] and occasion.kind == OccasionKind.NATURAL:
            raise DomainError(gettext_noop("A natural occasion happens once."), field="yearly")
        occasion.yearly = bool(values["yearly"])
    occasion.save()
    return occasion


@transaction.atomic
def occasion_delete(*, user: User, contact_id: int, occasion_id: int) -> None:
    _occasion_locked(user, contact_id, occasion_id).delete()


# --- prepared by the partner ------------------------------------------------------------------


def _prepared_values(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "text" in values or not partial:
        clean["text"] = text(values.get("text"), "text", required=True, max_length=4000)
    if "reason" in values:
        clean["reason"] = text(values["reason"], "reason", max_length=300)
    if "channel" in values:
        clean["channel"] = _choice(values["channel"], Channel.values, "channel")
    if "kind" in values:
        clean["kind"] = _choice(values["kind"], TouchKind.values, "kind")
    return clean


@transaction.atomic
def prepared_create(*, user: User, contact_id: int, **values: Any) -> PreparedTouch:
    """The partner prepares a touch on a contact shared with them, for the owner to send
    in their next window. The owner prepares nothing for themselves: they log touches."""
    contact = contact_locked(user=user, contact_id=contact_id)
    if contact.owner_id == user.pk:
        raise PermissionDenied(
            gettext_noop("Your partner prepares touches for you; you log your own.")
        )
    return PreparedTouch.objects.create(
        contact=contact, prepared_by=user, **_prepared_values(values, partial=False)
    )


def _prepared_locked(user: User, contact_id: int, prepared_id: int) -> PreparedTouch:
    contact = contact_locked(user=user, contact_id=contact_id)
    prepared = (
        PreparedTouch.objects.select_for_update().filter(contact=contact, pk=prepared_id).first()
    )
    if prepared is None:
        raise NotFound(gettext_noop("No such prepared touch."))
    prepared.contact = contact
    return prepared


def _require_open(prepared: PreparedTouch) -> None:
    if prepared.state != PreparedState.OPEN:
        raise Conflict(gettext_noop("This prepared touch is already settled."), field="state")


@transaction.atomic
def prepared_update(
    *, user: User, contact_id: int, prepared_id: int, **values: Any
) -> PreparedTouch:
    """The owner or who prepared it edits an open prepared touch."""
    prepared = _prepared_locked(user, contact_id, prepared_id)
    if user.pk not in (prepared.contact.owner_id, prepared.prepared_by_id):
        raise PermissionDenied(gettext_noop("Only the owner or who prepared it may edit it."))
    _require_open(prepared)
    for name, value in _prepared_values(values, partial=True).items():
        setattr(prepared, name, value)
    prepared.save()
    return prepared


@transaction.atomic
def prepared_mark_sent(
    *, user: User, contact_id: int, prepared_id: int, happened_on: date | None = None
) -> PreparedTouch:
    """The owner sent it themselves: a touch is logged (restarting the rhythm), once."""
    prepared = _prepared_locked(user, contact_id, prepared_id)
    if prepared.contact.owner_id != user.pk:
        raise PermissionDenied(gettext_noop("Only the contact's owner sends it."))
    _require_open(prepared)
    # Sending what was prepared is the point; no chain advice stands in its way.
    prepared.touch = touch_log(
        user=user,
        contact_id=contact_id,
        kind=prepared.kind,
        happened_on=happened_on,
        note=prepared.text,
        confirmed=True,
    )
    prepared.state = PreparedState.SENT
    prepared.resolved_at = timezone.now()
    prepared.save()
    return prepared


@transaction.atomic
def prepared_drop(*, user: User, contact_id: int, prepared_id: int) -> PreparedTouch:
    """The owner (or who prepared it) drops it; nothing is sent or logged."""
    prepared = _prepared_locked(user, contact_id, prepared_id)
    if user.pk not in (prepared.contact.owner_id, prepared.prepared_by_id):
        raise PermissionDenied(gettext_noop("Only the owner or who prepared it may drop it."))
    _require_open(prepared)
    prepared.state = PreparedState.DROPPED
    prepared.resolved_at = timezone.now()
    prepared.save()
    return prepared
