"""From local dates to instants: the wall time in the series' zone on each date across clock
changes (`localize`), a stored series' timing (`Schedule`, with the last date of a series that
ends, `last_local_date`), and the occurrences in a window or after a moment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from apps.checkins.recurrence.dates import _expand, _series_dates
from apps.checkins.recurrence.shape import Frequency, Recurrence, RecurrenceError
from apps.checkins.recurrence.text import from_rrule
from apps.core.dates import LATEST


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
