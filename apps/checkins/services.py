"""Every write of check-ins: one use case per function, keyword-only, in a transaction.

Services validate meaning and raise `DomainError`s naming the field; the API and the web
forms call the same functions.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.checkins import rescheduling, rules, selectors
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    AgendaKind,
    CalendarFeed,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    Retro,
)
from apps.checkins.recurrence import (
    Recurrence,
    RecurrenceError,
    Schedule,
    first_local_date,
    from_rrule,
    last_local_date,
    localize,
    next_occurrences,
    occurrences_between,
    to_rrule,
)
from apps.core.dates import LATEST, out_of_range
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation.models import Decision
from apps.notifications.services import notify
from apps.tandems.models import Membership
from apps.tandems.selectors import locked_in_tandem
from apps.tandems.tokens import new_token, token_hash

logger = logging.getLogger(__name__)

MAX_LEAD: Final = timedelta(days=2)
MAX_DURATION: Final = timedelta(hours=24)
# How far ahead the reminder scan looks; leads are capped at this, so no reminder is missed.
REMINDER_LOOKAHEAD: Final = MAX_LEAD
# How many upcoming occurrences are examined when looking for the next one that is not skipped.
NEXT_SEARCH: Final = 60

# A recurrence error names a field of `Recurrence`/`Schedule`; the API's fields have the same
# names, except for a rule text that is not one of our shapes.
_FIELD_OF: Final = {"rule": "frequency", "last_date": "until"}


# The recurrence rules speak English (pure functions, no catalogue). What a person can cause
# through a form or the API is translated: the fixed messages where they are shown (listed
# here so the catalogue has them), those with a value in them here, in the active language.
_RECURRENCE_MESSAGES: Final = (
    gettext_noop("must be a date"),
    gettext_noop("end after a number of occurrences or on a date, not both"),
    gettext_noop("must be days from 0 (Monday) to 6 (Sunday)"),
    gettext_noop("must not repeat a day"),
    gettext_noop("choose at least one day of the week"),
    gettext_noop("choose one day of the week, Monday to Friday, Saturday and Sunday, or every day"),
    gettext_noop("choose a day of the month"),
    gettext_noop("must be a day from 1 to 31, or -1 (the last)"),
    gettext_noop("choose which weekday of the month"),
    gettext_noop("must be 1, 2, 3, 4, 5 or -1 (the last)"),
    gettext_noop("this weekday never occurs in the months this series visits"),
    gettext_noop("the series has no date on or after this one"),
    gettext_noop("choose a month"),
    gettext_noop("must be a month from 1 to 12"),
    gettext_noop("must not be before the first date of the series"),
    gettext_noop("must be a wall time without a timezone"),
    gettext_noop("a series without an end has no last date"),
    gettext_noop("must not be before the first date"),
    gettext_noop("unknown frequency %(value)s"),
    gettext_noop("must be a whole number from 1 to %(max)s"),
    gettext_noop("is not used by a %(frequency)s series"),
    gettext_noop("day %(day)s never occurs in the months this series visits"),
    gettext_noop("the series would end before its first occurrence on %(date)s"),
    gettext_noop("%(value)s is not a known IANA timezone"),
)


class RecurrenceInvalid(DomainError):
    """A `RecurrenceError` for the person: the message in the active language, and the
    recurrence's `code` and `params` kept for a page that words it as a sentence."""

    def __init__(self, exc: RecurrenceError, *, field: str) -> None:
        # With values in it the message is translated here, in the active language; a fixed
        # one where it is shown (`DomainError.message`).
        message = gettext(exc.code) % exc.params if exc.params else exc.code
        super().__init__(message, field=field)
        self.recurrence_code = exc.code
        self.params = exc.params


def _recurrence_error(exc: RecurrenceError, *, start_field: str = "start_date") -> DomainError:
    """The error in the person's language, naming the request's field: the series' first
    date is `start_field` (`from_date` for a new timing)."""
    field = _FIELD_OF.get(exc.field, exc.field)
    return RecurrenceInvalid(exc, field=start_field if field == "start_date" else field)


def recurrence_build(
    *,
    frequency: str,
    interval: int = 1,
    weekdays: list[int] | tuple[int, ...] = (),
    month_day: int | None = None,
    nth: int | None = None,
    count: int | None = None,
    until: date | None = None,
    month: int | None = None,
) -> Recurrence:
    """A `Recurrence` from the form's or the API's fields, or a DomainError naming one.

    "once" is a single meeting on the start date: any other interval, count or end, or a
    day or month, is refused naming that field rather than silently dropped."""
    try:
        return Recurrence(
            frequency,  # type: ignore[arg-type]  # Recurrence checks and converts it
            interval=interval,
            weekdays=tuple(weekdays),
            month_day=month_day,
            nth=nth,
            count=count,
            until=until,
            month=month,
        )
    except RecurrenceError as exc:
        raise _recurrence_error(exc) from None


def _check_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(gettext_noop("Must not be empty."), field=field)
    return value


def _check_duration(duration: timedelta) -> None:
    if not timedelta(0) < duration <= MAX_DURATION:
        raise DomainError(
            gettext_noop("Must be more than 0 and at most 24 hours."), field="duration_minutes"
        )


def _check_in_range(value: date | datetime | None, field: str) -> None:
    """A date or instant no later computation can overflow (see `apps.core.dates`)."""
    if value is not None and (why := out_of_range(value)) is not None:
        raise DomainError(why, field=field)


def _check_lead(lead: timedelta) -> None:
    if not timedelta(0) < lead <= MAX_LEAD:
        raise DomainError(
            gettext_noop("Must be more than 0 and at most 2 days before the check-in."),
            field="reminder_lead_minutes",
        )


def _timing(
    *,
    recurrence: Recurrence,
    start_date: date,
    local_time: time,
    timezone_name: str,
    start_field: str = "start_date",
) -> tuple[str, date, date | None]:
    """(rule, first real occurrence date, last date) for a new series, or a DomainError
    naming the request's field (`start_field` for the first date).

    The stored start date is the first real occurrence: RFC 5545 leaves a DTSTART that the
    rule does not produce undefined, and some calendars would show it as an extra event. It
    lies in the accepted years (`apps.core.dates`) like every date a person gives: a start on
    2100-12-31 whose rule first meets on a Monday in 2101 is refused, not stored to break the
    calendars and lists that show it later.
    """
    try:
        rule = to_rrule(recurrence, start=start_date)
        # Nothing is computed after LATEST, so a first meeting beyond it is refused here, by
        # its date, rather than as a series that would never happen.
        first_day = first_local_date(recurrence, start_date)
        if first_day is not None and first_day > LATEST:
            message = gettext("The first meeting would be on %(date)s, after %(latest)s.")
            raise DomainError(
                message % {"date": first_day.isoformat(), "latest": LATEST.isoformat()},
                field=start_field,
            )
        # COUNT counts real occurrences only, so the first one is the same from either date.
        probe = Schedule(
            rule, start_date, local_time, timezone_name, last_local_date(rule, start_date)
        )
        after = localize(start_date, time(0), timezone_name) - timedelta(days=1)
        first = next_occurrences(probe, after, 1)
        if not first:
            raise DomainError(gettext_noop("This series would never happen."), field=start_field)
        first_date = first[0].astimezone(ZoneInfo(timezone_name)).date()
        if first_date < start_date:  # only a gap past midnight could do this
            first_date = start_date
        rule = to_rrule(recurrence, start=first_date)
        last_date = last_local_date(rule, first_date)
        # A count can reach further than any date a person may give (apps.core.dates).
        _check_in_range(last_date, "count")
        return rule, first_date, last_date
    except RecurrenceError as exc:
        raise _recurrence_error(exc, start_field=start_field) from None


def _series_locked(membership: Membership, series_id: int) -> CheckInSeries:
    return locked_in_tandem(CheckInSeries, membership=membership, pk=series_id)


def _calendar_changed(series_id: int) -> None:
    """Record a change calendars show (time, skip, title, stop): SEQUENCE goes up by one and
    LAST-MODIFIED (`updated_at`) moves, so Outlook and Google replace an imported event.

    One UPDATE with F(), so two changes at the same moment raise it by two, not one.
    """
    CheckInSeries.objects.filter(pk=series_id).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )


# --- series ---------------------------------------------------------------------------------


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
) -> CheckInSeries:
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
        return CheckInSeries.objects.create(
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
    return CheckInSeries.objects.create(
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
        # Its open agenda was handed over; what stays behind are originals already carried on
        # (their copies live on later meetings), so the row and they go together.
        _unlink_carried(row)
        row.delete()
    _drop_carried_twins(receivers)


def _unlink_carried(row: Occurrence) -> None:
    """Take `row`'s carried-on originals out of their chains before they go: each copy then
    comes from where the original came from, so an earlier original still counts as carried
    (and not as a second live item)."""
    for item in AgendaItem.objects.filter(occurrence=row, carried_to__isnull=False).select_related(
        "carried_to"
    ):
        earlier, copy = item.carried_from_id, item.carried_to
        item.carried_from_id = None
        item.save(update_fields=["carried_from", "updated_at"])
        copy.carried_from_id = earlier
        copy.save(update_fields=["carried_from", "updated_at"])


def _hand_over(row: Occurrence, receiver: Occurrence) -> None:
    """The agenda (not yet carried on), action items and notes of `row` go to `receiver`."""
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


def _drop_carried_twins(receivers: set[int]) -> None:
    """An item and its carried copy on the same meeting are one topic: keep the copy (it is
    the live one) and let it point where the original came from."""
    if not receivers:
        return
    twins = AgendaItem.objects.filter(
        occurrence_id__in=receivers, carried_to__occurrence_id=F("occurrence_id")
    ).select_related("carried_to")
    for original in twins:
        copy = original.carried_to
        earlier = original.carried_from_id
        original.delete()
        copy.carried_from_id = earlier
        copy.save(update_fields=["carried_from", "updated_at"])


# --- occurrences ----------------------------------------------------------------------------


def _touch(series: CheckInSeries, start: datetime) -> Occurrence:
    """The row for the occurrence at `start` (validated by the caller), created if needed."""
    row, _ = Occurrence.objects.get_or_create(series=series, original_start=start)
    return row


def _occurrence_locked(
    membership: Membership, series_id: int, start: datetime
) -> tuple[CheckInSeries, Occurrence]:
    series = selectors.series_get(membership=membership, series_id=series_id)
    found = selectors.occurrence_find(series=series, start=start)
    if found.pk is None:
        try:
            with transaction.atomic():
                found.save()
        except IntegrityError:
            pass  # someone touched it at the same moment; lock theirs below
    row = Occurrence.objects.select_for_update().get(series=series, original_start=start)
    return series, row


def _require_not_started(series: CheckInSeries, row: Occurrence, *, field: str) -> None:
    if row.start <= timezone.now():
        raise Conflict(gettext_noop("This occurrence has already started."), field=field)


def _overlapped(
    tandem_id: int, start: datetime, duration: timedelta, *, besides: Occurrence | None = None
) -> CheckInSeries | None:
    """The active series of the tandem with a meeting overlapping [start, start + duration),
    if any: its computed starts that are not skipped or moved away, and the meetings moved
    near `start` (a meeting kept by a change of timing is a series of its own). `besides`,
    the occurrence being placed, does not count."""
    end = start + duration
    for other in CheckInSeries.objects.filter(tandem_id=tandem_id, active=True):
        # An occurrence at c overlaps [start, end) exactly when start - its duration < c < end.
        earliest = start - other.duration + timedelta(microseconds=1)
        computed = occurrences_between(other.schedule, earliest, end)
        stored = Occurrence.objects.filter(series=other)
        if besides is not None:
            stored = stored.exclude(pk=besides.pk)
        overridden = set(
            stored.filter(original_start__in=computed)
            .exclude(status=OccurrenceStatus.SCHEDULED)
            .values_list("original_start", flat=True)
        )
        own = besides.original_start if besides and other.pk == besides.series_id else None
        if any(c != own and c not in overridden for c in computed) or (
            stored.filter(moved_to__gte=earliest, moved_to__lt=end)
            .exclude(status=OccurrenceStatus.SKIPPED)
            .exists()
        ):
            return other
    return None


def _refuse_overlap(
    row: Occurrence, start: datetime, duration: timedelta, *, field: str = "to"
) -> None:
    """No two check-ins of a tandem overlap: not by a move, a restore or a reschedule."""
    other = _overlapped(row.series.tandem_id, start, duration, besides=row)
    if other is not None and other.pk == row.series_id:
        raise DomainError(gettext_noop("Overlaps another occurrence of this series."), field=field)
    if other is not None:
        raise DomainError(gettext_noop("Overlaps another check-in of this tandem."), field=field)


def occurrence_skip(*, membership: Membership, series_id: int, start: datetime) -> Occurrence:
    """Skip one occurrence; its open agenda goes on to the next one."""
    with transaction.atomic():
        series, row = _occurrence_locked(membership, series_id, start)
        _require_not_started(series, row, field="start")
        row.status, row.moved_to = OccurrenceStatus.SKIPPED, None
        row.save(update_fields=["status", "moved_to", "updated_at"])
        _calendar_changed(series.pk)
        _carry_over(row)
    return row


def occurrence_restore(*, membership: Membership, series_id: int, start: datetime) -> Occurrence:
    """Undo a skip or a move: the occurrence happens at its computed time again."""
    with transaction.atomic():
        series, row = _occurrence_locked(membership, series_id, start)
        _require_not_started(series, row, field="start")
        if row.original_start <= timezone.now():
            raise Conflict(gettext_noop("This occurrence's time has passed."), field="start")
        if row.status != OccurrenceStatus.SCHEDULED:
            # Its slot may have been given to another meeting meanwhile.
            _refuse_overlap(row, row.original_start, series.duration, field="start")
        row.status, row.moved_to = OccurrenceStatus.SCHEDULED, None
        row.save(update_fields=["status", "moved_to", "updated_at"])
        _calendar_changed(series.pk)
    return row


def occurrence_move(
    *, membership: Membership, series_id: int, start: datetime, to: datetime
) -> Occurrence:
    """Move one occurrence to another instant in the future, not onto another occurrence."""
    if timezone.is_naive(to):
        raise DomainError(gettext_noop("Must include a timezone offset."), field="to")
    to = to.astimezone(UTC)
    _check_in_range(to, "to")
    now = timezone.now()
    with transaction.atomic():
        series, row = _occurrence_locked(membership, series_id, start)
        _require_not_started(series, row, field="start")
        if to <= now:
            raise DomainError(gettext_noop("Must be in the future."), field="to")
        _refuse_overlap(row, to, series.duration)
        if to == row.original_start:
            row.status, row.moved_to = OccurrenceStatus.SCHEDULED, None
        else:
            row.status, row.moved_to = OccurrenceStatus.MOVED, to
        row.save(update_fields=["status", "moved_to", "updated_at"])
        _calendar_changed(series.pk)
    return row


def occurrence_update(
    *,
    membership: Membership,
    series_id: int,
    start: datetime,
    notes: str | None = None,
    held: bool | None = None,
) -> Occurrence:
    """Notes, and marking the occurrence as held (which carries its open agenda on)."""
    with transaction.atomic():
        _series, row = _occurrence_locked(membership, series_id, start)
        fields = []
        if notes is not None:
            row.notes = notes
            fields.append("notes")
        if held:
            if row.status == OccurrenceStatus.SKIPPED:
                raise Conflict(gettext_noop("A skipped occurrence cannot be held."), field="held")
            if row.start > timezone.now():
                raise Conflict(gettext_noop("It has not started yet."), field="held")
            # A held occurrence keeps `moved_to`: where it really took place.
            row.status = OccurrenceStatus.HELD
            fields.append("status")
        if fields:
            row.save(update_fields=[*fields, "updated_at"])
        if held:
            _carry_over(row)
    return row


# --- agenda ---------------------------------------------------------------------------------


def _decision_for(tandem_id: int, decision_id: int | None) -> Decision | None:
    if decision_id is None:
        return None
    decision = Decision.objects.filter(pk=decision_id, tandem_id=tandem_id).first()
    if decision is None:
        raise DomainError(gettext_noop("No such decision in this tandem."), field="decision")
    return decision


def _next_position(row: Occurrence) -> int:
    top = AgendaItem.objects.filter(occurrence=row).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def agenda_item_add(
    *,
    membership: Membership,
    series_id: int,
    start: datetime,
    kind: str,
    text: str,
    decision_id: int | None = None,
) -> AgendaItem:
    if kind not in AgendaKind.values:
        raise DomainError(gettext_noop("Unknown kind."), field="kind")
    text = _check_text(text, "text")
    with transaction.atomic():
        decision = _decision_for(membership.tandem_id, decision_id)
        _series, row = _occurrence_locked(membership, series_id, start)
        if row.status == OccurrenceStatus.SKIPPED:
            raise Conflict(gettext_noop("This occurrence is skipped."), field="start")
        return AgendaItem.objects.create(
            occurrence=row,
            author_id=membership.user_id,
            kind=kind,
            text=text,
            position=_next_position(row),
            decision=decision,
        )


def agenda_item_update(
    *,
    membership: Membership,
    item_id: int,
    text: str | None = None,
    kind: str | None = None,
    position: int | None = None,
    resolved: bool | None = None,
    decision_id: int | Any | None = ...,
) -> AgendaItem:
    """Only the author changes what the item says; either member orders and resolves it."""
    with transaction.atomic():
        item = selectors.agenda_item_get(membership=membership, item_id=item_id)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        fields: list[str] = []
        changes_content = text is not None or kind is not None or decision_id is not ...
        if changes_content and item.author_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the author may change what the item says."))
        if text is not None:
            item.text = _check_text(text, "text")
            fields.append("text")
        if kind is not None:
            if kind not in AgendaKind.values:
                raise DomainError(gettext_noop("Unknown kind."), field="kind")
            item.kind = kind
            fields.append("kind")
        if decision_id is not ...:
            item.decision = _decision_for(membership.tandem_id, decision_id)
            fields.append("decision")
        if position is not None:
            if position < 0:
                raise DomainError(gettext_noop("Must not be negative."), field="position")
            item.position = position
            fields.append("position")
        if resolved is not None and resolved != item.resolved:
            item.resolved = resolved
            item.resolved_at = timezone.now() if resolved else None
            fields += ["resolved", "resolved_at"]
        if fields:
            item.save(update_fields=[*fields, "updated_at"])
    return item


def agenda_item_delete(*, membership: Membership, item_id: int) -> None:
    with transaction.atomic():
        item = selectors.agenda_item_get(membership=membership, item_id=item_id)
        if item.author_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the author may remove the item."))
        item.delete()


def _next_target(
    series: CheckInSeries, after: datetime, *, besides: Occurrence | None = None
) -> Occurrence | None:
    """The next occurrence after `after` that is not skipped (nor `besides`, whose own slot
    may still lie ahead when it was held early), following a split series."""
    current: CheckInSeries | None = series
    while current is not None:
        starts = next_occurrences(current.schedule, after, NEXT_SEARCH)
        skipped = set(
            Occurrence.objects.filter(
                series=current, original_start__in=starts, status=OccurrenceStatus.SKIPPED
            ).values_list("original_start", flat=True)
        )
        if besides is not None and besides.series_id == current.pk:
            skipped.add(besides.original_start)
        for start in starts:
            if start not in skipped:
                return _touch(current, start)
        if len(starts) == NEXT_SEARCH:
            return None  # sixty skips in a row: leave the items where they are
        current = CheckInSeries.objects.filter(previous=current).first()
    return None


def _carry_over(row: Occurrence, *, now: datetime | None = None) -> list[AgendaItem]:
    """Copy the unresolved, not yet carried items of `row` to the next occurrence that has not
    ended yet, linked by `carried_from`; the originals stay as the history of `row`."""
    items = list(AgendaItem.objects.filter(occurrence=row, resolved=False, carried_to__isnull=True))
    if not items:
        return []
    now = now or timezone.now()
    series = row.series
    # From where it really took place: a meeting held early hands on to the next one after it.
    after = max(row.start, now - series.duration)
    target = _next_target(series, after, besides=row)
    if target is None or target.pk == row.pk:
        return []
    position = _next_position(target)
    carried = [
        AgendaItem(
            occurrence=target,
            author_id=item.author_id,
            kind=item.kind,
            text=item.text,
            position=position + index,
            carried_from=item,
            decision_id=item.decision_id,
        )
        for index, item in enumerate(items)
    ]
    return AgendaItem.objects.bulk_create(carried)


def agenda_carry_over_due(*, now: datetime | None = None) -> int:
    """Carry the open agenda of every occurrence that has ended. Idempotent: an item carries
    once (`carried_from` is unique); a second run finds nothing to do."""
    now = now or timezone.now()
    ends = ExpressionWrapper(
        Coalesce(F("moved_to"), F("original_start")) + F("series__duration"),
        output_field=DateTimeField(),
    )
    rows = (
        Occurrence.objects.filter(agenda__resolved=False, agenda__carried_to__isnull=True)
        .annotate(ends=ends)
        .filter(ends__lte=now)
        .select_related("series")
        .distinct()
    )
    count = 0
    for row_id in [row.pk for row in rows]:
        with transaction.atomic():
            row = Occurrence.objects.select_for_update().select_related("series").get(pk=row_id)
            count += len(_carry_over(row, now=now))
    return count


def _propose(
    *, tandem_id: int, author_id: int | None, kind: str, text: str, **link: Any
) -> AgendaItem | None:
    """Put something on the agenda of the tandem's next check-in, once: a subject that is
    already on an open agenda item is not added again. None when no check-in is planned."""
    existing = AgendaItem.objects.filter(resolved=False, **link).first()
    if existing is not None:
        return existing
    now = timezone.now()
    candidates: list[tuple[datetime, CheckInSeries]] = []
    for series in CheckInSeries.objects.filter(tandem_id=tandem_id, active=True):
        upcoming = next_occurrences(series.schedule, now, 1)
        if upcoming:
            candidates.append((upcoming[0], series))
    if not candidates:
        return None
    start, series = min(candidates, key=lambda pair: (pair[0], pair[1].pk))
    target = _next_target(series, start - timedelta(microseconds=1))
    if target is None:
        return None
    return AgendaItem.objects.create(
        occurrence=target,
        author_id=author_id,
        kind=kind,
        text=text,
        position=_next_position(target),
        **link,
    )


def agenda_propose_decision(*, decision: Decision) -> AgendaItem | None:
    """Put a decision (one taken outside authority, or a request left unanswered after its one
    reminder) on the agenda of the tandem's next check-in."""
    with transaction.atomic():
        return _propose(
            tandem_id=decision.tandem_id,
            author_id=decision.author_id,
            kind=AgendaKind.DECISION_NEEDED,
            text=decision.title,
            decision=decision,
        )


def agenda_pull_decisions(*, batch: int = 500) -> int:
    """Pull the decisions that asked for the next check-in (`Decision.agenda_requested_at`)
    onto its agenda; returns how many were handled. The request is cleared by a conditional
    update, so two workers (or a re-run) never handle one twice; a tandem with no check-in
    planned gets nothing, as when the decision was flagged."""
    waiting = list(
        Decision.objects.filter(agenda_requested_at__isnull=False)
        .order_by("agenda_requested_at", "id")
        .values_list("pk", "agenda_requested_at")[:batch]
    )
    handled = 0
    for pk, requested_at in waiting:
        with transaction.atomic():
            claimed = Decision.objects.filter(pk=pk, agenda_requested_at=requested_at).update(
                agenda_requested_at=None
            )
            if not claimed:
                continue  # another worker took it
            agenda_propose_decision(decision=Decision.objects.get(pk=pk))
            handled += 1
    return handled


def action_items_overdue_to_agenda(*, now: datetime | None = None) -> int:
    """No escalation chains: an open action item that had its one reminder and is now past its
    due date (in its owner's timezone) goes onto the next check-in's agenda instead of getting
    a second reminder. Idempotent: an item already on an open agenda is not added again."""
    now = now or timezone.now()
    candidates = ActionItem.objects.filter(
        status=ActionItemStatus.OPEN,
        due_reminded_at__isnull=False,
        due_date__lt=now.date() + timedelta(days=1),
    ).select_related("owner")
    added = 0
    for item in candidates:
        owner = item.owner
        if (
            item.due_date is None
            or now.astimezone(ZoneInfo(owner.timezone)).date() <= item.due_date
        ):
            continue
        with transaction.atomic():
            if AgendaItem.objects.filter(action_item=item, resolved=False).exists():
                continue
            with translation.override(owner.language):
                text = gettext("Overdue action item: %(text)s") % {"text": item.text[:4000]}
            if _propose(
                tandem_id=item.tandem_id,
                author_id=owner.pk,
                kind=AgendaKind.UPDATE,
                text=text,
                action_item=item,
            ):
                added += 1
    return added


# --- action items ---------------------------------------------------------------------------


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
) -> ActionItem:
    """`feedback_cycle_id` is set by the feedback service (already checked to be this
    tandem's revealed cycle); the API never takes it from a request."""
    text = _check_text(text, "text")
    with transaction.atomic():
        owner = _member_user(membership.tandem_id, owner_id, "owner")
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


# --- reminders ------------------------------------------------------------------------------


def _local(instant: datetime, tz: str) -> str:
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _reminder_text(
    *,
    recipient: User,
    series: CheckInSeries,
    start: datetime,
    agenda: list[AgendaItem],
    actions: list[ActionItem],
) -> tuple[str, str]:
    with translation.override(recipient.language):
        title = gettext("Check-in “%(title)s” at %(when)s") % {
            "title": series.title,
            "when": _local(start, recipient.timezone),
        }
        lines = [gettext("Agenda so far:")]
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
    created = 0
    with transaction.atomic():
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
                recipient=user, series=series, start=start, agenda=agenda, actions=actions
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
            sent += 1
    return sent


# --- calendar feed --------------------------------------------------------------------------


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
    """A deleted account's calendar feed goes (its link stops working at once). What they
    wrote in the tandem's check-ins stays, attributed to a former member."""
    with contextlib.suppress(NotFound):  # there was no feed to revoke
        calendar_feed_revoke(user=user)
