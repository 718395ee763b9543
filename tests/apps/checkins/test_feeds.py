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

    master, first, *_later = cal.walk("VEVENT")
    # An exact DURATION for every repeat: DTEND 04:30 would make each of them 3 hours long.
    assert "DTEND" not in master
    assert master["DURATION"].to_ical() == b"PT2H"
    assert master.decoded("DTSTART") == datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    # The first one itself runs over the change, so it is spelled out with its real end.
    assert first.decoded("RECURRENCE-ID") == datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    assert (first.decoded("DTSTART"), first.decoded("DTEND")) == (
        datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN),
        datetime(2026, 3, 29, 4, 30, tzinfo=BERLIN),
    )


def test_a_24_hour_meeting_is_published_as_24_exact_hours(pair: Pair, traveller: object) -> None:
    series = series_for(pair.leader_membership, duration=timedelta(hours=24))

    response = pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/checkins/{series.pk}/calendar.ics"
    )

    assert b"\r\nDURATION:PT24H\r\n" in response.content  # "P1D" lasts 23 hours in March


def test_sequence_and_last_modified_follow_every_change_a_calendar_shows(
    pair: Pair, series: CheckInSeries
) -> None:
    second = FIRST + timedelta(weeks=1)
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=FIRST)
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=second,
        to=second + timedelta(hours=2),
    )
    renamed = pair.leader_client.patch(
        f"/api/v1/tandems/{pair.tandem.pk}/checkins/{series.pk}/", {"title": "Weekly sync"}
    )
    assert renamed.status_code == 200
    series.refresh_from_db()

    _path, cal = feed(pair)

    master, override = cal.walk("VEVENT")
    assert [event["SEQUENCE"] for event in (master, override)] == [3, 3]
    modified = series.updated_at.astimezone(UTC).replace(microsecond=0)
    assert [event.decoded("LAST-MODIFIED") for event in (master, override)] == [modified] * 2
    assert str(master["SUMMARY"]) == f"Weekly sync ({pair.tandem.name})"


def test_the_time_zone_definitions_span_the_series(pair: Pair, traveller: object) -> None:
    series_for(pair.leader_membership, start_date=date(2024, 6, 3), until=date(2044, 6, 27))

    _path, cal = feed(pair)

    (vtimezone,) = cal.walk("VTIMEZONE")
    changes = [
        rdate.dts[0].dt
        for observance in vtimezone.subcomponents
        for rdate in observance.get("RDATE", [])
    ] + [observance.decoded("DTSTART") for observance in vtimezone.subcomponents]
    assert min(changes) <= datetime(2024, 1, 1)
    assert max(changes) >= datetime(2045, 10, 1)
    # One transition per RDATE line: ical.js reads only the first value of a list.
    assert all(len(rdate.dts) == 1 for o in vtimezone.subcomponents for rdate in o.get("RDATE", []))
