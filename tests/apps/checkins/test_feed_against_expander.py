"""The app's occurrences against two independent RFC 5545 expanders reading the app's own feed.

Each example creates one or two series through the services (any shape, timezone and wall
time, including times inside a DST gap or overlap, with COUNT and UNTIL ends, one-off
meetings), skips and moves some future occurrences, may stop a series, renders the person's
private iCalendar feed through the real view, and expands it with two client libraries that
share no code: `recurring_ical_events` (Python, on `icalendar` and the tz database) and
Mozilla's ical.js (JavaScript, Thunderbird's, which knows only the feed's own VTIMEZONEs).
For a two-year window (the past half of it included) the UTC instants each library finds for
a series must be exactly the starts the app lists for it (skipped ones left out, moved ones
at their new time, a stopped series' meetings up to the stop only), and every instance must
last the series' duration. So a calendar that subscribes to the feed shows the times the app
shows and reminds about.
"""

from __future__ import annotations

import os
from calendar import monthrange
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, event, given, note, reject, settings
from hypothesis import strategies as st
from icalendar import Calendar

from apps.accounts.models import User
from apps.checkins import services
from apps.checkins.feeds import HORIZON_YEARS
from apps.checkins.models import CheckInSeries
from apps.core.errors import DomainError
from apps.tandems.models import Membership
from tests.apps.checkins import icaljs
from tests.apps.checkins.feed_clients import (
    CLIENTS,
    NOW,
    app_starts,
    assert_feed_agrees,
    feed_of,
    instances_in,
    uid_of,
)
from tests.apps.checkins.icaljs import Instance
from tests.conftest import Pair
from tests.factories import TandemFactory, UserFactory
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

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
        fields["count"] = draw(st.one_of(st.just(1), st.integers(1, 80)))  # 1: a one-off
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
        # Long ones run over a clock change at night; 24 hours always does on that day.
        "duration": timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90, 120, 180, 1440]))),
    }


def is_dst_day(instant: datetime, zone: str) -> bool:
    """Whether the local date of `instant` has a clock change (where the tricky times are)."""
    tz = ZoneInfo(zone)
    day = instant.astimezone(tz).date()
    offsets = {
        datetime.combine(day, time(hour), tzinfo=tz).utcoffset() for hour in range(0, 24, 3)
    } | {datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).utcoffset()}
    return len(offsets) > 1


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


@settings(
    # 40 fixed examples keep CI deterministic (as the fuzzing does); TANDEM_FEED_EXAMPLES=500
    # searches harder, with fresh random examples each run.
    max_examples=int(os.environ.get("TANDEM_FEED_EXAMPLES", "40")),
    derandomize="TANDEM_FEED_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
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
            note(
                f"series {series.pk}: {series.rule} from {series.start_date} {series.local_time}"
                f" {series.timezone} for {series.duration}"
            )
            change_some(data, membership, series)
            if data.draw(st.integers(0, 4), label="stop (0)") == 0:
                services.series_update(membership=membership, series_id=series.pk, active=False)
                event("stopped a series")
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


# --- regressions, each in both clients -------------------------------------------------------


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def instances_of(person: User, series: CheckInSeries, client: str) -> list[Instance]:
    return instances_in(feed_of(person), client).get(uid_of(series), [])


def test_every_repeat_of_a_series_whose_first_meeting_spans_the_clock_change_lasts_its_duration(
    pair: Pair, now: None
) -> None:
    # Sunday 29 March 2026, 01:30 in Berlin: the clocks jump from 02:00 to 03:00 during it.
    series = series_for(
        pair.leader_membership,
        weekdays=(6,),
        start_date=date(2026, 3, 29),
        count=3,
        local_time=time(1, 30),
        duration=timedelta(hours=2),
    )

    for client in CLIENTS:
        assert instances_of(pair.assistant, series, client) == [
            (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2, 30)),
            (utc(2026, 4, 5, 23, 30) - timedelta(days=1), utc(2026, 4, 5, 1, 30)),
            (utc(2026, 4, 11, 23, 30), utc(2026, 4, 12, 1, 30)),
        ], client


def test_a_daily_meeting_of_24_hours_lasts_24_hours_on_the_clock_change_days(
    pair: Pair, now: None
) -> None:
    series = series_for(
        pair.leader_membership,
        frequency="daily",
        weekdays=(),
        start_date=date(2026, 3, 27),
        until=date(2026, 11, 1),
        local_time=time(12, 0),
        duration=timedelta(hours=24),
    )

    assert_feed_agrees(pair.assistant, [series])


def test_a_stopped_series_keeps_its_past_and_drops_its_future(pair: Pair, now: None) -> None:
    series = series_for(pair.leader_membership, start_date=date(2025, 12, 1))  # Mondays 09:00

    services.series_update(membership=pair.leader_membership, series_id=series.pk, active=False)

    mondays = [utc(2025, 12, day, 8) for day in (1, 8, 15, 22, 29)]
    for client in CLIENTS:
        assert instances_of(pair.assistant, series, client) == [
            (start, start + timedelta(minutes=30)) for start in mondays
        ], client
    assert_feed_agrees(pair.assistant, [series])
    (master,) = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20260101T000000Z;BYDAY=MO"


def test_a_stopped_series_ends_even_with_a_count_and_a_restarted_one_runs_again(
    pair: Pair, now: None
) -> None:
    series = series_for(pair.leader_membership, start_date=date(2025, 12, 1), count=10)
    services.series_update(membership=pair.leader_membership, series_id=series.pk, active=False)

    (master,) = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20260101T000000Z;BYDAY=MO"
    assert_feed_agrees(pair.assistant, [series])

    services.series_update(membership=pair.leader_membership, series_id=series.pk, active=True)

    (master,) = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=10;BYDAY=MO"
    for client in CLIENTS:
        assert len(instances_of(pair.assistant, series, client)) == 10, client


def test_a_series_stopped_before_its_first_meeting_leaves_the_feed(
    pair: Pair, now: None, series: CheckInSeries
) -> None:
    kept = series_for(pair.leader_membership, title="Kept")
    services.series_update(membership=pair.leader_membership, series_id=series.pk, active=False)

    assert [
        str(e["SUMMARY"]) for e in Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")
    ] == [f"Kept ({pair.tandem.name})"]
    assert_feed_agrees(pair.assistant, [series, kept])


def test_a_meeting_moved_before_the_stop_from_a_later_slot_stays(pair: Pair) -> None:
    with time_machine.travel(utc(2025, 12, 10), tick=False):
        series = series_for(pair.leader_membership, start_date=date(2025, 12, 1))
        # Monday 22 December moved to Friday 19th, then the series is stopped on the 20th.
        services.occurrence_move(
            membership=pair.leader_membership,
            series_id=series.pk,
            start=utc(2025, 12, 22, 8),
            to=utc(2025, 12, 19, 8),
        )
    with time_machine.travel(utc(2025, 12, 20), tick=False):
        services.series_update(membership=pair.leader_membership, series_id=series.pk, active=False)

        starts = [utc(2025, 12, day, 8) for day in (1, 8, 15, 19)]
        for client in CLIENTS:
            assert [s for s, _e in instances_of(pair.assistant, series, client)] == starts, client
        assert app_starts(series) == starts
        assert_feed_agrees(pair.assistant, [series])


def test_a_meeting_in_2040_is_at_its_local_time_in_both_clients(pair: Pair, now: None) -> None:
    # The VTIMEZONE used to end in 2038, after which ical.js kept winter time all year.
    series = series_for(pair.leader_membership)  # Mondays 09:00 Berlin, no end
    ics = feed_of(pair.assistant)

    july = (utc(2040, 7, 1), utc(2040, 7, 8))
    by_icaljs = icaljs.expand(ics, *july)[f"{uid_of(series)}@tandem.local"]
    by_python = recurring_ical_events.of(Calendar.from_ical(ics)).between(*july)

    assert by_icaljs == [(utc(2040, 7, 2, 7), utc(2040, 7, 2, 7, 30))]
    assert [(e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in by_python] == by_icaljs
    (vtimezone,) = Calendar.from_ical(ics).walk("VTIMEZONE")
    last_change = max(rdate.dts[0].dt for rdate in vtimezone.walk("DAYLIGHT")[0]["RDATE"])
    assert last_change.year >= 2026 + HORIZON_YEARS


def test_a_spring_forward_meeting_skipped_stays_skipped_in_both_clients(
    pair: Pair, now: None
) -> None:
    # 02:30 does not exist in Berlin on 2026-03-29; the meeting happens at 03:30 CEST.
    series = series_for(
        pair.leader_membership,
        frequency="daily",
        weekdays=(),
        start_date=date(2026, 3, 27),
        count=5,
        local_time=time(2, 30),
    )
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=utc(2026, 3, 29, 1, 30)
    )

    (master,) = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")
    assert master["EXDATE"].to_ical() == b"20260329T023000"  # the wall time the rule produces
    for client in CLIENTS:
        assert [s for s, _e in instances_of(pair.assistant, series, client)] == [
            utc(2026, 3, 27, 1, 30),
            utc(2026, 3, 28, 1, 30),
            utc(2026, 3, 30, 0, 30),
            utc(2026, 3, 31, 0, 30),
        ], client


def test_a_spring_forward_meeting_moved_shows_once_in_both_clients(pair: Pair, now: None) -> None:
    series = series_for(
        pair.leader_membership,
        frequency="daily",
        weekdays=(),
        start_date=date(2026, 3, 27),
        count=5,
        local_time=time(2, 30),
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=utc(2026, 3, 29, 1, 30),
        to=utc(2026, 3, 29, 10),
    )

    override = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")[1]
    assert override["RECURRENCE-ID"].to_ical() == b"20260329T023000"
    for client in CLIENTS:
        assert [s for s, _e in instances_of(pair.assistant, series, client)] == [
            utc(2026, 3, 27, 1, 30),
            utc(2026, 3, 28, 1, 30),
            utc(2026, 3, 29, 10),
            utc(2026, 3, 30, 0, 30),
            utc(2026, 3, 31, 0, 30),
        ], client


def test_a_one_off_meeting_is_a_plain_event(pair: Pair, now: None) -> None:
    one_off = series_for(
        pair.leader_membership,
        frequency="daily",
        weekdays=(),
        start_date=date(2026, 1, 8),
        count=1,
        local_time=time(15, 0),
    )

    (event,) = Calendar.from_ical(feed_of(pair.assistant)).walk("VEVENT")
    assert "RRULE" not in event
    assert "RECURRENCE-ID" not in event
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        datetime(2026, 1, 8, 15, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2026, 1, 8, 15, 30, tzinfo=ZoneInfo("Europe/Berlin")),
    )
    assert_feed_agrees(pair.assistant, [one_off])


def test_a_one_off_meeting_moved_is_at_its_new_time_and_skipped_leaves(
    pair: Pair, now: None
) -> None:
    # Two single meetings an hour apart (one on top of the other would be refused).
    one_off, skipped = (
        series_for(
            pair.leader_membership,
            title=title,
            frequency="daily",
            weekdays=(),
            start_date=date(2026, 1, 8),
            count=1,
            local_time=time(hour, 0),
        )
        for title, hour in (("Moved", 15), ("Skipped", 16))
    )
    at = utc(2026, 1, 8, 14)
    services.occurrence_move(
        membership=pair.leader_membership, series_id=one_off.pk, start=at, to=at + timedelta(days=1)
    )
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=skipped.pk, start=at + timedelta(hours=1)
    )

    for client in CLIENTS:
        assert instances_in(feed_of(pair.assistant), client) == {
            uid_of(one_off): [(utc(2026, 1, 9, 14), utc(2026, 1, 9, 14, 30))]
        }, client
    assert_feed_agrees(pair.assistant, [one_off, skipped])


def test_meetings_in_the_repeated_hour_are_at_their_first_pass_in_both_clients(
    pair: Pair, now: None
) -> None:
    # Berlin falls back on 2026-10-25: 02:30 happens at 00:30 and 01:30 UTC; the rule means
    # the first. A 01:30 meeting of 30 minutes ends at 02:00 CEST, the first pass too.
    at_0230, at_0130 = (
        series_for(
            pair.leader_membership,
            title=str(wall),
            frequency="daily",
            weekdays=(),
            start_date=date(2026, 10, 24),
            count=3,
            local_time=wall,
        )
        for wall in (time(2, 30), time(1, 30))
    )

    for client in CLIENTS:
        assert instances_of(pair.assistant, at_0230, client)[1] == (
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 0),
        ), client
        assert instances_of(pair.assistant, at_0130, client)[1] == (
            utc(2026, 10, 24, 23, 30),
            utc(2026, 10, 25, 0, 0),
        ), client
    assert_feed_agrees(pair.assistant, [at_0230, at_0130])
