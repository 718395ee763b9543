"""The calendar clients the feed tests expand a feed with (recurring_ical_events and Mozilla's
ical.js), and the check that they show exactly the meetings the app lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import recurring_ical_events
from icalendar import Calendar
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.checkins import selectors
from apps.checkins.models import CheckInSeries, OccurrenceStatus
from tests.apps.checkins import icaljs
from tests.apps.checkins.icaljs import Instance
from tests.conftest import client_for

NOW = datetime(2026, 1, 1, tzinfo=UTC)
# Two years, half of it before NOW: what a stopped series keeps is in the past.
WINDOW = (NOW - timedelta(days=365), NOW + timedelta(days=365))
Window = tuple[datetime, datetime]


def app_starts(series: CheckInSeries, window: Window = WINDOW) -> list[datetime]:
    """What the app lists for the window (the API's occurrences view uses this selector, a
    year at a time). A stopped series is shown up to the moment it was stopped: its upcoming
    meetings leave the pages and reminders."""
    series.refresh_from_db()
    listed = []
    window_start = window[0]
    while window_start < window[1]:
        window_end = min(window_start + timedelta(days=365), window[1])
        listed += selectors.occurrences_between_for(
            series=series, window_start=window_start, window_end=window_end
        )
        window_start = window_end
    starts = sorted(occ.start for occ in listed if occ.status != OccurrenceStatus.SKIPPED)
    if not series.active:
        assert series.stopped_at is not None
        starts = [start for start in starts if start <= series.stopped_at]
    return starts


def uid_of(series: CheckInSeries) -> str:
    """The feed's UID without its host part (which comes from a setting)."""
    return f"checkin-series-{series.pk}"


def by_recurring_ical_events(ics: bytes, window: Window) -> dict[str, list[Instance]]:
    """{UID: [(start, end) in UTC]} that recurring_ical_events computes in the window."""
    # Wider than the window, since the expander also returns events that merely overlap it.
    found = recurring_ical_events.of(Calendar.from_ical(ics)).between(
        window[0] - timedelta(days=3), window[1] + timedelta(days=3)
    )
    by_uid: dict[str, list[Instance]] = defaultdict(list)
    for component in found:
        start, end = component.start, component.end
        assert isinstance(start, datetime) and start.tzinfo is not None
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if window[0] <= start < window[1]:
            by_uid[str(component["UID"])].append((start, end))
    return {uid: sorted(instances) for uid, instances in by_uid.items()}


def by_icaljs(ics: bytes, window: Window) -> dict[str, list[Instance]]:
    """The same from Mozilla's ical.js, which shares no code with the Python stack."""
    return {uid: found for uid, found in icaljs.expand(ics, *window).items() if found}


CLIENTS = {"recurring_ical_events": by_recurring_ical_events, "ical.js": by_icaljs}


def feed_of(person: User) -> bytes:
    """The person's private feed, fetched like a calendar app does: by token, no login."""
    token = client_for(person).post("/api/v1/calendar/feed/").data["token"]
    response = APIClient().get(f"/api/v1/calendar/{token}.ics")
    assert response.status_code == 200
    return response.content


def instances_in(ics: bytes, client: str, window: Window = WINDOW) -> dict[str, list[Instance]]:
    """{UID without its host part (which comes from a setting): [(start, end)]}."""
    return {uid.partition("@")[0]: found for uid, found in CLIENTS[client](ics, window).items()}


def assert_feed_agrees(person: User, created: list[CheckInSeries], window: Window = WINDOW) -> None:
    """Both clients show exactly the app's meetings, each as long as the series says."""
    ics = feed_of(person)
    for client in CLIENTS:
        expanded = instances_in(ics, client, window)
        assert set(expanded) <= {uid_of(series) for series in created}, client
        for series in created:
            listed = app_starts(series, window)
            instances = expanded.get(uid_of(series), [])
            found = [start for start, _end in instances]
            # The disagreements first, so a failure names the instants that differ.
            missing_or_extra = (sorted(set(found) - set(listed)), sorted(set(listed) - set(found)))
            assert missing_or_extra == ([], []), (client, series.rule)
            assert found == listed, client  # and nothing twice
            lengths = {start: end - start for start, end in instances}
            assert lengths == dict.fromkeys(found, series.duration), client
