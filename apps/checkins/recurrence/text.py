"""The RRULE text of a recurrence, both ways: `to_rrule` writes the line a series stores (and
the iCalendar feed publishes), `from_rrule` reads back exactly the shapes a `Recurrence` can
express."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Final

from apps.checkins.recurrence.dates import first_local_date
from apps.checkins.recurrence.shape import (
    _BY_DATE,
    _BY_WEEKDAY,
    Frequency,
    Recurrence,
    RecurrenceError,
)

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
