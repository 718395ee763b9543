"""Reminders: a cycle that opens, and one that closes soon."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.feedback.models import (
    EntryStatus,
    FeedbackCycle,
)
from apps.feedback.services.common import CLOSING_LEAD
from apps.feedback.services.cycles import cycles_close_due
from apps.notifications.services import notify
from apps.tandems.models import Membership


def _remind(cycle: FeedbackCycle, which: str) -> int:
    """Notify each member who has not submitted; the key makes a repeat a no-op."""
    submitted = set(
        cycle.entries.filter(status=EntryStatus.SUBMITTED).values_list("author_id", flat=True)
    )
    sent = 0
    for member in Membership.objects.filter(tandem_id=cycle.tandem_id).select_related("user"):
        user = member.user
        if user.pk in submitted:
            continue
        # The text is the same whether or not the other has written: a reminder never tells.
        with translation.override(user.language):
            if which == "opened":
                title = gettext("Feedback cycle “%(title)s” is open") % {"title": cycle.title}
            else:
                title = gettext("Feedback cycle “%(title)s” closes soon") % {"title": cycle.title}
            body = gettext("Please write your feedback by %(deadline)s.") % {
                "deadline": timezone.localtime(
                    cycle.closes_at, timezone=ZoneInfo(user.timezone)
                ).strftime("%Y-%m-%d %H:%M")
            }
        notify(
            recipient=user,
            tandem=cycle.tandem,
            kind=f"feedback.{which}",
            key=f"feedback:{cycle.pk}:{which}:{user.pk}",
            title=title,
            body=body,
            url=reverse(
                "feedback:cycle", kwargs={"tandem_id": cycle.tandem_id, "cycle_id": cycle.pk}
            ),
            expires_at=cycle.closes_at,
        )
        sent += 1
    return sent


def reminders_send(*, now: datetime | None = None) -> int:
    """Periodic: the "open" and "closes soon" reminders to members who have not submitted,
    each once per cycle; then close cycles past their grace. Returns notices recorded."""
    now = now or timezone.now()
    sent = 0
    opened = FeedbackCycle.objects.filter(
        opens_at__lte=now, closes_at__gt=now, closed_at__isnull=True, open_notified_at__isnull=True
    )
    for cycle_id in opened.values_list("id", flat=True):
        with transaction.atomic():
            cycle = (
                FeedbackCycle.objects.select_for_update().select_related("tandem").get(pk=cycle_id)
            )
            # Claim: two schedulers racing here update one row once; the loser skips.
            if not FeedbackCycle.objects.filter(pk=cycle_id, open_notified_at__isnull=True).update(
                open_notified_at=now
            ):
                continue
            if cycle.closes_at - now <= CLOSING_LEAD:
                # A short cycle: the "open" reminder is the only one, not two at once.
                FeedbackCycle.objects.filter(pk=cycle_id).update(closing_reminded_at=now)
            sent += _remind(cycle, "opened")
    closing = FeedbackCycle.objects.filter(
        Q(opens_at__lte=now) & Q(closes_at__gt=now) & Q(closes_at__lte=now + CLOSING_LEAD),
        closed_at__isnull=True,
        closing_reminded_at__isnull=True,
    )
    for cycle_id in closing.values_list("id", flat=True):
        with transaction.atomic():
            cycle = (
                FeedbackCycle.objects.select_for_update().select_related("tandem").get(pk=cycle_id)
            )
            if not FeedbackCycle.objects.filter(
                pk=cycle_id, closing_reminded_at__isnull=True
            ).update(closing_reminded_at=now):
                continue
            sent += _remind(cycle, "closing")
    cycles_close_due(now=now)
    return sent
