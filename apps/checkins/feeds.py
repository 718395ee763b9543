"""iCalendar (RFC 5545) for check-in series, built with the `icalendar` library.

Each series is one recurring VEVENT: DTSTART with the series' TZID, the RRULE we store and
an exact DURATION; EXDATE for skipped occurrences, and one overriding VEVENT (same UID,
RECURRENCE-ID) per moved occurrence. A series with a single occurrence is one plain VEVENT.
A stopped series keeps its past: its rule ends (UNTIL) at the moment it was stopped. SEQUENCE
and LAST-MODIFIED change with every change a calendar shows. The VTIMEZONE components are
generated from the tz database for the whole span the calendar uses, so Outlook, Google,
Apple Calendar and Thunderbird compute the same local times the app shows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vDuration, vRecur

from apps.checkins.models import CheckInSeries, Occurrence, OccurrenceStatus
from apps.checkins.recurrence import localize, occurrences_between
from apps.core.dates import LATEST
from apps.core.text import one_line

logger = logging.getLogger(__name__)

_UNTIL_RE = re.compile(r"UNTIL=[0-9]{8}(T235959)?")
PRODID = "-//Tandem//Check-ins//EN"
# How far the time zone definitions reach for a series that never ends. Clients that trust
# the VTIMEZONE (ical.js, Outlook) compute nothing right past its last transition.
HORIZON_YEARS: Final = 30


def _uid(series: CheckInSeries) -> str:
    host = settings.TANDEM_CALENDAR_UID_DOMAIN
    return f"checkin-series-{series.pk}@{host}"


def feed_rule(series: CheckInSeries) -> str:
    """The stored rule with UNTIL in UTC: with a TZID'd DTSTART, RFC 5545 (3.3.10) requires
    UNTIL to be a UTC date-time. The end of the local last day, so the last one is included."""
    until = series.recurrence.until
    if until is None:
        return series.rule
    instant = datetime.combine(until, time(23, 59, 59), tzinfo=ZoneInfo(series.timezone))
    return _UNTIL_RE.sub(f"UNTIL={instant.astimezone(UTC):%Y%m%dT%H%M%SZ}", series.rule)


class _ExactDuration(vDuration):
    """A DURATION in hours, minutes and seconds only.

    RFC 5545 (3.3.6) makes a day ("P1D") nominal: across a DST change it lasts 23 or 25 hours.
    Hours are exact, so a 24-hour check-in is written "PT24H".
    """

    def to_ical(self) -> bytes:
        seconds = int(self.td.total_seconds())
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        text = "PT" + "".join(
            f"{value}{unit}"
            for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
            if value
        )
        return (text if text != "PT" else "PT0S").encode()


def _instant_of(wall: datetime, tz: ZoneInfo) -> datetime | None:
    """The UTC instant a naive local `wall` time names in `tz`, or None where it names none or
    two (the spring-forward gap, the repeated hour of autumn)."""
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None
    return first.astimezone(UTC)


def _local(instant: datetime, tz: ZoneInfo) -> datetime:
    """`instant` as local time in `tz`, or in UTC where the local time is ambiguous.

    A local DATE-TIME that happens twice means its first instance (RFC 5545, 3.3.5), but
    ical.js (Thunderbird) takes the second, and the second pass (an occurrence moved to 01:30
    EST on the day New York falls back) has no local name at all. Such an instant is written in
    UTC, which RFC 5545 allows for DTSTART and DTEND, so every client places it alike. Only
    moved and spelled-out starts and ends go through here; EXDATE and RECURRENCE-ID use
    `_wall`, as the RFC requires the series' TZID for RECURRENCE-ID.
    """
    local = instant.astimezone(tz)
    if _instant_of(local.replace(tzinfo=None), tz) != instant:
        return instant.astimezone(UTC)
    return local


def _wall(series: CheckInSeries, start: datetime) -> datetime:
    """The local date-time the rule produces for the computed start `start` (EXDATE,
    RECURRENCE-ID): the series' wall time on the occurrence's local date.

    On a spring-forward day that is the non-existent 02:30 of a 02:30 Berlin series, not the
    03:30 it happens at. RFC 5545 (3.3.5) gives both the same instant, but clients match
    EXDATE and RECURRENCE-ID against the instances the rule produces by their local value
    (ical.js does), so only 02:30 removes or replaces the right instance.
    """
    tz = ZoneInfo(series.timezone)
    day = start.astimezone(tz).date()
    for candidate in (day, day - timedelta(days=1)):  # a gap can push it past midnight
        if localize(candidate, series.local_time, series.timezone) == start:
            return datetime.combine(candidate, series.local_time, tzinfo=tz)
    return start.astimezone(tz)  # not a computed start (cannot happen for stored rows)


@dataclass
class _Published:
    """What the feed says about one series, and the local dates it uses."""

    events: list[Event]
    first: date
    last: date


def _event(series: CheckInSeries, start: datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", _uid(series))
    event.add("dtstamp", stamp)
    event.add("last-modified", series.updated_at.astimezone(UTC).replace(microsecond=0))
    event.add("sequence", series.sequence)
    event.add("summary", one_line(f"{series.title} ({series.tandem.name})"))
    event.add("dtstart", start)
    return event


def _single(series: CheckInSeries, start: datetime, stamp: datetime) -> Event:
    """A VEVENT for one instant: a one-off meeting or a moved occurrence. DTEND is the
    instant `duration` later, which every client reads as exactly that length."""
    tz = ZoneInfo(series.timezone)
    event = _event(series, _local(start, tz), stamp)
    event.add("dtend", _local(start + series.duration, tz))
    return event


def _stopped_at(series: CheckInSeries) -> datetime | None:
    if series.active:
        return None
    # Stopped before `stopped_at` was recorded (and not through the service): its last change.
    return series.stopped_at or series.updated_at


def _one_off(series: CheckInSeries, stamp: datetime) -> _Published | None:
    """A series with a single occurrence, as a plain VEVENT without RRULE (or none at all,
    once it is skipped or stopped before it happened)."""
    changed: list[Occurrence] = getattr(series, "changed", [])
    start = localize(series.start_date, series.local_time, series.timezone)
    for row in changed:
        if row.status == OccurrenceStatus.SKIPPED:
            return None
        start = row.moved_to or start
    stopped = _stopped_at(series)
    if stopped is not None and start > stopped:
        return None
    day = start.astimezone(ZoneInfo(series.timezone)).date()
    return _Published([_single(series, start, stamp)], day, day)


def _recurring(series: CheckInSeries, stamp: datetime, end_of_horizon: date) -> _Published | None:
    tz = ZoneInfo(series.timezone)
    changed: list[Occurrence] = getattr(series, "changed", [])
    skipped = {row.original_start for row in changed if row.status == OccurrenceStatus.SKIPPED}
    # original start -> where it takes (or took) place
    moved = {
        row.original_start: row.moved_to
        for row in changed
        if row.status != OccurrenceStatus.SKIPPED and row.moved_to is not None
    }
    rule = vRecur.from_ical(feed_rule(series))
    # Never before the first date: a series that begins beyond the horizon would otherwise get
    # a VTIMEZONE that ends before it starts, and clients the wrong offsets.
    last = series.last_date or max(end_of_horizon, series.start_date)
    until: datetime | None = None

    stopped = _stopped_at(series)
    if stopped is not None:
        # The past stays as it happened: occurrences that started by the stop, including one
        # moved there from a later slot. Everything after it leaves the calendar.
        kept = {original: to for original, to in moved.items() if to <= stopped}
        until = max([stopped, *kept])
        skipped |= {original for original, to in moved.items() if to > stopped}
        skipped |= {
            start
            for start in occurrences_between(series.schedule, stopped, until + timedelta(seconds=1))
            if start > stopped and start not in kept
        }
        skipped = {start for start in skipped if start <= until}
        moved = kept
        first_start = localize(series.start_date, series.local_time, series.timezone)
        if first_start > until and not moved:
            return None  # stopped before it ever happened
        until_local = until.astimezone(tz).date()
        if series.last_date is None or series.last_date > until_local:
            rule.pop("COUNT", None)
            rule["UNTIL"] = [until.astimezone(UTC).replace(microsecond=0)]
            last = until_local

    master = _event(series, datetime.combine(series.start_date, series.local_time, tz), stamp)
    # DURATION, not DTEND: RFC 5545 applies DTEND - DTSTART of the master to every instance as
    # a nominal (wall clock) difference, so a first meeting across a DST change would give
    # every repeat an hour too much or too little. An exact DURATION is elapsed time.
    master.add("duration", _ExactDuration(series.duration))
    master.add("rrule", rule)
    if skipped:
        master.add("exdate", [_wall(series, start) for start in sorted(skipped)])
    events = [master]
    first = series.start_date
    overrides = dict(moved)
    # An instance running over a clock change, or starting or ending in its gap or repeated
    # hour, is placed right only by an override with DTSTART and DTEND: clients add DURATION
    # to the wall clock (recurring-ical-events ends a 2-hour 01:30 meeting at 03:30 CEST on
    # the spring-forward day) and ical.js reads a repeated local time as its second pass.
    for start in _across_clock_changes(series, first, last):
        if start not in overrides and start not in skipped and (until is None or start <= until):
            overrides[start] = start
    for original_start, start in sorted(overrides.items()):
        override = _single(series, start, stamp)
        override.add("recurrence-id", _wall(series, original_start))
        events.append(override)
        day = start.astimezone(tz).date()
        first, last = min(first, day), max(last, day)
    return _Published(events, first, last)


def _across_clock_changes(series: CheckInSeries, first: date, last: date) -> list[datetime]:
    """Computed starts from local date `first` through `last` that clients can only get right
    from an override: where the wall time the rule produces, or that wall time plus `duration`
    on the clock, is not exactly one instant, or not the real start or end."""
    tz = ZoneInfo(series.timezone)
    found = []
    margin = series.duration + timedelta(days=1)
    for change in _clock_changes(series.timezone, first.year, last.year):
        for start in occurrences_between(series.schedule, change - margin, change + margin):
            wall = _wall(series, start).replace(tzinfo=None)
            if _instant_of(wall, tz) != start or (
                _instant_of(wall + series.duration, tz) != start + series.duration
            ):
                found.append(start)
    return found


@lru_cache(maxsize=256)
def _clock_changes(tzid: str, first_year: int, last_year: int) -> tuple[datetime, ...]:
    """Midnights (UTC) of the days on which `tzid` changes its UTC offset, in those years."""
    tz = ZoneInfo(tzid)
    day = datetime(first_year, 1, 1, tzinfo=UTC)
    offset = day.astimezone(tz).utcoffset()
    found = []
    while day.year <= last_year:
        next_day = day + timedelta(days=1)
        next_offset = next_day.astimezone(tz).utcoffset()
        if next_offset != offset:
            found.append(day)
            offset = next_offset
        day = next_day
    return tuple(found)


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE for `tzid` from `first` to `last`; generating one takes milliseconds, and
    the arguments are whole years, so a few cover every feed. Never modified after.

    `icalendar` lists an observance's transitions in one comma-separated RDATE; ical.js (and
    so Thunderbird) reads only the first value of each RDATE line and would keep the offset
    of the second year for ever. One RDATE line per transition says the same to every client.
    """
    vtimezone = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    for observance in vtimezone.subcomponents:
        listed = observance.pop("RDATE", None)
        for rdates in listed if isinstance(listed, list) else [listed] if listed else []:
            for rdate in rdates.dts:
                observance.add("RDATE", rdate.dt)
    return vtimezone


def build_calendar(
    series_list: Iterable[CheckInSeries], *, name: str, extra: Iterable[Event] = ()
) -> bytes:
    """`series_list` items need `tandem` loaded and the skipped/moved rows in `changed`.
    `extra`: further events of the person's (all-day ones, which need no VTIMEZONE)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    now = timezone.now()
    stamp = now.astimezone(UTC).replace(microsecond=0)
    end_of_horizon = date(now.year + HORIZON_YEARS, 12, 31)
    spans: dict[str, tuple[date, date]] = {}
    for series in series_list:
        try:
            if series.start_date > LATEST:
                raise ValueError(f"starts after {LATEST}")
            if series.last_date is not None and series.last_date > LATEST:
                raise ValueError(f"ends after {LATEST}")
            if series.last_date == series.start_date:  # e.g. FREQ=DAILY;COUNT=1
                published = _one_off(series, stamp)
            else:
                published = _recurring(series, stamp, end_of_horizon)
            if published is not None and published.last > LATEST:
                raise ValueError(f"an instance after {LATEST}")
        except (OverflowError, ValueError):
            # One series with a date no calendar can hold (stored before dates were bounded)
            # must not take the person's whole feed down: it is left out, and logged.
            logger.warning("calendar feed: series %s left out", series.pk, exc_info=True)
            continue
        if published is None:
            continue
        for event in published.events:
            cal.add_component(event)
        first, last = spans.get(series.timezone, (published.first, published.last))
        spans[series.timezone] = (min(first, published.first), max(last, published.last))
    for event in extra:
        cal.add_component(event)
    # Whole years with a year to spare on each side: from before the first DTSTART to after
    # the last instance (the default stops in 2038, and clients then use the wrong offset).
    for index, (tzid, (first, last)) in enumerate(sorted(spans.items())):
        vtimezone = _vtimezone(tzid, date(first.year - 1, 1, 1), date(last.year + 2, 1, 1))
        cal.subcomponents.insert(index, vtimezone)
    return cal.to_ical()
