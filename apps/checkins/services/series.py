"""A series: creating it, changing its details, and a new timing (`series_reschedule`) that
keeps every meeting that was held, rated or moved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.checkins import rescheduling
from apps.checkins.models import (
    ActionItem,
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    PrivateNote,
    Retro,
)
from apps.checkins.recurrence import (
    Recurrence,
    RecurrenceError,
    Schedule,
    from_rrule,
    last_local_date,
    localize,
    next_occurrences,
    occurrences_between,
    to_rrule,
)
from apps.checkins.services.agenda import _next_position
from apps.checkins.services.common import (
    _calendar_changed,
    _check_duration,
    _check_in_range,
    _check_lead,
    _check_text,
    _series_locked,
    _timing,
    _touch,
)
from apps.checkins.services.occurrences import _overlapped
from apps.checkins.services.preparation import (
    private_notes_hand_over,
    talking_points_copy,
    talking_points_from_template,
)
from apps.core.errors import Conflict, DomainError
from apps.tandems.models import Membership


def series_create(
    *,
    membership: Membership,
    title: str,
    recurrence: Recurrence,
    start_date: date,
    local_time: time,
    timezone_name: str,
    duration: timedelta,
    reminder_lead: timedelta = timedelta(hours=1),
    agenda_template: str = "",
) -> CheckInSeries:
    """A new series; with an `agenda_template` its standing talking points come from it, in
    the creating person's language."""
    title = _check_text(title, "title")
    _check_duration(duration)
    _check_lead(reminder_lead)
    _check_in_range(start_date, "start_date")
    _check_in_range(recurrence.until, "until")
    rule, first_date, last_date = _timing(
        recurrence=recurrence,
        start_date=start_date,
        local_time=local_time,
        timezone_name=timezone_name,
    )
    with transaction.atomic():
        if recurrence.count == 1:
            # A single meeting is placed like a moved one: not onto another check-in.
            start = localize(first_date, local_time.replace(tzinfo=None, fold=0), timezone_name)
            if _overlapped(membership.tandem_id, start, duration) is not None:
                raise Conflict(
                    gettext_noop("Overlaps another check-in of this tandem."), field="local_time"
                )
        series = CheckInSeries.objects.create(
            tandem_id=membership.tandem_id,
            title=title,
            rule=rule,
            start_date=first_date,
            local_time=local_time.replace(tzinfo=None, fold=0),
            timezone=timezone_name,
            duration=duration,
            last_date=last_date,
            reminder_lead=reminder_lead,
        )
        if agenda_template:
            talking_points_from_template(
                series=series, author=membership.user, template=agenda_template
            )
        return series


def series_update(
    *,
    membership: Membership,
    series_id: int,
    title: str | None = None,
    reminder_lead: timedelta | None = None,
    active: bool | None = None,
) -> CheckInSeries:
    """Changes that do not move any occurrence; timing changes go through `series_reschedule`."""
    fields = []
    with transaction.atomic():
        series = _series_locked(membership, series_id)
        shown = False  # whether calendars show the change
        if title is not None:
            title = _check_text(title, "title")
            shown = title != series.title
            series.title = title
            fields.append("title")
        if reminder_lead is not None:
            _check_lead(reminder_lead)
            series.reminder_lead = reminder_lead
            fields.append("reminder_lead")
        if active is not None and active != series.active:
            series.active = active
            # The feed ends a stopped series here; a restarted one runs on as before.
            series.stopped_at = None if active else timezone.now()
            fields += ["active", "stopped_at"]
            shown = True
        if fields:
            series.save(update_fields=[*fields, "updated_at"])
        if shown:
            _calendar_changed(series.pk)
            series.refresh_from_db(fields=["sequence", "updated_at"])
    return series


@dataclass(frozen=True)
class Rescheduled:
    """What `series_reschedule` did (or, for a preview, would do)."""

    series: CheckInSeries  # the series that holds the future (the old one for a preview)
    plan: rescheduling.Plan
    old_timezone: str
    new_timezone: str
    written: bool


def _check_from_date(from_date: date, zones: set[str], today: date | None) -> None:
    now = timezone.now()
    for zone in sorted(zones):
        local_today = today or now.astimezone(ZoneInfo(zone)).date()
        if from_date <= local_today:
            raise DomainError(
                gettext_noop("Must be after today: the past stays as it was."), field="from_date"
            )


def _ended_rule(old: CheckInSeries, from_date: date) -> str | None:
    """The old rule ended the day before `from_date`; None if it has no occurrence before."""
    try:
        return to_rrule(
            from_rrule(old.rule).ending_on(from_date - timedelta(days=1)), start=old.start_date
        )
    except RecurrenceError:
        return None


def _touched(rows: list[Occurrence]) -> list[rescheduling.Touched]:
    return [
        rescheduling.Touched(
            key=row.pk,
            original_start=row.original_start,
            status=rescheduling.Status(row.status),
            moved_to=row.moved_to,
            has_retro=row.has_retro,  # type: ignore[attr-defined]
            has_content=bool(row.notes)
            or row.has_agenda  # type: ignore[attr-defined]
            or row.has_actions,  # type: ignore[attr-defined]
            has_private=row.has_private,  # type: ignore[attr-defined]
        )
        for row in rows
    ]


def _rows_from(
    old: CheckInSeries, ended: Schedule | None, from_date: date
) -> tuple[list[Occurrence], list[datetime]]:
    """The old series' stored rows that the ended rule no longer produces, and the actual
    starts of its own last meetings before the change (which the new rhythm must not overlap).
    """
    found = Occurrence.objects.filter(series=old).annotate(
        has_retro=Exists(Retro.objects.filter(occurrence=OuterRef("pk"))),
        has_agenda=Exists(AgendaItem.objects.filter(occurrence=OuterRef("pk"))),
        has_actions=Exists(ActionItem.objects.filter(occurrence=OuterRef("pk"))),
        has_private=Exists(PrivateNote.objects.filter(occurrence=OuterRef("pk"))),
    )
    if ended is None:
        return list(found.order_by("original_start")), []
    split = localize(from_date, time(0), old.timezone)
    near = (split - timedelta(days=2), split + timedelta(days=1))
    produced = occurrences_between(ended, *near)
    rows = list(found.filter(original_start__gte=near[0]).order_by("original_start"))
    stored = {row.original_start: row for row in rows}
    staying = [
        stored[start].start if start in stored else start
        for start in produced
        if start not in stored or stored[start].status != OccurrenceStatus.SKIPPED
    ]
    return [row for row in rows if row.original_start not in set(produced)], staying


def series_reschedule(
    *,
    membership: Membership,
    series_id: int,
    from_date: date,
    recurrence: Recurrence,
    local_time: time,
    timezone_name: str,
    duration: timedelta,
    today: date | None = None,
    preview: bool = False,
) -> Rescheduled:
    """New timing from `from_date` on; the result names the series that holds the future.

    The past stays intact by splitting: the series is ended the day before `from_date` and a
    new series (`previous` = the old one) continues with the new timing. A series with no
    occurrence before `from_date` is changed in place. `from_date` must be after today in the
    old and the new timezone, so nothing that may already have happened is re-timed.

    What happens to the occurrences people touched (skips, moves, agenda, action items,
    notes, meetings held early) is decided by `rescheduling.plan_reschedule`, whose docstring
    states the rule; nothing held, written or promised is lost or doubled. With
    `preview=True` nothing is written and the result is the plan.
    """
    _check_duration(duration)
    _check_in_range(from_date, "from_date")
    _check_in_range(recurrence.until, "until")
    local_time = local_time.replace(tzinfo=None, fold=0)
    with transaction.atomic():
        old = _series_locked(membership, series_id)
        _check_from_date(from_date, {old.timezone, timezone_name}, today)
        if old.last_date is not None and old.last_date < from_date:
            raise Conflict(gettext_noop("The series ends before that date."), field="from_date")
        rule, first_date, last_date = _timing(
            recurrence=recurrence,
            start_date=max(from_date, old.start_date),
            local_time=local_time,
            timezone_name=timezone_name,
            start_field="from_date",
        )
        ended_rule = _ended_rule(old, from_date)
        ended = None
        if ended_rule is not None:
            ended = Schedule(
                ended_rule,
                old.start_date,
                old.local_time,
                old.timezone,
                last_local_date(ended_rule, old.start_date),
            )
        rows, staying = _rows_from(old, ended, from_date)
        plan = rescheduling.plan_reschedule(
            rows=_touched(rows),
            old=old.schedule,
            old_duration=old.duration,
            staying=staying,
            new=Schedule(rule, first_date, local_time, timezone_name, last_date),
            new_duration=duration,
            from_date=from_date,
            now=timezone.now(),
        )
        if plan.needs_content_target:
            raise Conflict(
                gettext_noop("The new timing has no occurrence to move the agenda to."),
                field="from_date",
            )
        result = Rescheduled(
            series=old,
            plan=plan,
            old_timezone=old.timezone,
            new_timezone=timezone_name,
            written=False,
        )
        if preview:
            return result
        timing = {
            "rule": rule,
            "start_date": first_date,
            "last_date": last_date,
            "local_time": local_time,
            "timezone": timezone_name,
            "duration": duration,
        }
        if ended is None:
            target = old
            for name, value in timing.items():
                setattr(target, name, value)
            target.save(update_fields=[*timing, "updated_at"])
        else:
            old.rule, old.last_date = ended.rule, ended.last_date
            old.save(update_fields=["rule", "last_date", "updated_at"])
            target = CheckInSeries.objects.create(
                tandem_id=old.tandem_id,
                title=old.title,
                reminder_lead=old.reminder_lead,
                active=old.active,
                stopped_at=old.stopped_at,
                previous=old,
                **timing,
            )
            talking_points_copy(old, target)
        _carry_out(plan, old=old, target=target, rows=rows)
        # Calendars that imported the old series' events must take the new end (or timing).
        _calendar_changed(old.pk)
        return replace(result, series=target, written=True)


def _parking(key: int) -> datetime:
    """A start no series produces, unique per row: a re-timed row waits there while the row
    that holds its new start moves away (a series changed in place keeps its rows)."""
    return datetime(1, 1, 1, tzinfo=UTC) + timedelta(seconds=key)


def _single_meeting(old: CheckInSeries, start: datetime) -> CheckInSeries:
    """A series of one meeting at `start`: where a meeting of the old rhythm that took place,
    or was moved before the change, stays."""
    zone = old.timezone
    local = start.astimezone(ZoneInfo(zone))
    if localize(local.date(), local.time().replace(fold=0), zone) != start:
        # The second pass through a repeated hour has no local name; UTC names it.
        zone, local = "UTC", start.astimezone(UTC)
    day = local.date()
    single = CheckInSeries.objects.create(
        tandem_id=old.tandem_id,
        title=old.title,
        rule=to_rrule(Recurrence("daily", count=1), start=day),  # type: ignore[arg-type]
        start_date=day,
        last_date=day,
        local_time=local.time().replace(tzinfo=None, fold=0),
        timezone=zone,
        duration=old.duration,
        reminder_lead=old.reminder_lead,
        active=old.active,
        stopped_at=old.stopped_at,
    )
    talking_points_copy(old, single)
    return single


def _carry_out(
    plan: rescheduling.Plan, *, old: CheckInSeries, target: CheckInSeries, rows: list[Occurrence]
) -> None:
    by_key = {row.pk: row for row in rows}
    moving = [p for p in plan.placements if not p.stays]
    for placement in moving:
        Occurrence.objects.filter(pk=placement.row.key).update(
            original_start=_parking(placement.row.key)
        )
    for placement in plan.placements:
        row = by_key[placement.row.key]
        if placement.stays:
            row.series = _single_meeting(old, row.start)
            row.original_start, row.moved_to = row.start, None
            if row.status == OccurrenceStatus.MOVED:
                row.status = OccurrenceStatus.SCHEDULED
            row.save(update_fields=["series", "original_start", "moved_to", "status", "updated_at"])
        elif placement.replaced_by is not None:
            row.series, row.original_start = target, placement.replaced_by
            row.status, row.moved_to = placement.status, placement.moved_to
            row.save(update_fields=["series", "original_start", "moved_to", "status", "updated_at"])
    for start in plan.overlap_skips:
        skipped = _touch(target, start)
        skipped.status, skipped.moved_to = OccurrenceStatus.SKIPPED, None
        skipped.save(update_fields=["status", "moved_to", "updated_at"])
    receivers: set[int] = set()
    for placement in moving:
        if placement.replaced_by is not None:
            continue
        row = by_key[placement.row.key]
        if placement.content_to is not None:
            receiver = _touch(target, placement.content_to)
            receivers.add(receiver.pk)
            _hand_over(row, receiver)
        elif PrivateNote.objects.filter(occurrence=row).exists():
            # Only private notes, and the new rhythm has no meeting that happens: they go to
            # its first meeting anyway (skipped, but their author still reads them there).
            private_notes_hand_over(row, _touch(target, _first_start(target)))
        # Its open agenda was handed over; what stays behind are originals already carried on
        # (their copies live on later meetings), so the row and they go together.
        _unlink_carried(row)
        row.delete()
    _drop_carried_twins(receivers)


def _first_start(series: CheckInSeries) -> datetime:
    """The first computed start of a series (every series has one: `_timing` refuses a
    rhythm that never happens)."""
    after = localize(series.start_date, time(0), series.timezone) - timedelta(days=1)
    return next_occurrences(series.schedule, after, 1)[0]


def _unlink_carried(row: Occurrence) -> None:
    """Take `row`'s carried-on originals out of their chains before they go: each copy then
    comes from where the original came from, so an earlier original still counts as carried
    (and not as a second live item), and takes the original's comments."""
    for item in AgendaItem.objects.filter(occurrence=row, carried_to__isnull=False).select_related(
        "carried_to"
    ):
        earlier, copy = item.carried_from_id, item.carried_to
        item.carried_from_id = None
        item.save(update_fields=["carried_from", "updated_at"])
        # The original goes with its row: what was written on it goes on with the copy.
        AgendaComment.objects.filter(item=item).update(item=copy)
        copy.carried_from_id = earlier
        copy.save(update_fields=["carried_from", "updated_at"])


def _hand_over(row: Occurrence, receiver: Occurrence) -> None:
    """The agenda (not yet carried on), action items, notes and each person's private notes
    of `row` go to `receiver`."""
    position = _next_position(receiver)
    items = AgendaItem.objects.filter(occurrence=row, carried_to__isnull=True).order_by(
        "position", "id"
    )
    for index, item in enumerate(items):
        item.occurrence, item.position = receiver, position + index
        item.save(update_fields=["occurrence", "position", "updated_at"])
    ActionItem.objects.filter(occurrence=row).update(occurrence=receiver)
    if row.notes:
        receiver.notes = f"{receiver.notes}\n\n{row.notes}".strip()
        receiver.save(update_fields=["notes", "updated_at"])
    private_notes_hand_over(row, receiver)


def _drop_carried_twins(receivers: set[int]) -> None:
    """An item and its carried copy on the same meeting are one topic: keep the copy (it is
    the live one, and takes the original's comments) and let it point where the original
    came from."""
    if not receivers:
        return
    twins = AgendaItem.objects.filter(
        occurrence_id__in=receivers, carried_to__occurrence_id=F("occurrence_id")
    ).select_related("carried_to")
    for original in twins:
        copy = original.carried_to
        earlier = original.carried_from_id
        # The comments written on it are the topic's too: they go on with the live copy.
        AgendaComment.objects.filter(item=original).update(item=copy)
        original.delete()
        copy.carried_from_id = earlier
        copy.save(update_fields=["carried_from", "updated_at"])
