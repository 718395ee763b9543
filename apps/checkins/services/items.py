"""Action items, and the retro of a meeting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.checkins import rules, selectors
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    OccurrenceStatus,
    Retro,
)
from apps.checkins.services.common import _check_text, _goal_for, _occurrence_locked
from apps.core.errors import Conflict, DomainError
from apps.notifications.services import notify
from apps.tandems.models import Membership


def _member_user(tandem_id: int, user_id: int, field: str) -> User:
    member = (
        Membership.objects.select_related("user")
        .filter(tandem_id=tandem_id, user_id=user_id)
        .first()
    )
    if member is None:
        raise DomainError(gettext_noop("Must be a member of this tandem."), field=field)
    return member.user


def action_item_create(
    *,
    membership: Membership,
    text: str,
    owner_id: int,
    due_date: date | None = None,
    series_id: int | None = None,
    start: datetime | None = None,
    feedback_cycle_id: int | None = None,
    goal_id: int | None = None,
) -> ActionItem:
    """`feedback_cycle_id` is set by the feedback service (already checked to be this
    tandem's revealed cycle); the API never takes it from a request."""
    text = _check_text(text, "text")
    with transaction.atomic():
        owner = _member_user(membership.tandem_id, owner_id, "owner")
        goal = _goal_for(membership.tandem_id, goal_id)
        row = None
        if series_id is not None and start is not None:
            _series, row = _occurrence_locked(membership, series_id, start)
        item = ActionItem.objects.create(
            tandem_id=membership.tandem_id,
            occurrence=row,
            owner=owner,
            created_by_id=membership.user_id,
            text=text,
            due_date=due_date,
            feedback_cycle_id=feedback_cycle_id,
            goal=goal,
        )
        _notify_owner_of_assignment(item, by=membership.user)
        return item


def _notify_owner_of_assignment(item: ActionItem, *, by: User) -> None:
    """The owner learns of a commitment someone else gave them (one they take on themselves
    needs no notice). Once per item and owner: handed back and forth, the item is not
    announced to the same person twice."""
    owner = item.owner
    if owner.pk == by.pk:
        return
    with translation.override(owner.language):
        title = gettext("%(who)s assigned an action item to you: %(text)s") % {
            "who": by.name,
            "text": item.text[:150],
        }
        body = (
            gettext("Due on %(date)s.") % {"date": item.due_date.isoformat()}
            if item.due_date is not None
            else gettext("No due date.")
        )
    notify(
        recipient=owner,
        tandem=item.tandem,
        kind="action_item.assigned",
        key=f"action:{item.pk}:assigned:{owner.pk}",
        title=title,
        body=body,
        url=reverse("checkins:action_items", kwargs={"tandem_id": item.tandem_id}) + "#list",
    )


def action_item_update(
    *,
    membership: Membership,
    item_id: int,
    text: str | None = None,
    owner_id: int | None = None,
    due_date: date | Any | None = ...,
    status: str | None = None,
    goal_id: int | Any | None = ...,
) -> ActionItem:
    """Either member edits; closing records whether the commitment was kept."""
    now = timezone.now()
    with transaction.atomic():
        selectors.action_item_get(membership=membership, item_id=item_id)
        item = ActionItem.objects.select_for_update().select_related("owner").get(pk=item_id)
        previous_owner = item.owner_id
        fields: list[str] = []
        if text is not None:
            item.text = _check_text(text, "text")
            fields.append("text")
        if owner_id is not None:
            item.owner = _member_user(membership.tandem_id, owner_id, "owner")
            fields.append("owner")
        if goal_id is not ...:
            item.goal = _goal_for(membership.tandem_id, goal_id)
            fields.append("goal")
        if due_date is not ...:
            item.due_date = due_date
            item.due_reminded_at = None
            fields += ["due_date", "due_reminded_at"]
        if status is not None and status != item.status:
            if status not in ActionItemStatus.values:
                raise DomainError(gettext_noop("Unknown status."), field="status")
            item.status = status
            if status == ActionItemStatus.DONE:
                item.done_at = now
                done_on = now.astimezone(ZoneInfo(item.owner.timezone)).date()
                item.kept = rules.action_item_kept(done_on=done_on, due_date=item.due_date)
            else:
                item.done_at = None
                item.kept = None
            fields += ["status", "done_at", "kept"]
        elif due_date is not ... and item.status == ActionItemStatus.DONE and item.done_at:
            done_on = item.done_at.astimezone(ZoneInfo(item.owner.timezone)).date()
            item.kept = rules.action_item_kept(done_on=done_on, due_date=item.due_date)
            fields.append("kept")
        if fields:
            item.save(update_fields=[*fields, "updated_at"])
        if item.owner_id != previous_owner:
            _notify_owner_of_assignment(item, by=membership.user)
    return item


# --- retro ----------------------------------------------------------------------------------


def retro_submit(
    *,
    membership: Membership,
    series_id: int,
    start: datetime,
    effectiveness: int,
    what_would_help: str = "",
) -> Retro:
    """One rating per member per occurrence, once it has started."""
    if not isinstance(effectiveness, int) or not 1 <= effectiveness <= 5:
        raise DomainError(gettext_noop("Must be from 1 to 5."), field="effectiveness")
    with transaction.atomic():
        _series, row = _occurrence_locked(membership, series_id, start)
        if row.status == OccurrenceStatus.SKIPPED:
            raise Conflict(gettext_noop("This occurrence was skipped."), field="start")
        if row.start > timezone.now():
            raise Conflict(gettext_noop("The retro opens when the check-in starts."), field="start")
        if Retro.objects.filter(occurrence=row, member_id=membership.user_id).exists():
            raise Conflict(gettext_noop("You already rated this check-in."), field="effectiveness")
        try:
            with transaction.atomic():
                return Retro.objects.create(
                    occurrence=row,
                    member_id=membership.user_id,
                    effectiveness=effectiveness,
                    what_would_help=what_would_help.strip(),
                )
        except IntegrityError:
            # A second request by the same person committed between the check and the insert.
            raise Conflict(
                gettext_noop("You already rated this check-in."), field="effectiveness"
            ) from None
