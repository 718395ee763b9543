"""Reminders: before a meeting, and of action items that are due."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.checkins import rules, selectors
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    TalkingPoint,
)
from apps.checkins.recurrence import (
    occurrences_between,
)
from apps.checkins.services.common import REMINDER_LOOKAHEAD
from apps.notifications.services import notify
from apps.webhooks import events as webhook_events
from apps.webhooks.services import event_emit


def _local(instant: datetime, tz: str) -> str:
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _reminder_text(
    *,
    recipient: User,
    series: CheckInSeries,
    start: datetime,
    agenda: list[AgendaItem],
    actions: list[ActionItem],
    standing: list[TalkingPoint] | None = None,
) -> tuple[str, str]:
    with translation.override(recipient.language):
        title = gettext("Check-in “%(title)s” at %(when)s") % {
            "title": series.title,
            "when": _local(start, recipient.timezone),
        }
        lines = []
        if standing:
            lines.append(gettext("Standing points:"))
            lines += [f"- {point.text}" for point in standing]
            lines.append("")
        lines.append(gettext("Agenda so far:"))
        lines += [f"- {item.text}" for item in agenda] or [gettext("(nothing yet)")]
        lines.append("")
        lines.append(gettext("Your open action items:"))
        lines += [
            f"- {item.text}" + (f" ({item.due_date:%Y-%m-%d})" if item.due_date else "")
            for item in actions
        ] or [gettext("(none)")]
    return title, "\n".join(lines)


def reminders_schedule(*, now: datetime | None = None) -> int:
    """Record one reminder per member for every occurrence whose lead time has come.

    Runs periodically; looks only `REMINDER_LOOKAHEAD` ahead (leads are capped at that), so the
    cost follows the number of active series, not their history. Skipped occurrences and
    paused people get none. Idempotent: `notify` keeps one notice per (person, key), and the
    key names the series, the occurrence's actual start and the person.
    """
    now = now or timezone.now()
    horizon = now + REMINDER_LOOKAHEAD
    today = now.date() - timedelta(days=1)
    all_series = list(
        CheckInSeries.objects.filter(active=True)
        .exclude(last_date__lt=today)
        .select_related("tandem")
    )
    due: list[tuple[CheckInSeries, datetime, datetime]] = []  # series, original, actual start
    computed: dict[int, list[datetime]] = {}
    for series in all_series:
        computed[series.pk] = occurrences_between(series.schedule, now, horizon)
    rows = Occurrence.objects.filter(series__in=all_series).filter(
        Q(original_start__gte=now, original_start__lt=horizon)
        | Q(moved_to__gte=now, moved_to__lt=horizon)
    )
    changed = {(row.series_id, row.original_start): row for row in rows}
    for series in all_series:
        for start in computed[series.pk]:
            row = changed.get((series.pk, start))
            if row is not None and (row.status == OccurrenceStatus.SKIPPED or row.moved_to):
                continue  # skipped: no reminder; moved: reminded at its new time below
            due.append((series, start, start))
    for row in changed.values():
        if row.moved_to is not None and now <= row.moved_to < horizon:
            moved = next((s for s in all_series if s.pk == row.series_id), None)
            if moved is not None:
                due.append((moved, row.original_start, row.moved_to))
    created = 0
    for series, original, start in due:
        if start - series.reminder_lead > now:
            continue  # not yet: the reminder shows the agenda as it is at the lead time
        created += _remind(series=series, original=original, start=start, now=now, rows=changed)
    return created


def _remind(
    *,
    series: CheckInSeries,
    original: datetime,
    start: datetime,
    now: datetime,
    rows: dict[tuple[int, datetime], Occurrence],
) -> int:
    row = rows.get((series.pk, original))
    agenda = list(AgendaItem.objects.filter(occurrence=row)) if row is not None else []
    standing = list(selectors.talking_points_in_force(series=series, at=now))
    created = 0
    path = reverse(
        "checkins:occurrence",
        kwargs={
            "tandem_id": series.tandem_id,
            "series_id": series.pk,
            "start": rules.occurrence_key(start),
        },
    )
    with transaction.atomic():
        # The tandem's webhooks: once per check-in (the key), whoever of the two is paused.
        data = webhook_events.subject(
            tandem_id=series.tandem_id,
            tandem_name=series.tandem.name,
            subject_kind="check_in",
            id=series.pk,
            title=series.title,
            path=path,
        )
        data["check_in"] = {"start": start.isoformat(), "agenda_items": len(agenda)}
        event_emit(
            tandem=series.tandem_id,
            event_type="checkin.reminder",
            data=data,
            key=f"checkin:{series.pk}:{rules.occurrence_key(start)}:reminder",
        )
        for member in selectors.members_of_tandem(tandem_id=series.tandem_id):
            user = member.user
            if not user.is_active or user.is_paused_at(now):
                continue
            actions = list(
                ActionItem.objects.filter(
                    tandem_id=series.tandem_id, owner=user, status=ActionItemStatus.OPEN
                ).order_by("due_date", "id")
            )
            title, body = _reminder_text(
                recipient=user,
                series=series,
                start=start,
                agenda=agenda,
                actions=actions,
                standing=standing,
            )
            key = f"checkin:{series.pk}:{rules.occurrence_key(start)}:reminder:{user.pk}"
            notify(
                recipient=user,
                tandem=series.tandem,
                kind="checkin_reminder",
                key=key,
                title=title,
                body=body,
                url=reverse(
                    "checkins:occurrence",
                    kwargs={
                        "tandem_id": series.tandem_id,
                        "series_id": series.pk,
                        "start": rules.occurrence_key(start),
                    },
                ),
                due_at=start - series.reminder_lead,
                not_after=start,
                expires_at=start,
            )
            created += 1
    return created


def action_items_remind_due(*, now: datetime | None = None) -> int:
    """Remind each owner once that an open action item is due today (their day) or overdue.

    Claimed with a conditional update of `due_reminded_at`, so two workers never both remind;
    the notice key makes a retry after a crash harmless.
    """
    now = now or timezone.now()
    candidates = ActionItem.objects.filter(
        status=ActionItemStatus.OPEN,
        due_reminded_at__isnull=True,
        due_date__lte=(now + timedelta(days=1)).date(),
    ).select_related("owner", "tandem")
    sent = 0
    for item in candidates:
        owner = item.owner
        if item.due_date is None or now.astimezone(ZoneInfo(owner.timezone)).date() < item.due_date:
            continue
        if owner.is_paused_at(now):
            continue
        with transaction.atomic():
            # Claim: only the worker whose update hits the row sends (prevents a double send).
            if not ActionItem.objects.filter(
                pk=item.pk, due_reminded_at__isnull=True, status=ActionItemStatus.OPEN
            ).update(due_reminded_at=now):
                continue
            with translation.override(owner.language):
                title = gettext("Action item due: %(text)s") % {"text": item.text[:150]}
                body = gettext("Due on %(date)s.") % {"date": item.due_date.isoformat()}
            notify(
                recipient=owner,
                tandem=item.tandem,
                kind="action_item_due",
                key=f"action:{item.pk}:due",
                title=title,
                body=body,
                url=reverse("checkins:action_items", kwargs={"tandem_id": item.tandem_id}),
                due_at=now,
            )
            data = webhook_events.subject(
                tandem_id=item.tandem_id,
                tandem_name=item.tandem.name,
                subject_kind="action_item",
                id=item.pk,
                title=item.text[:200],
                path=reverse("checkins:action_items", kwargs={"tandem_id": item.tandem_id}),
            )
            data["action_item"] = {"due_date": item.due_date.isoformat()}
            event_emit(
                tandem=item.tandem_id,
                event_type="action_item.due",
                data=data,
                key=f"action:{item.pk}:due",
            )
            sent += 1
    return sent
