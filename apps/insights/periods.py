"""Months in the tandem's timezone (pure): the range a page or the API asks for, cut into
calendar months whose boundaries are local midnights, so a DST month and a timezone whose
month starts hours before UTC's are counted as the pair lives them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import timezone

# The longest range one request may ask for.
MAX_MONTHS: Final = 120
DEFAULT_MONTHS: Final = 12


@dataclass(frozen=True)
class Month:
    """One calendar month in the tandem's timezone: ``[start, end)`` as aware UTC instants."""

    first: date  # the first day, local
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return self.first.strftime("%Y-%m")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant the local date `day` begins (no zone skips midnight over a month start
    that we know of; if one did, `fold=0` still gives an instant of that day)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def months_between(first: date, last: date, tz_name: str) -> list[Month]:
    """The months from the one holding `first` to the one holding `last`, both included."""
    tz = ZoneInfo(tz_name)
    months = []
    day = month_start(first)
    while day <= last:
        following = next_month(day)
        months.append(Month(day, local_midnight(day, tz), local_midnight(following, tz)))
        day = following
    return months


def month_of(instant: datetime, tz_name: str) -> date:
    """The first day of the local month `instant` falls in."""
    return month_start(instant.astimezone(ZoneInfo(tz_name)).date())


def default_range(today: date) -> tuple[date, date]:
    """The last twelve months, this one included."""
    first = month_start(today)
    for _ in range(DEFAULT_MONTHS - 1):
        first = month_start(date.fromordinal(first.toordinal() - 1))
    return first, today


def today_in(tz_name: str, now: datetime | None = None) -> date:
    """Today's local date in `tz_name`."""
    return (now or timezone.now()).astimezone(ZoneInfo(tz_name)).date()
