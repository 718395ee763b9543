"""What the check-in services share: the limits, the rhythm built from its parts
(`recurrence_build`), checks of meaning, and the row of one meeting, locked."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from apps.checkins import selectors
from apps.checkins.models import (
    CheckInSeries,
    Occurrence,
)
from apps.checkins.recurrence import (
    Recurrence,
    RecurrenceError,
    Schedule,
    first_local_date,
    last_local_date,
    localize,
    next_occurrences,
    to_rrule,
)
from apps.core.dates import LATEST, out_of_range
from apps.core.errors import DomainError
from apps.tandems.models import Goal, Membership
from apps.tandems.selectors import locked_in_tandem

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


def _goal_for(tandem_id: int, goal_id: int | None) -> Goal | None:
    """The tandem's goal an item works towards (None for none); another tandem's is refused
    like a missing one, naming the field."""
    if goal_id is None:
        return None
    goal = Goal.objects.filter(pk=goal_id, tandem_id=tandem_id).first()
    if goal is None:
        raise DomainError(gettext_noop("No such goal in this tandem."), field="goal")
    return goal
