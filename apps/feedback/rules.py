"""Pure rules of feedback cycles: times in the tandem's clock, recurrence, completion."""

from __future__ import annotations

import calendar
from datetime import datetime
from zoneinfo import ZoneInfo

MONTHS = {"monthly": 1, "quarterly": 3}


def in_timezone(value: datetime, tz: str) -> datetime:
    """An aware instant; a naive value is a wall-clock time in the tandem's timezone."""
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(tz))
    return value


def shift_months(instant: datetime, months: int, tz: str) -> datetime:
    """The same local wall-clock time `months` later in `tz`; the day is clamped to the end
    of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    local = instant.astimezone(ZoneInfo(tz))
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return naive.replace(tzinfo=ZoneInfo(tz))


def completion(*, submitted_at: datetime | None, closes_at: datetime, closed: bool) -> str:
    """on_time, late, missed, or pending (not submitted, cycle still accepting entries)."""
    if submitted_at is not None:
        return "on_time" if submitted_at <= closes_at else "late"
    return "missed" if closed else "pending"
