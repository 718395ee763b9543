"""The app's occurrences against an independent RFC 5545 expander reading the app's own feed.

Each example creates one or two series through the services (any shape, timezone and wall
time, including times inside a DST gap or overlap, with COUNT and UNTIL ends), skips and
moves some future occurrences, renders the person's private iCalendar feed through the real
view, and expands it with `recurring_ical_events`. For a one-year window the UTC instants the
expander finds for each series must be exactly the starts the app lists for it (skipped ones
left out, moved ones at their new time). So a calendar that subscribes to the feed shows the
times the app shows and reminds about.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st
from icalendar import Calendar
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.checkins import selectors, services
from apps.checkins.models import CheckInSeries, OccurrenceStatus
from apps.core.errors import DomainError
from apps.tandems.models import Membership
from tests.conftest import Pair, client_for
from tests.factories import TandemFactory, UserFactory
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW = (NOW, NOW + timedelta(days=365))
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
# Wall times that fall into a DST gap or overlap in at least one of the zones, and plain ones.
TRICKY_TIMES = (time(0, 0), time(1, 30), time(2, 0), time(2, 30), time(3, 0), time(23, 30))


FREQUENCIES = [
    "once",
    "daily",
    "weekly",
    "monthly_by_date",
    "monthly_by_weekday",
    "yearly_by_date",
    "yearly_by_weekday",
]
DAY_SETS = [(0, 1, 2, 3, 4), (5, 6), (0, 1, 2, 3, 4, 5, 6)]


@st.composite
def recurrences(draw: st.DrawFn) -> dict[str, object]:
    frequency = draw(st.sampled_from(FREQUENCIES))
    fields: dict[str, object] = {"frequency": frequency, "weekdays": ()}
    if frequency == "daily":
        fields["interval"] = draw(st.integers(1, 5))
    elif frequency == "weekly":
        fields["interval"] = draw(st.integers(1, 4))
        fields["weekdays"] = tuple(
            draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
        )
    elif frequency.startswith("monthly"):
        fields["interval"] = draw(st.integers(1, 3))
    elif frequency.startswith("yearly"):
        fields["interval"] = draw(st.integers(1, 2))
        fields["month"] = draw(st.integers(1, 12))
    if frequency.endswith("by_date"):
        # The 29th to 31st (skipped in shorter months) and the last day (-1) most often.
        day = draw(st.one_of(st.sampled_from([29, 30, 31, -1]), st.integers(1, 31)))
        month = fields.get("month")
        if isinstance(month, int) and day > monthrange(2000, month)[1]:
            reject()  # the 30th of February: refused by the service
        fields["month_day"] = day
    elif frequency.endswith("by_weekday"):
        # One weekday ("the 5th Thursday": only in months that have one), or Outlook's
        # "working day", "weekend day" and "day", counted with BYSETPOS.
        fields["weekdays"] = draw(
            st.one_of(st.tuples(st.integers(0, 6)), st.sampled_from(DAY_SETS))
        )
        fields["nth"] = draw(st.sampled_from([1, 2, 3, 4, 5, -1]))
    start_date = draw(st.dates(date(2025, 1, 1), date(2026, 11, 30)))
    end = "never" if frequency == "once" else draw(st.sampled_from(["never", "count", "until"]))
    if end == "count":
        fields["count"] = draw(st.integers(1, 80))
    elif end == "until":
        fields["until"] = start_date + timedelta(days=draw(st.integers(0, 700)))
    local_time = draw(
        st.one_of(
            st.sampled_from(TRICKY_TIMES),
            st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
        )
    )
    return {
        **fields,
        "start_date": start_date,
        "local_time": local_time,
        "timezone_name": draw(st.sampled_from(ZONES)),
        "duration": timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90]))),
    }


def is_dst_day(instant: datetime, zone: str) -> bool:
    """Whether the local date of `instant` has a clock change (where the tricky times are)."""
    tz = ZoneInfo(zone)
    day = instant.astimezone(tz).date()
    offsets = {
        datetime.combine(day, time(hour), tzinfo=tz).utcoffset() for hour in range(0, 24, 3)
    } | {datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).utcoffset()}
    return len(offsets) > 1


def app_starts(series: CheckInSeries) -> list[datetime]:
    """What the app lists for the window (the API's occurrences view uses this selector)."""
    listed = selectors.occurrences_between_for(
        series=series, window_start=WINDOW[0], window_end=WINDOW[1]
    )
    return sorted(occ.start for occ in listed if occ.status != OccurrenceStatus.SKIPPED)


def change_some(data: st.DataObject, membership: Membership, series: CheckInSeries) -> None:
    """Skip and move a few future occurrences, preferring those on a clock-change day."""
    future = [s for s in app_starts(series) if s > NOW]
    on_dst_days = [s for s in future if is_dst_day(s, series.timezone)]
    candidates = on_dst_days + future  # indices into the clock-change days come first
    if not candidates:
        return
    bound = len(on_dst_days) - 1 if on_dst_days else len(candidates) - 1
    index = st.one_of(st.integers(0, bound), st.integers(0, len(candidates) - 1))
    chosen = {candidates[i] for i in data.draw(st.lists(index, max_size=4), label="touched")}
    for start in sorted(chosen):
        if data.draw(st.booleans(), label="skip (else move)"):
            services.occurrence_skip(membership=membership, series_id=series.pk, start=start)
            event("skipped an occurrence")
            continue
        hours = data.draw(st.integers(1, 72), label="move by hours") * data.draw(
            st.sampled_from([1, -1]), label="later (else earlier)"
        )
        try:
            services.occurrence_move(
                membership=membership,
                series_id=series.pk,
                start=start,
                to=start + timedelta(hours=hours),
            )
            event("moved an occurrence")
        except DomainError:
            pass  # onto another occurrence, or into the past: refused, nothing changed


def uid_of(series: CheckInSeries) -> str:
    """The feed's UID without its host part (which comes from a setting)."""
    return f"checkin-series-{series.pk}"


def expanded_starts(ics: bytes) -> dict[str, list[datetime]]:
    """UTC starts per UID (without host) that recurring_ical_events computes in the window."""
    cal = Calendar.from_ical(ics)
    # Wider than the window, since the expander also returns events that merely overlap it.
    found = recurring_ical_events.of(cal).between(
        WINDOW[0] - timedelta(days=3), WINDOW[1] + timedelta(days=3)
    )
    by_uid: dict[str, list[datetime]] = defaultdict(list)
    for component in found:
        start = component.decoded("DTSTART")
        assert isinstance(start, datetime) and start.tzinfo is not None
        start = start.astimezone(UTC)
        if WINDOW[0] <= start < WINDOW[1]:
            by_uid[str(component["UID"]).partition("@")[0]].append(start)
    return {uid: sorted(starts) for uid, starts in by_uid.items()}


def feed_of(person: User) -> bytes:
    """The person's private feed, fetched like a calendar app does: by token, no login."""
    token = client_for(person).post("/api/v1/calendar/feed/").data["token"]
    response = APIClient().get(f"/api/v1/calendar/{token}.ics")
    assert response.status_code == 200
    return response.content


def assert_feed_agrees(person: User, created: list[CheckInSeries]) -> None:
    expanded = expanded_starts(feed_of(person))
    assert set(expanded) <= {uid_of(series) for series in created}
    for series in created:
        listed = app_starts(series)
        found = expanded.get(uid_of(series), [])
        # The disagreements first, so a failure names the instants that differ.
        assert (sorted(set(found) - set(listed)), sorted(set(listed) - set(found))) == ([], [])
        assert found == listed  # and nothing twice


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(recurrences(), min_size=1, max_size=2), data=st.data())
def test_the_feed_expands_to_the_instants_the_app_lists(
    specs: list[dict[str, object]], data: st.DataObject
) -> None:
    # One savepoint per example, rolled back, so examples never see each other's rows.
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        leader, assistant = UserFactory(), UserFactory()
        tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
        membership = tandem.memberships.get(user=leader)
        created = []
        for spec in specs:
            try:
                series = series_for(membership, **spec)  # type: ignore[arg-type]
            except DomainError:
                reject()  # e.g. a monthly date the visited months never have
            change_some(data, membership, series)
            created.append(series)

        assert_feed_agrees(assistant, created)
        for series in created:
            event(f"{len(app_starts(series)) // 100 * 100}+ occurrences in the window")
        transaction.set_rollback(True)


@pytest.fixture
def now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_an_occurrence_moved_into_the_repeated_hour_is_published_in_utc(
    pair: Pair, now: None
) -> None:
    # New York falls back on 2026-11-01: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    series = series_for(
        pair.leader_membership,
        frequency="daily",
        weekdays=(),
        start_date=date(2026, 10, 30),
        count=5,
        local_time=time(1, 30),
        timezone_name="America/New_York",
    )
    first_pass, second_pass = (datetime(2026, 11, 1, h, 30, tzinfo=UTC) for h in (5, 6))
    services.occurrence_move(
        membership=pair.leader_membership, series_id=series.pk, start=first_pass, to=second_pass
    )

    override = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")[1]

    # "01:30;TZID=America/New_York" would mean the first pass (RFC 5545, 3.3.5): an hour early.
    assert override["DTSTART"].to_ical() == b"20261101T063000Z"
    assert override["RECURRENCE-ID"].to_ical() == b"20261101T013000"
    assert override["RECURRENCE-ID"].params["TZID"] == "America/New_York"
    assert second_pass in app_starts(series)
    assert_feed_agrees(pair.assistant, [series])


@pytest.mark.parametrize(
    ("timezone_name", "day", "wall"),
    [
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30)),  # gap: happens at 03:30 CEST
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30)),  # twice: the first, 02:30 CEST
        ("America/New_York", date(2026, 3, 8), time(2, 30)),  # gap
        ("Australia/Sydney", date(2026, 10, 4), time(2, 30)),  # gap (southern spring)
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30)),  # twice
    ],
)
def test_skipping_and_moving_on_a_clock_change_day_agree_with_the_expander(
    pair: Pair, now: None, timezone_name: str, day: date, wall: time
) -> None:
    series = series_for(
        pair.leader_membership,
        frequency="daily",
        weekdays=(),
        start_date=day - timedelta(days=2),
        count=7,
        local_time=wall,
        timezone_name=timezone_name,
    )
    starts = app_starts(series)
    (on_the_day,) = (i for i, start in enumerate(starts) if is_dst_day(start, timezone_name))
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=starts[on_the_day]
    )
    day_after = starts[on_the_day + 1]
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=day_after,
        to=day_after + timedelta(hours=5),
    )

    assert_feed_agrees(pair.assistant, [series])
