from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from apps.checkins import services
from apps.checkins.models import CheckInSeries
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def feed(pair: Pair) -> tuple[str, Calendar]:
    created = pair.assistant_client.post("/api/v1/calendar/feed/")
    assert created.status_code == 201
    path = f"/api/v1/calendar/{created.data['token']}.ics"
    response = pair.assistant_client.generic("GET", path)  # no login needed; see below
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return path, Calendar.from_ical(response.content)


def test_the_feed_has_the_rule_the_exdate_and_the_moved_override(
    pair: Pair, series: CheckInSeries, api_client: object
) -> None:
    second = FIRST + timedelta(weeks=1)
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=FIRST)
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=second,
        to=second + timedelta(days=1),
    )

    _path, cal = feed(pair)

    events = cal.walk("VEVENT")
    master, override = events
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert master.decoded("DTSTART") == datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)]
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID") == datetime(2026, 3, 9, 9, 0, tzinfo=BERLIN)
    assert override.decoded("DTSTART") == datetime(2026, 3, 10, 9, 0, tzinfo=BERLIN)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_until_is_published_in_utc(pair: Pair, traveller: object) -> None:
    series_for(pair.leader_membership, until=date(2026, 3, 30))

    _path, cal = feed(pair)

    rule = cal.walk("VEVENT")[0]["RRULE"]
    assert (rule["FREQ"], rule["BYDAY"], rule["UNTIL"]) == (
        ["WEEKLY"],
        ["MO"],
        [datetime(2026, 3, 30, 21, 59, 59, tzinfo=UTC)],
    )


def test_the_feed_needs_no_login_and_a_revoked_token_is_404(
    pair: Pair, series: CheckInSeries
) -> None:
    from rest_framework.test import APIClient

    path, _cal = feed(pair)
    anonymous = APIClient()
    assert anonymous.get(path).status_code == 200

    assert pair.assistant_client.delete("/api/v1/calendar/feed/").status_code == 204

    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/api/v1/calendar/not-a-token.ics").status_code == 404


def test_regenerating_replaces_the_old_url(pair: Pair, series: CheckInSeries) -> None:
    from rest_framework.test import APIClient

    old, _cal = feed(pair)
    new, _cal = feed(pair)

    assert APIClient().get(old).status_code == 404
    assert APIClient().get(new).status_code == 200


def test_the_feed_lists_only_the_persons_tandems(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    series_for(other_pair.leader_membership, title="Theirs")

    _path, cal = feed(pair)

    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == [
        f"Weekly check-in ({pair.tandem.name})"
    ]


def test_a_single_series_downloads_as_ics(pair: Pair, series: CheckInSeries) -> None:
    response = pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/checkins/{series.pk}/calendar.ics"
    )

    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


def test_a_meeting_across_the_dst_change_lasts_its_duration_in_the_feed(pair: Pair) -> None:
    # Sunday 29 March 2026, 01:30 in Berlin: the clocks jump from 02:00 to 03:00 during it.
    series_for(
        pair.leader_membership,
        weekdays=(6,),
        start_date=date(2026, 3, 29),
        local_time=time(1, 30),
        duration=timedelta(hours=2),
    )

    _path, cal = feed(pair)

    (master,) = cal.walk("VEVENT")
    start, end = master.decoded("DTSTART"), master.decoded("DTEND")
    assert start == datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=2)
    assert end == datetime(2026, 3, 29, 4, 30, tzinfo=BERLIN)
