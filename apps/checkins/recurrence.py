"""When the occurrences of a check-in series happen.

Pure domain rules: plain values in, dates and aware datetimes out, no database. A series
stores its recurrence as an RFC 5545 RRULE line (the same text the iCalendar feed publishes),
a first local date, a local wall time and an IANA timezone. The calendar arithmetic is
python-dateutil's `rrule`, never our own: months without a 31st, "last Friday", "every
second week" are exactly where hand-written calendars go wrong.

Why the rule is evaluated on floating local dates: a check-in at 09:00 in Berlin must stay at
09:00 in Berlin when the clocks change, so the UTC instant moves by an hour twice a year.
We therefore let the rule produce naive local *dates* and only then attach the wall time and
the timezone to each date (`localize`). Evaluating the rule on UTC instants would keep the
instant fixed and move the meeting to 08:00 or 10:00 local time instead.

Why iteration starts near the window: `rrule` always iterates from DTSTART, so asking a
ten-year-old daily series for next week would walk ten years of dates on every page view and
every reminder scan. For rules without COUNT we start the iteration at an *aligned anchor*
close to the window instead: a date that the original rule's period grid also passes through
(a multiple of the interval away from the start), so the shifted rule yields exactly the
same dates from the anchor on. COUNT rules cannot be shifted (the count is measured from the
true start), so a series stores the date of its last occurrence (`last_local_date`, computed
once on save) and the count is then evaluated as an equivalent UNTIL bound, which can be
shifted. Without that date we fall back to iterating from the start; COUNT is capped at 1000,
so that fallback is bounded too.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, available_timezones

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

from apps.core.dates import LATEST

__all__ = [
    "ALL_DAYS",
    "DAY_SETS",
    "LAST_DAY",
    "NTH_VALUES",
    "WEEKEND_DAYS",
    "WORKING_DAYS",
    "Frequency",
    "Recurrence",
    "RecurrenceError",
    "Schedule",
    "first_local_date",
    "from_rrule",
    "last_local_date",
    "localize",
    "next_occurrences",
    "occurrences_between",
    "to_rrule",
]

MAX_INTERVAL: Final = 52
MAX_COUNT: Final = 1000
NTH_VALUES: Final = (1, 2, 3, 4, 5, -1)
LAST_DAY: Final = -1

# The sets of days "the nth … of the month" may count besides a single weekday, as Outlook's
# recurrence dialog offers them: a weekday (Monday to Friday), a weekend day, any day.
WORKING_DAYS: Final = (0, 1, 2, 3, 4)
WEEKEND_DAYS: Final = (5, 6)
ALL_DAYS: Final = (0, 1, 2, 3, 4, 5, 6)
DAY_SETS: Final = (WORKING_DAYS, WEEKEND_DAYS, ALL_DAYS)

# RFC 5545 weekday codes, indexed like `date.weekday()` (0 = Monday).
_DAY_CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# UNTIL is written as the last second of the local day. The rule is floating (no TZID, no Z),
# so this reads "up to and including that local date" whatever the series' wall time is.
_UNTIL_TIME: Final = "T235959"

_INT_RE: Final = re.compile(r"[0-9]{1,4}")
_SIGNED_INT_RE: Final = re.compile(r"[+-]?[0-9]{1,4}")
_UNTIL_RE: Final = re.compile(r"([0-9]{8})(T235959)?")
_NTH_DAY_RE: Final = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_KNOWN_PARTS: Final = frozenset(
    {"FREQ", "INTERVAL", "BYMONTH", "BYDAY", "BYMONTHDAY", "BYSETPOS", "COUNT", "UNTIL"}
)


class RecurrenceError(ValueError):
    """A recurrence, rule or schedule that cannot be stored or evaluated.

    `field` names what to fix (a `Recurrence` or `Schedule` field, or "rule" for text that is
    not one of our shapes at all), so a service can hand the error to the form or the API
    unchanged. `code` is the English message with `%(name)s` placeholders and `params` their
    values (already as text): a service or a page translates the code and fills in the
    values, and never has to read them back out of `message`, the English sentence.
    """

    def __init__(self, field: str, code: str, /, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}
        self.message = code % self.params if params else code
        super().__init__(f"{field}: {self.message}")


class Frequency(StrEnum):
    """How a series repeats (stored and sent by clients, so values never change)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY_BY_DATE = "monthly_by_date"
    MONTHLY_BY_WEEKDAY = "monthly_by_weekday"
    YEARLY_BY_DATE = "yearly_by_date"
    YEARLY_BY_WEEKDAY = "yearly_by_weekday"
    ONCE = "once"


_BY_DATE: Final = frozenset({Frequency.MONTHLY_BY_DATE, Frequency.YEARLY_BY_DATE})
_BY_WEEKDAY: Final = frozenset({Frequency.MONTHLY_BY_WEEKDAY, Frequency.YEARLY_BY_WEEKDAY})
_YEARLY: Final = frozenset({Frequency.YEARLY_BY_DATE, Frequency.YEARLY_BY_WEEKDAY})


def _is_int(value: object) -> bool:
    # bool is an int subclass, but `interval=True` is a bug, not "every 1".
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Recurrence:
    """The shape of a series' repetition, as the person chose it.

    - DAILY: every `interval` days.
    - WEEKLY: every `interval` weeks on `weekdays` (0 = Monday .. 6 = Sunday). Weeks start on
      Monday, so "every 2 weeks on Mon and Thu" means both days of every other Monday-week.
      Google's "every weekday (Monday to Friday)" is WEEKLY on 0..4.
    - MONTHLY_BY_DATE: every `interval` months on day `month_day` (1..31), or on the last day
      (`month_day` = -1, which is also "the 31st or the last day"). A month without the chosen
      day is skipped, not moved to its last day: RFC 5545 says so, and every calendar that
      subscribes to the feed does the same, so both people see the same dates everywhere.
      "Monthly on the 31st" therefore happens seven times a year.
    - MONTHLY_BY_WEEKDAY: every `interval` months on the `nth` (1..5, or -1 for the last) of
      `weekdays`, which is one weekday ("the last Friday"), or one of the sets Outlook offers:
      Monday to Friday ("the last working day"), Saturday and Sunday ("the first weekend day")
      or all seven ("the second day"). A single weekday is written BYDAY=-1FR; a set is written
      as the list with BYSETPOS, which counts within each month. Only the 5th of a single
      weekday can be missing from a month (it then has no occurrence that month).
    - YEARLY_BY_DATE: every `interval` years on day `month_day` (1..31 or -1) of `month`
      (1..12). The 29th of February happens in leap years only.
    - YEARLY_BY_WEEKDAY: every `interval` years on the `nth` of `weekdays` (as for
      MONTHLY_BY_WEEKDAY) in `month`, e.g. the fourth Thursday of November.
    - ONCE: a single meeting on the first date, stored as FREQ=DAILY;COUNT=1. `count` is 1 and
      nothing else is used. DAILY with COUNT=1 (and interval 1) *is* ONCE: it is read back as
      ONCE, so a rule has exactly one `Recurrence`.

    The series ends after `count` occurrences or on the local date `until` (inclusive), or
    never; not both. `weekdays` is stored sorted, since it is a set of days: (3, 0) and (0, 3)
    are the same recurrence and write the same rule.
    """

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth: int | None = None
    count: int | None = None
    until: date | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        # object.__setattr__ because the dataclass is frozen; this is still construction.
        try:
            object.__setattr__(self, "frequency", Frequency(self.frequency))
        except ValueError:
            raise RecurrenceError(
                "frequency", "unknown frequency %(value)s", value=repr(self.frequency)
            ) from None
        if self.frequency is Frequency.DAILY and self.interval == 1 and self.count == 1:
            object.__setattr__(self, "frequency", Frequency.ONCE)
        if not _is_int(self.interval) or not 1 <= self.interval <= MAX_INTERVAL:
            raise RecurrenceError(
                "interval", "must be a whole number from 1 to %(max)s", max=MAX_INTERVAL
            )
        self._check_weekdays()
        self._check_month()
        self._check_month_day()
        self._check_nth()
        if self.count is not None and (not _is_int(self.count) or not 1 <= self.count <= MAX_COUNT):
            raise RecurrenceError(
                "count", "must be a whole number from 1 to %(max)s", max=MAX_COUNT
            )
        # datetime is a date subclass; a time of day here would be silently cut off.
        if self.until is not None and (
            not isinstance(self.until, date) or isinstance(self.until, datetime)
        ):
            raise RecurrenceError("until", "must be a date")
        if self.frequency is Frequency.ONCE:
            self._check_once()
        if self.count is not None and self.until is not None:
            raise RecurrenceError(
                "until", "end after a number of occurrences or on a date, not both"
            )

    def ending_on(self, until: date) -> Recurrence:
        """The same rhythm ending on `until` (no count); for a series cut short. A single
        meeting cannot be cut short: that raises, like any recurrence that does not fit."""
        return replace(self, count=None, until=until)

    def _unused(self, name: str) -> RecurrenceError:
        return RecurrenceError(
            name, "is not used by a %(frequency)s series", frequency=self.frequency
        )

    def _check_once(self) -> None:
        if self.interval != 1:
            raise self._unused("interval")
        if self.until is not None:
            raise self._unused("until")
        if self.count not in (None, 1):
            raise self._unused("count")
        object.__setattr__(self, "count", 1)

    def _check_weekdays(self) -> None:
        days = self.weekdays
        if not isinstance(days, tuple | list) or not all(
            _is_int(day) and 0 <= day <= 6 for day in days
        ):
            raise RecurrenceError("weekdays", "must be days from 0 (Monday) to 6 (Sunday)")
        if len(set(days)) != len(days):
            raise RecurrenceError("weekdays", "must not repeat a day")
        object.__setattr__(self, "weekdays", tuple(sorted(days)))
        if self.frequency is Frequency.WEEKLY and not days:
            raise RecurrenceError("weekdays", "choose at least one day of the week")
        if self.frequency in _BY_WEEKDAY and len(days) != 1 and self.weekdays not in DAY_SETS:
            raise RecurrenceError(
                "weekdays",
                "choose one day of the week, Monday to Friday, Saturday and Sunday, or every day",
            )
        if self.frequency not in _BY_WEEKDAY and self.frequency is not Frequency.WEEKLY and days:
            raise self._unused("weekdays")

    def _check_month(self) -> None:
        if self.frequency in _YEARLY:
            if self.month is None:
                raise RecurrenceError("month", "choose a month")
            if not _is_int(self.month) or not 1 <= self.month <= 12:
                raise RecurrenceError("month", "must be a month from 1 to 12")
        elif self.month is not None:
            raise self._unused("month")

    def _check_month_day(self) -> None:
        if self.frequency in _BY_DATE:
            if self.month_day is None:
                raise RecurrenceError("month_day", "choose a day of the month")
            if not _is_int(self.month_day) or not (
                1 <= self.month_day <= 31 or self.month_day == LAST_DAY
            ):
                raise RecurrenceError("month_day", "must be a day from 1 to 31, or -1 (the last)")
            # A date no year has (30 February) would be searched for until the year 9999.
            if self.month is not None and self.month_day > monthrange(2000, self.month)[1]:
                raise RecurrenceError(
                    "month_day",
                    "day %(day)s never occurs in the months this series visits",
                    day=self.month_day,
                )
        elif self.month_day is not None:
            raise self._unused("month_day")

    def _check_nth(self) -> None:
        if self.frequency in _BY_WEEKDAY:
            if self.nth is None:
                raise RecurrenceError("nth", "choose which weekday of the month")
            if not _is_int(self.nth) or self.nth not in NTH_VALUES:
                raise RecurrenceError("nth", "must be 1, 2, 3, 4, 5 or -1 (the last)")
        elif self.nth is not None:
            raise self._unused("nth")


# --- the RRULE text -------------------------------------------------------------------------


_RULE_FREQ: Final = {
    Frequency.DAILY: "DAILY",
    Frequency.WEEKLY: "WEEKLY",
    Frequency.MONTHLY_BY_DATE: "MONTHLY",
    Frequency.MONTHLY_BY_WEEKDAY: "MONTHLY",
    Frequency.YEARLY_BY_DATE: "YEARLY",
    Frequency.YEARLY_BY_WEEKDAY: "YEARLY",
    Frequency.ONCE: "DAILY",
}


def _format_rule(rec: Recurrence) -> str:
    parts = [f"FREQ={_RULE_FREQ[rec.frequency]}"]
    if rec.interval != 1:
        parts.append(f"INTERVAL={rec.interval}")
    if rec.month is not None:
        parts.append(f"BYMONTH={rec.month}")
    if rec.frequency is Frequency.WEEKLY:
        parts.append("BYDAY=" + ",".join(_DAY_CODES[day] for day in rec.weekdays))
    elif rec.frequency in _BY_WEEKDAY:
        if len(rec.weekdays) == 1:
            parts.append(f"BYDAY={rec.nth}{_DAY_CODES[rec.weekdays[0]]}")
        else:
            parts.append("BYDAY=" + ",".join(_DAY_CODES[day] for day in rec.weekdays))
            parts.append(f"BYSETPOS={rec.nth}")
    elif rec.frequency in _BY_DATE:
        parts.append(f"BYMONTHDAY={rec.month_day}")
    if rec.count is not None:
        parts.append(f"COUNT={rec.count}")
    if rec.until is not None:
        parts.append(f"UNTIL={rec.until:%Y%m%d}{_UNTIL_TIME}")
    return ";".join(parts)


def to_rrule(rec: Recurrence, *, start: date) -> str:
    """The RRULE line for `rec` (without DTSTART), e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH".

    `start` is the series' first local date. It is needed to refuse a series that would never
    happen: one that ends before its first occurrence (the `until` field), or a day that the
    visited months never have, such as the 30th every 12 months from February (the
    `month_day` field) or the fifth Monday every 12 months from a February without one (the
    `nth` field), or a start at the end of the calendar (the `start_date` field). Storing
    such a series would only produce an empty calendar later.

    UNTIL is written as floating local time at 23:59:59 of the end date, matching the floating
    DTSTART the rule is evaluated with. A feed that publishes DTSTART with a TZID must convert
    UNTIL to UTC (RFC 5545, 3.3.10).
    """
    if rec.until is not None and rec.until < start:
        raise RecurrenceError("until", "must not be before the first date of the series")
    first = first_local_date(rec, start)
    if first is None:
        if rec.frequency in _BY_WEEKDAY:
            raise RecurrenceError(
                "nth", "this weekday never occurs in the months this series visits"
            )
        if rec.frequency in _BY_DATE:
            raise RecurrenceError(
                "month_day",
                "day %(day)s never occurs in the months this series visits",
                day=rec.month_day,
            )
        # Daily, weekly or once: only the end of the calendar (year 9999) leaves no date.
        raise RecurrenceError("start_date", "the series has no date on or after this one")
    if rec.until is not None and first > rec.until:
        raise RecurrenceError(
            "until",
            "the series would end before its first occurrence on %(date)s",
            date=first.isoformat(),
        )
    return _format_rule(rec)


def first_local_date(rec: Recurrence, start: date) -> date | None:
    """The first local date `rec` yields from `start` on, wherever it lies (even after
    `LATEST`); None if the calendar ends first."""
    return next(_expand(rec, start, until=None, count=None), None)


def _parse_int(field_name: str, value: str, *, signed: bool = False) -> int:
    if not (_SIGNED_INT_RE if signed else _INT_RE).fullmatch(value):
        raise RecurrenceError(field_name, "%(value)s is not a whole number", value=repr(value))
    return int(value)


def from_rrule(rule: str) -> Recurrence:
    """The `Recurrence` an RRULE line describes; the inverse of `to_rrule`.

    Only the shapes a `Recurrence` can express are accepted (parts in any order, INTERVAL=1
    optional, UNTIL as a date or as the date at T235959). Anything else, a BYSETPOS on a single
    weekday, several months or month days, a UTC UNTIL, raises `RecurrenceError` instead of
    being evaluated half-understood.
    """
    if not isinstance(rule, str) or not rule:
        raise RecurrenceError("rule", "is empty")
    parts: dict[str, str] = {}
    for item in rule.split(";"):
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise RecurrenceError("rule", "%(value)s is not a NAME=VALUE part", value=repr(item))
        if key not in _KNOWN_PARTS:
            raise RecurrenceError("rule", "%(part)s is not supported", part=key)
        if key in parts:
            raise RecurrenceError("rule", "%(part)s appears twice", part=key)
        parts[key] = value

    common: dict[str, Any] = {
        "interval": _parse_int("interval", parts["INTERVAL"]) if "INTERVAL" in parts else 1,
        "count": _parse_int("count", parts["COUNT"]) if "COUNT" in parts else None,
        "until": _parse_until(parts["UNTIL"]) if "UNTIL" in parts else None,
    }
    freq = parts.get("FREQ")
    by = {key for key in ("BYMONTH", "BYDAY", "BYMONTHDAY", "BYSETPOS") if key in parts}

    if freq == "DAILY":
        if by:
            raise RecurrenceError(
                "rule", "a daily rule takes no %(parts)s", parts=", ".join(sorted(by))
            )
        return Recurrence(Frequency.DAILY, **common)
    if freq == "WEEKLY":
        if by - {"BYDAY"}:
            raise RecurrenceError("rule", "a weekly rule takes only BYDAY")
        byday = parts.get("BYDAY")
        days = [] if byday is None else [_parse_day(code) for code in byday.split(",")]
        return Recurrence(Frequency.WEEKLY, weekdays=tuple(days), **common)
    if freq == "MONTHLY":
        if "BYMONTH" in by:
            raise RecurrenceError("rule", "a monthly rule takes no BYMONTH")
        return _month_part(parts, Frequency.MONTHLY_BY_DATE, Frequency.MONTHLY_BY_WEEKDAY, common)
    if freq == "YEARLY":
        if "BYMONTH" not in by:
            raise RecurrenceError("month", "a yearly rule needs BYMONTH")
        common["month"] = _parse_int("month", parts["BYMONTH"])
        return _month_part(parts, Frequency.YEARLY_BY_DATE, Frequency.YEARLY_BY_WEEKDAY, common)
    if freq is None:
        raise RecurrenceError("frequency", "FREQ is missing")
    raise RecurrenceError("frequency", "FREQ=%(value)s is not supported", value=freq)


def _month_part(
    parts: dict[str, str], by_date: Frequency, by_weekday: Frequency, common: dict[str, Any]
) -> Recurrence:
    """The day within the month of a monthly or yearly rule: BYMONTHDAY, BYDAY=nWD, or a list
    of days with BYSETPOS."""
    byday, bymonthday, bysetpos = parts.get("BYDAY"), parts.get("BYMONTHDAY"), parts.get("BYSETPOS")
    if bymonthday is not None and byday is None and bysetpos is None:
        month_day = _parse_int("month_day", bymonthday, signed=True)
        return Recurrence(by_date, month_day=month_day, **common)
    if byday is not None and bymonthday is None:
        if bysetpos is None:
            nth, day = _parse_nth_day(byday)
            return Recurrence(by_weekday, weekdays=(day,), nth=nth, **common)
        days = tuple(_parse_day(code) for code in byday.split(","))
        if len(days) < 2:
            raise RecurrenceError("rule", "write a single weekday as e.g. -1FR, not with BYSETPOS")
        nth = _parse_int("nth", bysetpos, signed=True)
        return Recurrence(by_weekday, weekdays=days, nth=nth, **common)
    raise RecurrenceError(
        "rule", "a monthly or yearly rule takes BYMONTHDAY, or BYDAY (with BYSETPOS for a list)"
    )


def _parse_day(code: str) -> int:
    try:
        return _DAY_CODES.index(code)
    except ValueError:
        raise RecurrenceError(
            "weekdays", "%(value)s is not a day of the week", value=repr(code)
        ) from None


def _parse_nth_day(value: str) -> tuple[int, int]:
    match = _NTH_DAY_RE.fullmatch(value)
    if match is None:
        raise RecurrenceError(
            "weekdays", "%(value)s is not one weekday of the month", value=repr(value)
        )
    if match.group(1) is None:
        raise RecurrenceError("nth", "say which weekday of the month, e.g. 1MO or -1FR")
    return int(match.group(1)), _DAY_CODES.index(match.group(2))


def _parse_until(value: str) -> date:
    match = _UNTIL_RE.fullmatch(value)
    if match is None:
        raise RecurrenceError(
            "until", "%(value)s is not a local date (YYYYMMDD[T235959])", value=repr(value)
        )
    try:
        return datetime.strptime(match.group(1), "%Y%m%d").date()  # noqa: DTZ007 - a date
    except ValueError:
        raise RecurrenceError("until", "%(value)s is not a valid date", value=repr(value)) from None


# --- evaluating the rule on local dates -----------------------------------------------------


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


def last_local_date(rule: str, start_date: date) -> date | None:
    """The local date of the final occurrence of a COUNT or UNTIL rule; None if it never ends.

    Computed once when a series is saved and stored as `Schedule.last_date`, so that later
    evaluations of a COUNT rule need not iterate from the start, and so "series has ended"
    is a plain date comparison. Also None for a rule that has no occurrence at all.

    UNTIL rules are searched backwards from UNTIL, one period first and wider only if that
    period holds no occurrence (possible for a day skipped by short months, a fifth weekday or
    the 29th of February), so the
    cost does not grow with the series' length either.
    """
    rec = from_rrule(rule)
    if rec.count is not None:
        last: date | None = None
        for last in _expand(rec, start_date, until=None, count=rec.count):  # noqa: B007
            pass
        return last
    if rec.until is None:
        return None
    period_days = {
        Frequency.DAILY: 1,
        Frequency.WEEKLY: 7,
        Frequency.MONTHLY_BY_DATE: 31,
        Frequency.MONTHLY_BY_WEEKDAY: 31,
        Frequency.YEARLY_BY_DATE: 366,
        Frequency.YEARLY_BY_WEEKDAY: 366,
        Frequency.ONCE: 1,
    }[rec.frequency] * rec.interval
    span = (rec.until - start_date).days
    lookback = period_days
    while True:
        first = start_date if lookback >= span else rec.until - timedelta(days=lookback)
        found: date | None = None
        for found in _series_dates(rec, start_date, None, first=first, through=None):  # noqa: B007
            pass
        if found is not None or first == start_date:
            return found
        lookback *= 4


# --- from local dates to instants -----------------------------------------------------------


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(name: str) -> ZoneInfo:
    # The same set of names the person's preferences accept; ZoneInfo alone would also load
    # "posix/…" and "right/…" files, and the latter count leap seconds.
    if not isinstance(name, str) or name not in _known_timezones():
        raise RecurrenceError(
            "timezone", "%(value)s is not a known IANA timezone", value=repr(name)
        )
    return ZoneInfo(name)


def localize(d: date, t: time, tz: str) -> datetime:
    """The aware UTC instant at which the local wall time `t` on `d` happens in `tz`.

    Clock changes are decided deliberately, exactly as RFC 5545 (3.3.5) tells every calendar
    that subscribes to our feed to decide them, so reminders and calendars agree:

    - A wall time that does not exist (the spring-forward gap, 02:30 on 2026-03-29 in Berlin)
      happens the length of the gap later, at 03:30 CEST: the time is read with the offset in
      force before the gap (fold=0) and then normalised to UTC, so the check-in still takes
      place that day, as close to the chosen time as the clock allows.
    - A wall time that happens twice (fall back, 02:30 on 2026-10-25 in Berlin) happens at
      its first instance, 02:30 CEST (fold=0): the earlier one is the one people expect, and a
      reminder sent for it is never an hour late.

    A `fold` on `t` is ignored, so every occurrence of a series follows the same rule.
    """
    if t.tzinfo is not None:
        raise RecurrenceError("local_time", "must be a wall time without a timezone")
    wall = datetime.combine(d, t.replace(fold=0), tzinfo=_zone(tz))
    return wall.astimezone(UTC)


@dataclass(frozen=True)
class Schedule:
    """The timing of one check-in series, as stored.

    `rule` is the RRULE text, `start_date` the first local date (the DTSTART date; it should be
    the first occurrence, since RFC 5545 leaves an unsynchronised DTSTART undefined and some
    calendars then show it as an extra occurrence). `last_date` is `last_local_date(rule,
    start_date)` for a series that ends; it must come from there, since a COUNT rule is
    evaluated up to it. `recurrence` is the parsed rule, kept so evaluations do not re-parse.
    """

    rule: str
    start_date: date
    local_time: time
    timezone: str
    last_date: date | None = None
    recurrence: Recurrence = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rec = from_rrule(self.rule)
        object.__setattr__(self, "recurrence", rec)
        if not isinstance(self.start_date, date) or isinstance(self.start_date, datetime):
            raise RecurrenceError("start_date", "must be a date")
        if not isinstance(self.local_time, time) or self.local_time.tzinfo is not None:
            raise RecurrenceError("local_time", "must be a wall time without a timezone")
        _zone(self.timezone)
        if self.last_date is not None:
            if rec.count is None and rec.until is None:
                raise RecurrenceError("last_date", "a series without an end has no last date")
            if not isinstance(self.last_date, date) or isinstance(self.last_date, datetime):
                raise RecurrenceError("last_date", "must be a date")
            if self.last_date < self.start_date:
                raise RecurrenceError("last_date", "must not be before the first date")


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _local_date_near(instant: datetime, zone: str, days: int) -> date:
    local = instant.astimezone(_zone(zone)).date()
    try:
        return local + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _instants(s: Schedule, *, first: date, through: date | None) -> Iterator[datetime]:
    """Occurrence starts from local date `first` on, ascending, each instant once, none on
    a local date after `apps.core.dates.LATEST`.

    A date whose wall time falls in a gap moves forward by the gap; should that land on the
    next date's instant (only a whole skipped day can do that, as Samoa did in 2011), the
    instant is reported once.
    """
    previous: datetime | None = None
    # Nothing happens after the accepted years (`apps.core.dates`): a series stored before
    # dates were bounded ends there instead of overflowing a list, a page or a feed.
    through = LATEST if through is None else min(through, LATEST)
    for day in _series_dates(
        s.recurrence, s.start_date, s.last_date, first=max(first, s.start_date), through=through
    ):
        instant = localize(day, s.local_time, s.timezone)
        if previous is None or instant > previous:
            previous = instant
            yield instant


def occurrences_between(
    s: Schedule, window_start: datetime, window_end: datetime
) -> list[datetime]:
    """Aware UTC starts of the occurrences with `window_start <= start < window_end`, ascending.

    Half-open, so consecutive windows (a calendar's weeks, a scheduler's ticks) never report
    an occurrence twice. The cost depends on the window's length, not on the series' age.
    """
    _require_aware(window_start, "window_start")
    _require_aware(window_end, "window_end")
    if window_end <= window_start:
        return []
    # A local date's instant lies on that local date or, when a gap pushes the wall time past
    # midnight, on the next one. So the dates that can fall into the window run from the day
    # before its first local date through its last local date.
    first = _local_date_near(window_start, s.timezone, -1)
    through = _local_date_near(window_end, s.timezone, 0)
    return [
        instant
        for instant in _instants(s, first=first, through=through)
        if window_start <= instant < window_end
    ]


def next_occurrences(s: Schedule, after: datetime, n: int) -> list[datetime]:
    """The next `n` aware UTC starts strictly after `after`, ascending; fewer if the series ends.

    Strictly after, so passing the start of the occurrence just handled gives the ones after
    it. The cost depends on `n`, not on the series' age.
    """
    _require_aware(after, "after")
    if n < 0:
        raise ValueError("n must not be negative")
    result: list[datetime] = []
    if n == 0:
        return result
    first = _local_date_near(after, s.timezone, -1)
    for instant in _instants(s, first=first, through=None):
        if instant > after:
            result.append(instant)
            if len(result) == n:
                break
    return result
