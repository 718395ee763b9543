"""The leader's review queue at scale: acknowledging several decisions at once, and "remind
me tomorrow" on one of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Final

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation.models import NEEDS_ACTION, Decision, ReviewReminder
from apps.delegation.services.decisions import _locked_decision, decision_acknowledge
from apps.delegation.services.notices import _decision_url
from apps.notifications import timing
from apps.notifications.services import notice_withdraw, notify
from apps.tandems import access
from apps.tandems.models import Membership

# At most this many decisions in one bulk acknowledgement (a page of the review queue).
BULK_MAX: Final = 100
# "Tomorrow" is the next working day at this local time.
REMIND_AT: Final = time(9, 0)


@dataclass
class BulkAcknowledgement:
    """What one bulk acknowledgement did: the decisions acknowledged (in the order asked) and,
    per refused id, why (the same message the single acknowledgement gives)."""

    acknowledged: list[Decision] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def _check_ids(decision_ids: list[int]) -> None:
    if not decision_ids:
        raise DomainError(gettext_noop("Choose at least one decision."), field="decisions")
    if len(decision_ids) > BULK_MAX:
        raise DomainError(gettext_noop("At most 100 decisions at once."), field="decisions")
    if len(set(decision_ids)) != len(decision_ids):
        raise DomainError(gettext_noop("Name each decision once."), field="decisions")


@transaction.atomic
def decisions_acknowledge(
    *, membership: Membership, decision_ids: list[int]
) -> BulkAcknowledgement:
    """The leader acknowledges several decisions at once. Each one goes through
    `decision_acknowledge` (the same rule, audit event and taken-back reminder as one at a
    time) in a savepoint of its own: an id that is refused (not this tandem's, already
    acknowledged, a request that needs an answer) is reported with its reason and leaves
    nothing behind, the others are acknowledged. Nothing is half-done: each decision is
    either acknowledged with its audit event, or untouched."""
    access.require_leader(membership, action=gettext_noop("acknowledge decisions"))
    _check_ids(decision_ids)
    result = BulkAcknowledgement()
    for decision_id in decision_ids:
        try:
            with transaction.atomic():
                decision = decision_acknowledge(membership=membership, decision_id=decision_id)
        except (Conflict, DomainError, NotFound, PermissionDenied) as refusal:
            result.refused.append((decision_id, str(refusal.message)))
        else:
            result.acknowledged.append(decision)
    return result


@transaction.atomic
def decision_remind_me(
    *, membership: Membership, decision_id: int, now: datetime | None = None
) -> ReviewReminder:
    """ "Remind me tomorrow": the leader's own snooze on one item of the review queue. One
    reminder, due the next working day at 09:00 in the leader's timezone (the e-mail in their
    hours: out of quiet hours, held while paused; not held for the weekly window, since the
    person chose the day). Snoozing again replaces the reminder: the one before is taken back
    in the same transaction, so at most one is ever on its way (`ReviewReminder`). An item
    that no longer waits is a 409."""
    access.require_leader(membership, action=gettext_noop("set reminders on the review queue"))
    decision = _locked_decision(membership, decision_id)  # serialises two snoozes
    if decision.status not in NEEDS_ACTION:
        raise Conflict(gettext_noop("This decision no longer waits for you."))
    user = membership.user
    now = now or timezone.now()
    remind_at = timing.next_working_day_at(now, user.timezone, REMIND_AT)
    reminder = ReviewReminder.objects.filter(decision=decision, user=user).first()
    if reminder is None:
        reminder = ReviewReminder.objects.create(decision=decision, user=user, remind_at=remind_at)
    else:
        notice_withdraw(
            recipient_id=user.pk, key=reminder.notice_key, reason="replaced by a later reminder"
        )
        reminder.sequence += 1
        reminder.remind_at = remind_at
        reminder.save(update_fields=["sequence", "remind_at", "updated_at"])
    with translation.override(user.language):
        title = gettext("Reminder: %(title)s waits in your review queue") % {
            "title": decision.title
        }
    notify(
        recipient=user,
        tandem=decision.tandem,
        kind="decision.reminder",
        key=reminder.notice_key,
        title=title,
        body=decision.rationale,
        url=_decision_url(decision),
        due_at=remind_at,
        urgent=True,
    )
    return reminder
