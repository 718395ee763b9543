"""Evaluating a recurrence on floating local dates: the one place that iterates dateutil's
`rrule` (`_expand`), and the aligned anchor that lets an evaluation start near its window
instead of at the series' first date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Final, Literal

# types-python-dateutil is not a dev dependency yet; the ignore is a no-op once it is.
from dateutil.rrule import (  # type: ignore[import-untyped, unused-ignore]
    DAILY,
    MONTHLY,
    WEEKLY,
    YEARLY,
    rrule,
    weekday,
)
from dateutil.rrule import MO as RR_MO  # type: ignore[import-untyped, unused-ignore]

from apps.checkins.recurrence.shape import _BY_WEEKDAY, _YEARLY, Frequency, Recurrence


def _rrule_weekdays(rec: Recurrence) -> tuple[weekday, ...] | None:
    if rec.frequency in _BY_WEEKDAY and len(rec.weekdays) == 1:
        return (weekday(rec.weekdays[0], rec.nth),)
    if rec.weekdays:  # weekly, or a set of days counted by BYSETPOS
        return tuple(weekday(day) for day in rec.weekdays)
    return None


def _rrule_setpos(rec: Recurrence) -> int | None:
    return rec.nth if rec.frequency in _BY_WEEKDAY and len(rec.weekdays) > 1 else None


_RRULE_FREQ: Final[dict[Frequency, Literal[0, 1, 2, 3]]] = {  # YEARLY .. DAILY
    Frequency.DAILY: DAILY,
    Frequency.WEEKLY: WEEKLY,
    Frequency.MONTHLY_BY_DATE: MONTHLY,
    Frequency.MONTHLY_BY_WEEKDAY: MONTHLY,
    Frequency.YEARLY_BY_DATE: YEARLY,
    Frequency.YEARLY_BY_WEEKDAY: YEARLY,
    Frequency.ONCE: DAILY,
}


def _expand(
    rec: Recurrence, dtstart: date, *, until: date | None, count: int | None
) -> Iterator[date]:
    """The local dates `rec` yields when iterated from `dtstart`, lazily and ascending.

    The one place that iterates an `rrule`, so the cost of an evaluation is the number of
    dates this yields (the tests count them). `until` is inclusive. The rule is evaluated at
    midnight on naive dates: the wall time is attached later, per date, by `localize`.
    WKST is pinned to Monday; dateutil would otherwise take it from `calendar.firstweekday()`,
    global state that decides which days form "every other week".
    """
    rule = rrule(
        _RRULE_FREQ[rec.frequency],
        dtstart=datetime.combine(dtstart, time()),
        interval=rec.interval,
        wkst=RR_MO,
        count=count,
        until=None if until is None else datetime.combine(until, time()),
        byweekday=_rrule_weekdays(rec),
        bymonthday=rec.month_day,
        bymonth=rec.month,
        bysetpos=_rrule_setpos(rec),
    )
    occurrence: datetime
    for occurrence in rule:
        yield occurrence.date()


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _add_months(first_of_month: date, months: int) -> date:
    year, month = divmod(first_of_month.month - 1 + months, 12)
    return date(first_of_month.year + year, month + 1, 1)


def _anchor(rec: Recurrence, start: date, first: date) -> date:
    """A DTSTART no later than `first` from which `rec` yields the same dates as from `start`.

    The anchor sits on the rule's period grid, a whole number of intervals after `start`, and
    at most one period before `first`:

    - DAILY: `start` plus a multiple of `interval` days.
    - WEEKLY: the Monday of the week a multiple of `interval` weeks after `start`'s week. Not
      `start` plus whole weeks: from a Thursday start, that would cut off the Monday of every
      later week, since dateutil skips days of DTSTART's week that precede DTSTART.
    - MONTHLY: the 1st of the month a multiple of `interval` months after `start`'s month;
      BYMONTHDAY/BYDAY pick the day, so starting on the 1st keeps the whole month. A period
      start is required, not merely convenient, for BYSETPOS: dateutil numbers the positions
      within the days of the period and only then drops those before DTSTART, so the same
      position counted from mid-month would not be the same day.
    - YEARLY: 1 January of the year a multiple of `interval` years after `start`'s year, for
      the same reasons (BYMONTH and the day parts pick the dates within the year).

    Before the first full period after `start`, the anchor is `start` itself.
    """
    if first <= start:
        return start
    if rec.frequency in (Frequency.DAILY, Frequency.ONCE):
        periods = (first - start).days // rec.interval
        return start + timedelta(days=periods * rec.interval)
    if rec.frequency in _YEARLY:
        periods = (first.year - start.year) // rec.interval
        if periods == 0:
            return start
        return date(start.year + periods * rec.interval, 1, 1)
    if rec.frequency is Frequency.WEEKLY:
        start_monday = start - timedelta(days=start.weekday())
        first_monday = first - timedelta(days=first.weekday())
        periods = (first_monday - start_monday).days // 7 // rec.interval
        if periods == 0:
            return start
        return start_monday + timedelta(weeks=periods * rec.interval)
    periods = _months_between(start, first) // rec.interval
    if periods == 0:
        return start
    return _add_months(start.replace(day=1), periods * rec.interval)


def _series_dates(
    rec: Recurrence, start: date, last_date: date | None, *, first: date, through: date | None
) -> Iterator[date]:
    """The series' local dates from `first` through `through` (inclusive; None = no bound)."""
    end = rec.until
    if rec.count is not None:
        if last_date is None:
            # No stored last date: the count is only defined from the true start. Bounded,
            # since COUNT <= MAX_COUNT.
            for day in _expand(rec, start, until=None, count=rec.count):
                if through is not None and day > through:
                    return
                if day >= first:
                    yield day
            return
        # The first `count` dates end on `last_date`, so "until last_date" is the same set,
        # and an UNTIL rule may start from an anchor.
        end = last_date
    elif last_date is not None and end is not None:
        end = min(end, last_date)
    if through is not None:
        end = through if end is None else min(end, through)
    if end is not None and end < first:
        return
    anchor = _anchor(rec, start, first)
    for day in _expand(rec, anchor, until=end, count=None):
        if day >= first:
            yield day


def first_local_date(rec: Recurrence, start: date) -> date | None:
    """The first local date `rec` yields from `start` on, wherever it lies (even after
    `LATEST`); None if the calendar ends first."""
    return next(_expand(rec, start, until=None, count=None), None)
