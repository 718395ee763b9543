"""When a notice may reach a person: quiet hours, the weekly window, the pause.

Pure rules: plain values in, an aware UTC instant out, no database and no Django. The
notifications service calls `delivery_time` when it records a notice and stores the result as
the delivery's due instant; the dispatcher sends what is due and asks `is_paused` before it does.

The product's promise is "light touches, in the recipient's own hours": nothing is delivered in
quiet hours, and what is not urgent waits for the person's weekly communication window.

Local times and daylight saving time
------------------------------------
Quiet hours and the window are wall-clock times in the person's timezone. Every boundary is
computed on a local date and then converted to an instant, so 07:00 stays 07:00 across DST.
A boundary is *the first instant at which the person's clock shows that local date and time or
later*. That one definition settles both DST cases:

- a time that does not exist (skipped by the spring-forward gap) resolves to the instant right
  after the gap: 02:30 on 2026-03-29 in Berlin becomes 03:00 CEST (01:00 UTC);
- a time that exists twice (the repeated hour in autumn) resolves to its first occurrence
  (fold=0): 02:30 on 2026-10-25 in Berlin is 02:30 CEST (00:30 UTC).

Quiet hours and windows are therefore intervals of instants, ``[start, end)``: the start is
quiet / inside the window, the end is not. In the repeated autumn hour this means that quiet
hours ending at 02:30 end once, the first time the clock reaches 02:30; the repeated
02:00-02:30 is not quiet again. Quiet hours *starting* in the repeated hour start at its first
occurrence and stay quiet through the repetition.

Pause is not applied here
-------------------------
`delivery_time` ignores the pause on purpose. What happens to a notice that falls into a pause
depends on its subject, which this module does not know: a check-in reminder for a meeting that
took place while the person was away has expired and must be dropped, while a consult request
or a feedback cycle notice should be held and delivered (or folded into a digest) when the
person is back. The dispatcher decides that per subject, using `is_paused`, and computes the
delivery time again from the pause's end when it holds a notice.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

__all__ = [
    "Preferences",
    "QuietHours",
    "Window",
    "delivery_time",
    "in_quiet_hours",
    "is_paused",
    "next_window_opening",
    "next_working_day_at",
]

# A notice forced before quiet hours goes out this long before they begin (their start is quiet).
BEFORE_QUIET: Final = timedelta(minutes=1)

# Quiet periods never overlap, so skipping them ends after two or three (a day's free time
# can only vanish on a DST day). The bound guards against a timezone we have not foreseen.
_MAX_QUIET_SKIPS: Final = 8

# A window occurrence can be empty only when it lies wholly in a spring-forward gap, which
# happens at most once a year; a few weeks of look-ahead always find a real one.
_MAX_WINDOW_WEEKS: Final = 4


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


def _require_wall_time(value: time, name: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{name} is a local wall time and must not carry a tzinfo")


@dataclass(frozen=True)
class QuietHours:
    """Local wall times between which nothing is delivered: ``[start, end)``.

    `end` before `start` wraps midnight (22:00-07:00 is quiet from 22:00 until 07:00 the next
    morning). `start == end` is refused: a person without quiet hours has `None` instead, and
    "quiet all day" is not something the product offers.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        _require_wall_time(self.start, "quiet hours start")
        _require_wall_time(self.end, "quiet hours end")
        if self.start == self.end:
            raise ValueError("quiet hours need start != end; pass None for no quiet hours")

    @property
    def wraps_midnight(self) -> bool:
        return self.end < self.start


@dataclass(frozen=True)
class Window:
    """The weekly communication window: local `weekday` (0 = Monday .. 6 = Sunday),
    ``[start, end)`` on that day, `start < end`."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        _require_wall_time(self.start, "window start")
        _require_wall_time(self.end, "window end")
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"window weekday must be 0 (Monday) .. 6 (Sunday), got {self.weekday}")
        if not self.start < self.end:
            raise ValueError("window start must be before its end on the same day")


@dataclass(frozen=True)
class Preferences:
    """What a person chose about being reached. Paused while ``paused_from <= t <
    paused_until``; `paused_until` None means until further notice."""

    timezone: str
    quiet_hours: QuietHours | None = None
    window: Window | None = None
    paused_from: datetime | None = None
    paused_until: datetime | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError) as error:  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"unknown timezone {self.timezone!r}") from error
        if self.paused_from is not None:
            _require_aware(self.paused_from, "paused_from")
        if self.paused_until is not None:
            _require_aware(self.paused_until, "paused_until")
            if self.paused_from is None:
                raise ValueError("paused_until needs paused_from")
            if self.paused_until <= self.paused_from:
                raise ValueError("paused_until must be after paused_from")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances per key


def is_paused(at: datetime, prefs: Preferences) -> bool:
    """Whether the person is away at `at`. Used by the dispatcher, not by `delivery_time`."""
    _require_aware(at, "at")
    if prefs.paused_from is None:
        return False
    return prefs.paused_from <= at and (prefs.paused_until is None or at < prefs.paused_until)


def in_quiet_hours(at: datetime, prefs: Preferences) -> bool:
    """Whether `at` lies inside one of the person's quiet periods."""
    _require_aware(at, "at")
    if prefs.quiet_hours is None:
        return False
    return _quiet_period_containing(at.astimezone(UTC), prefs.quiet_hours, prefs.zone) is not None


def delivery_time(
    *,
    due: datetime,
    prefs: Preferences,
    urgent: bool = False,
    not_after: datetime | None = None,
) -> datetime:
    """The aware UTC instant at which a notice that became due at `due` may go out.

    1. A non-urgent notice of a person with a window moves to the next window opening at or
       after `due` (it stays at `due` when that is inside the window). Urgent notices ignore
       the window.
    2. An instant inside quiet hours moves to the end of that quiet period. With a window, the
       result is the earliest instant that is inside the window and not quiet; if the rest of
       this week's window is quiet, that is in next week's window.
       When an entire window occurrence lies inside quiet hours, the window wins: the notice
       goes out at its opening (or at `due` when that is already inside it), quiet or not,
       because the person chose that window explicitly.
    3. `not_after` is the instant the notice must precede (a meeting's start); delivering
       exactly at it is allowed. When steps 1-2 end later, the window is dropped first (the
       notice is delivered at `due`, or at the end of its quiet period). If even that is too
       late, the notice goes out just before the quiet period containing `due` began, i.e.
       `BEFORE_QUIET` before its start. That instant is earlier than `due`: the service
       usually schedules notices ahead of time, so it is normally still in the future; when it
       is already past, the dispatcher delivers immediately. When `due` itself is after
       `not_after` nothing can help, and `due` is returned unchanged.
    4. The pause is not applied (see the module docstring).

    Raises ValueError for naive `due` or `not_after`.
    """
    _require_aware(due, "due")
    due = due.astimezone(UTC)
    if not_after is not None:
        _require_aware(not_after, "not_after")
        not_after = not_after.astimezone(UTC)
        if due > not_after:
            return due

    zone = prefs.zone
    quiet = prefs.quiet_hours
    window = None if urgent else prefs.window

    if window is not None:
        in_window = _first_allowed_in_window(due, window, quiet, zone)
        if not_after is None or in_window <= not_after:
            return in_window
    out_of_quiet = due if quiet is None else _skip_quiet(due, quiet, zone)
    if not_after is None or out_of_quiet <= not_after:
        return out_of_quiet

    # Only a quiet `due` can be shifted past `not_after`, so `quiet` is set and a period exists.
    assert quiet is not None
    period = _quiet_period_containing(due, quiet, zone)
    assert period is not None
    return period[0] - BEFORE_QUIET


def next_working_day_at(after: datetime, tz_name: str, at: time) -> datetime:
    """The aware UTC instant of the wall time `at` on the first Monday-to-Friday after the
    local date of `after` in `tz_name` ("remind me tomorrow": on Friday that is Monday;
    holidays are not known). A wall time that a DST change skips resolves like every boundary
    here (the first instant the clock shows it or later)."""
    _require_aware(after, "after")
    _require_wall_time(at, "at")
    zone = ZoneInfo(tz_name)
    day = after.astimezone(zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _resolve(day, at, zone)


# --- local wall times to instants ------------------------------------------------------------


def _wall(at: datetime, zone: tzinfo) -> datetime:
    """The naive local wall time of the instant `at`."""
    return at.astimezone(zone).replace(tzinfo=None)


def _resolve(day: date, wall_time: time, zone: tzinfo) -> datetime:
    """The first instant (UTC) at which the local clock shows `day` at `wall_time` or later."""
    wall = datetime.combine(day, wall_time)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == wall:
        return first  # exists; for a repeated time fold=0 is its first occurrence
    # In a spring-forward gap. fold=1 applies the offset after the transition, which lands
    # before the gap; fold=0 applies the one before it, which lands after. The transition, the
    # instant right after the gap, lies in between: find it by bisection on microseconds.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    after = first
    low, high = 0, (after - before) // timedelta(microseconds=1)
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(before + timedelta(microseconds=middle), zone) >= wall:
            high = middle
        else:
            low = middle
    return before + timedelta(microseconds=high)


# --- quiet hours --------------------------------------------------------------------------


def _quiet_period(day: date, quiet: QuietHours, zone: tzinfo) -> tuple[datetime, datetime]:
    """The quiet period that starts on local `day`, as UTC ``[start, end)``; may be empty."""
    end_day = day + timedelta(days=1) if quiet.wraps_midnight else day
    return _resolve(day, quiet.start, zone), _resolve(end_day, quiet.end, zone)


def _quiet_period_containing(
    at: datetime, quiet: QuietHours, zone: tzinfo
) -> tuple[datetime, datetime] | None:
    """The quiet period (UTC ``[start, end)``) that contains `at` (UTC), if any.

    A period is shorter than a day plus a DST shift, so one containing `at` started on `at`'s
    local date or the day before; one more day covers zones that once skipped a whole date.
    """
    today = _wall(at, zone).date()
    for back in (0, 1, 2):
        start, end = _quiet_period(today - timedelta(days=back), quiet, zone)
        if start <= at < end:
            return start, end
    return None


def _skip_quiet(at: datetime, quiet: QuietHours, zone: tzinfo) -> datetime:
    """The first instant at or after `at` (UTC) that is not quiet."""
    for _ in range(_MAX_QUIET_SKIPS):
        period = _quiet_period_containing(at, quiet, zone)
        if period is None:
            return at
        # The end may be the start of the next period (both in one DST gap): loop again.
        at = period[1]
    # Unreachable for real timezones (see _MAX_QUIET_SKIPS); deliver rather than never.
    return at


def _first_free(
    start: datetime, stop: datetime, quiet: QuietHours | None, zone: tzinfo
) -> datetime | None:
    """The first instant in ``[start, stop)`` that is not quiet, or None if all of it is."""
    if quiet is None:
        return start if start < stop else None
    free = _skip_quiet(start, quiet, zone)
    return free if free < stop else None


# --- the weekly window --------------------------------------------------------------------


def _window_occurrences(
    after: datetime, window: Window, zone: tzinfo
) -> list[tuple[datetime, datetime]]:
    """The next two non-empty window occurrences (UTC ``[open, close)``) closing after `after`."""
    today = _wall(after, zone).date()
    day = today + timedelta(days=(window.weekday - today.weekday()) % 7)
    found: list[tuple[datetime, datetime]] = []
    for week in range(_MAX_WINDOW_WEEKS):
        on = day + timedelta(weeks=week)
        opening, closing = _resolve(on, window.start, zone), _resolve(on, window.end, zone)
        if opening < closing and after < closing:  # empty only when inside a DST gap
            found.append((opening, closing))
            if len(found) == 2:
                break
    return found


def next_window_opening(after: datetime, window: Window, tz_name: str) -> datetime:
    """The first opening of the weekly window strictly after `after` (aware), as UTC: the
    local start on the window's weekday in `tz_name`, moved past a DST gap like any wall time.
    Used by contact care to announce each window once."""
    _require_aware(after, "after")
    zone = ZoneInfo(tz_name)
    today = _wall(after, zone).date()
    day = today + timedelta(days=(window.weekday - today.weekday()) % 7)
    for week in range(_MAX_WINDOW_WEEKS + 1):
        on = day + timedelta(weeks=week)
        opening, closing = _resolve(on, window.start, zone), _resolve(on, window.end, zone)
        if opening < closing and opening > after:
            return opening
    raise ValueError("no window opening found")  # unreachable for real timezones


def _first_allowed_in_window(
    due: datetime, window: Window, quiet: QuietHours | None, zone: tzinfo
) -> datetime:
    """Steps 1 and 2 for a non-urgent notice with a window (see `delivery_time`).

    Looks at two occurrences at most: the first one's rest may be quiet, but the second is
    either wholly quiet (the window wins) or has a free instant.
    """
    occurrences = _window_occurrences(due, window, zone)
    for opening, closing in occurrences:
        earliest = max(opening, due)
        if _first_free(opening, closing, quiet, zone) is None:
            return earliest  # the whole window is quiet: the window wins
        free = _first_free(earliest, closing, quiet, zone)
        if free is not None:
            return free
    # Unreachable (see _MAX_WINDOW_WEEKS); the first opening is still a deliberate choice.
    return max(occurrences[0][0], due)
