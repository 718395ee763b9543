"""Series at the end of the accepted years (1900-2100, `apps.core.dates`): what can be stored
is represented everywhere, what cannot is refused at creation naming the right field, and a
series stored before the bound never breaks a person's feed or a list.

A daily series from 9999-12-31 23:00 for 24 hours was once accepted; then both members'
calendar feeds and its occurrence list failed, and its error named `month_day` ("day None
never occurs…") though the request had none.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from apps.checkins.models import CheckInSeries
from apps.checkins.recurrence import Recurrence, RecurrenceError, to_rrule
from apps.checkins.services.common import _timing
from apps.core.errors import DomainError
from tests.apps.checkins.conftest import url
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

DAILY_24H: dict[str, Any] = {
    "title": "Night shift",
    "frequency": "daily",
    "local_time": "23:00",
    "duration_minutes": 24 * 60,
}


def _feed(client: Any) -> Calendar:
    token = client.post("/api/v1/calendar/feed/").data["token"]
    response = client.get(f"/api/v1/calendar/{token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _summaries(calendar: Calendar) -> set[str]:
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


def _page(pair: Pair) -> int:
    client = Client()
    client.force_login(pair.assistant)
    return client.get(f"/t/{pair.tandem.pk}/check-ins/").status_code


# --- at the bound: stored, and shown everywhere -----------------------------------------------


@pytest.mark.parametrize("zone", ["Etc/GMT+12", "Pacific/Kiritimati", "UTC"])
def test_a_daily_24_hour_series_from_the_last_accepted_day_works_everywhere(
    pair: Pair, zone: str
) -> None:
    """23:00 on 2100-12-31 is in 2101 in UTC west of Greenwich, and lasts into 2101."""
    created = pair.leader_client.post(
        url(pair, "checkins/"),
        {**DAILY_24H, "start_date": "2100-12-31", "timezone": zone},
        format="json",
    )
    assert created.status_code == 201, created.json()
    series = created.json()["id"]

    listed = pair.assistant_client.get(url(pair, f"checkins/{series}/occurrences/?next=3"))
    window = pair.assistant_client.get(
        url(pair, f"checkins/{series}/occurrences/"),
        {"from": "2100-12-30T00:00:00Z", "to": "2101-01-05T00:00:00Z"},
    )
    single = pair.assistant_client.get(url(pair, f"checkins/{series}/calendar.ics"))

    assert (listed.status_code, window.status_code, single.status_code) == (200, 200, 200)
    # One meeting: the rule produces nothing after the last accepted day.
    assert [o["local_start"][:16] for o in listed.json()] == ["2100-12-31T23:00"]
    assert listed.json() == window.json()
    assert "Night shift" in " ".join(_summaries(_feed(pair.assistant_client)))
    assert _page(pair) == 200


def test_the_feed_defines_the_timezone_for_a_series_beyond_its_horizon(
    pair: Pair, traveller: object
) -> None:
    """A series starting after the feed's 30-year horizon got a VTIMEZONE that ended before it
    began (2098 to 2058): no observances at all, so clients guessed the offset."""
    series_for(pair.leader_membership, title="Far", start_date=date(2099, 6, 1), weekdays=(0,))

    calendar = _feed(pair.assistant_client)

    (berlin,) = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == "Europe/Berlin"]
    years = {
        rdate.dt.year
        for observance in berlin.subcomponents
        for rdates in (observance.get("RDATE") or [])
        for rdate in (rdates.dts if hasattr(rdates, "dts") else [rdates])
    } | {observance["DTSTART"].dt.year for observance in berlin.subcomponents}
    assert 2099 in years


# --- beyond the bound: refused at creation, naming the field -----------------------------------

FIRST_AFTER = "The first meeting would be on {}, after 2100-12-31."


@pytest.mark.parametrize(
    ("timing", "first"),
    [
        ({"frequency": "weekly", "weekdays": [0]}, "2101-01-03"),  # 2100-12-31 is a Friday
        ({"frequency": "monthly_by_date", "month_day": 1}, "2101-01-01"),
        ({"frequency": "monthly_by_weekday", "weekdays": [0], "nth": 1}, "2101-01-03"),
        ({"frequency": "yearly_by_date", "month": 3, "month_day": 1}, "2101-03-01"),
    ],
)
def test_a_series_whose_first_meeting_is_after_the_bound_is_refused_on_its_start(
    pair: Pair, timing: dict[str, Any], first: str
) -> None:
    body = {**DAILY_24H, **timing, "start_date": "2100-12-31", "timezone": "Europe/Berlin"}

    response = pair.leader_client.post(url(pair, "checkins/"), body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"start_date": [FIRST_AFTER.format(first)]},
    )
    assert not CheckInSeries.objects.exists()


def test_a_new_timing_whose_first_meeting_is_after_the_bound_is_refused_on_from_date(
    pair: Pair, series: CheckInSeries
) -> None:
    body = {
        "frequency": "weekly",
        "weekdays": [0],
        "local_time": "09:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 30,
        "from_date": "2100-12-31",
    }

    for path in ("reschedule/preview/", "reschedule/"):
        response = pair.leader_client.post(
            url(pair, f"checkins/{series.pk}/{path}"), body, format="json"
        )
        assert (response.status_code, response.json()) == (
            400,
            {"from_date": [FIRST_AFTER.format("2101-01-03")]},
        )
    assert CheckInSeries.objects.count() == 1


def test_a_start_with_no_date_after_it_names_the_start_not_month_day() -> None:
    """The end of the calendar (9999-12-31 is a Friday; no Monday follows) is what a start
    before the bound can never reach; the message was "day None never occurs…"."""
    with pytest.raises(RecurrenceError) as refused:
        to_rrule(Recurrence("weekly", weekdays=(0,)), start=date(9999, 12, 31))

    assert (refused.value.field, refused.value.message) == (
        "start_date",
        "the series has no date on or after this one",
    )


@pytest.mark.parametrize("start_field", ["start_date", "from_date"])
def test_the_services_name_the_requests_own_field_for_the_first_date(start_field: str) -> None:
    with pytest.raises(DomainError) as refused:
        _timing(
            recurrence=Recurrence("weekly", weekdays=(0,)),
            start_date=date(9999, 12, 31),
            local_time=time(9, 0),
            timezone_name="UTC",
            start_field=start_field,
        )

    assert refused.value.field == start_field
    assert "None" not in refused.value.message


# --- stored before the bound: never breaks a feed or a list ------------------------------------


def test_a_series_stored_from_9999_breaks_no_feed_list_or_page(
    pair: Pair, series: CheckInSeries
) -> None:
    bad = series_for(pair.leader_membership, title="Broken", frequency="daily", weekdays=())
    CheckInSeries.objects.filter(pk=bad.pk).update(
        start_date=date(9999, 12, 31), local_time=time(23, 0), duration=timedelta(hours=24)
    )

    for client in (pair.leader_client, pair.assistant_client):
        assert _summaries(_feed(client)) == {f"Weekly check-in ({pair.tandem.name})"}
    own = pair.assistant_client.get(url(pair, f"checkins/{bad.pk}/occurrences/?next=3"))
    window = pair.assistant_client.get(
        url(pair, f"checkins/{bad.pk}/occurrences/"),
        {"from": "2026-03-01T00:00:00Z", "to": "2027-03-01T00:00:00Z"},
    )
    single = pair.assistant_client.get(url(pair, f"checkins/{bad.pk}/calendar.ics"))
    others = pair.assistant_client.get(url(pair, f"checkins/{series.pk}/occurrences/?next=3"))

    assert (own.status_code, own.json()) == (200, [])
    assert (window.status_code, window.json()) == (200, [])
    assert single.status_code == 200 and b"SUMMARY:Broken" not in single.content
    assert others.status_code == 200 and len(others.json()) == 3
    assert _page(pair) == 200
