"""iCalendar (RFC 5545) for check-in series, built with the `icalendar` library.

Each series is one recurring VEVENT: DTSTART with the series' TZID and the RRULE we store,
EXDATE for skipped occurrences, and one overriding VEVENT (same UID, RECURRENCE-ID) per
moved occurrence. The VTIMEZONE components are generated from the tz database, so Outlook,
Google and Apple Calendar compute the same local times the app shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from apps.checkins.models import CheckInSeries, Occurrence, OccurrenceStatus

_UNTIL_RE = re.compile(r"UNTIL=[0-9]{8}(T235959)?")
PRODID = "-//Tandem//Check-ins//EN"


def _uid(series: CheckInSeries) -> str:
    host = getattr(settings, "TANDEM_CALENDAR_UID_DOMAIN", "tandem.local")
    return f"checkin-series-{series.pk}@{host}"


def feed_rule(series: CheckInSeries) -> str:
    """The stored rule with UNTIL in UTC: with a TZID'd DTSTART, RFC 5545 (3.3.10) requires
    UNTIL to be a UTC date-time. The end of the local last day, so the last one is included."""
    until = series.recurrence.until
    if until is None:
        return series.rule
    instant = datetime.combine(until, time(23, 59, 59), tzinfo=ZoneInfo(series.timezone))
    return _UNTIL_RE.sub(f"UNTIL={instant.astimezone(UTC):%Y%m%dT%H%M%SZ}", series.rule)


def _local(instant: datetime, tz: ZoneInfo) -> datetime:
    """`instant` as local time in `tz`, or in UTC where local time cannot name it.

    A local DATE-TIME that happens twice means its first instance (RFC 5545, 3.3.5), so the
    second pass through the repeated hour (an occurrence moved to 01:30 EST on the day New York
    falls back) has no local name: written as 01:30 with the TZID, every calendar would show
    it an hour early. Such an instant is written in UTC, which RFC 5545 allows for DTSTART
    and DTEND. The computed starts (EXDATE, RECURRENCE-ID) are always first instances, so
    they keep the series' TZID, as the RFC requires for RECURRENCE-ID.
    """
    local = instant.astimezone(tz)
    if local.replace(fold=0).astimezone(UTC) != instant:
        return instant.astimezone(UTC)
    return local


def _event(series: CheckInSeries, start: datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", _uid(series))
    event.add("dtstamp", stamp)
    event.add("summary", f"{series.title} ({series.tandem.name})")
    event.add("dtstart", start)
    # The duration is elapsed time: added to the instant, not to the wall clock, or a meeting
    # across a DST change would end an hour off (and RFC 5545 takes DTEND - DTSTART of the
    # master as the exact duration of every instance).
    end = start.astimezone(UTC) + series.duration
    event.add("dtend", _local(end, ZoneInfo(series.timezone)))
    return event


def build_calendar(series_list: Iterable[CheckInSeries], *, name: str) -> bytes:
    """`series_list` items need `tandem` loaded and the skipped/moved rows in `changed`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for series in series_list:
        tz = ZoneInfo(series.timezone)
        first = datetime.combine(series.start_date, series.local_time, tzinfo=tz)
        master = _event(series, first, stamp)
        master.add("rrule", vRecur.from_ical(feed_rule(series)))
        changed: list[Occurrence] = getattr(series, "changed", [])
        skipped = [
            _local(row.original_start, tz)
            for row in changed
            if row.status == OccurrenceStatus.SKIPPED
        ]
        if skipped:
            master.add("exdate", skipped)
        cal.add_component(master)
        for row in changed:
            if row.status == OccurrenceStatus.SKIPPED or row.moved_to is None:
                continue
            override = _event(series, _local(row.moved_to, tz), stamp)
            override.add("recurrence-id", _local(row.original_start, tz))
            cal.add_component(override)
    cal.add_missing_timezones()
    return cal.to_ical()
