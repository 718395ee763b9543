"""The recurrence shapes people pick in Outlook and Google, and one-off meetings, through the
API: each is created, stored as its RRULE, read back with the fields it was created with,
listed on the right dates, and every other shape is refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from apps.checkins.models import CheckInSeries
from apps.checkins.presenters import rhythm_text
from tests.apps.checkins.conftest import url
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

TIMING = {
    "title": "Check-in",
    "start_date": "2026-03-01",
    "local_time": "09:00",
    "timezone": "UTC",
    "duration_minutes": 30,
}

SHAPES = [
    pytest.param(
        {"frequency": "once", "start_date": "2026-03-05"},
        "FREQ=DAILY;COUNT=1",
        "2026-03-05",
        ["2026-03-05"],
        id="once",
    ),
    pytest.param(
        {"frequency": "monthly_by_date", "month_day": -1},
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "2026-03-31",
        ["2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"],
        id="monthly-last-day",
    ),
    pytest.param(
        {"frequency": "monthly_by_weekday", "nth": 5, "weekdays": [0]},
        "FREQ=MONTHLY;BYDAY=5MO",
        "2026-03-30",
        ["2026-03-30", "2026-06-29", "2026-08-31", "2026-11-30"],
        id="monthly-fifth-monday",
    ),
    pytest.param(
        {"frequency": "monthly_by_weekday", "nth": -1, "weekdays": [0, 1, 2, 3, 4]},
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "2026-03-31",
        ["2026-03-31", "2026-04-30", "2026-05-29", "2026-06-30"],
        id="monthly-last-working-day",
    ),
    pytest.param(
        {"frequency": "monthly_by_weekday", "nth": 2, "weekdays": [5, 6]},
        "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=2",
        "2026-03-07",
        ["2026-03-07", "2026-04-05", "2026-05-03", "2026-06-07"],
        id="monthly-second-weekend-day",
    ),
    pytest.param(
        {"frequency": "yearly_by_date", "month": 2, "month_day": 29},
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "2028-02-29",
        ["2028-02-29", "2032-02-29", "2036-02-29", "2040-02-29"],
        id="yearly-29-february",
    ),
    pytest.param(
        {"frequency": "yearly_by_weekday", "month": 11, "nth": 4, "weekdays": [3], "count": 3},
        "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=3",
        "2026-11-26",
        ["2026-11-26", "2027-11-25", "2028-11-23"],
        id="yearly-fourth-thursday-of-november",
    ),
]


@pytest.mark.parametrize(("shape", "rule", "start", "dates"), SHAPES)
def test_a_shape_is_stored_as_its_rule_and_listed_on_its_dates(
    pair: Pair, traveller: object, shape: dict[str, object], rule: str, start: str, dates: list[str]
) -> None:
    created = pair.leader_client.post(url(pair, "checkins/"), {**TIMING, **shape}, format="json")

    assert created.status_code == 201, created.data
    assert (created.data["rule"], created.data["start_date"]) == (rule, start)
    listed = pair.leader_client.get(
        url(pair, f"checkins/{created.data['id']}/occurrences/"), {"next": 4}
    )
    assert [occ["start"][:10] for occ in listed.data] == dates


@pytest.mark.parametrize(("shape", "rule", "start", "dates"), SHAPES)
def test_a_series_reads_back_with_the_fields_it_was_created_with(
    pair: Pair, traveller: object, shape: dict[str, object], rule: str, start: str, dates: list[str]
) -> None:
    created = pair.leader_client.post(url(pair, "checkins/"), {**TIMING, **shape}, format="json")
    read = pair.leader_client.get(url(pair, f"checkins/{created.data['id']}/")).data
    timing = ("frequency", "interval", "weekdays", "month_day", "nth", "month", "count", "until")

    # Sending what was read creates the same rule again (an hour later, since a single
    # meeting is not planned onto another one).
    again = pair.leader_client.post(
        url(pair, "checkins/"),
        {
            **TIMING,
            "local_time": "11:00",
            "start_date": read["start_date"],
            **{key: read[key] for key in timing},
        },
        format="json",
    )

    assert again.status_code == 201, again.data
    assert again.data["rule"] == rule
    assert {key: again.data[key] for key in timing} == {key: read[key] for key in timing}


def test_a_one_off_meeting_reads_back_as_once(pair: Pair, traveller: object) -> None:
    created = pair.leader_client.post(
        url(pair, "checkins/"),
        {**TIMING, "frequency": "once", "start_date": "2026-03-05"},
        format="json",
    )

    assert created.status_code == 201
    read = pair.leader_client.get(url(pair, f"checkins/{created.data['id']}/")).data
    assert {key: read[key] for key in ("frequency", "interval", "weekdays", "count")} == {
        "frequency": "once",
        "interval": 1,
        "weekdays": [],
        "count": 1,
    }
    assert (read["start_date"], read["last_date"]) == ("2026-03-05", "2026-03-05")
    upcoming = pair.leader_client.get(
        url(pair, f"checkins/{created.data['id']}/occurrences/"), {"next": 5}
    )
    assert [occ["start"] for occ in upcoming.data] == ["2026-03-05T09:00:00Z"]


def test_a_daily_series_of_one_is_a_one_off(pair: Pair, traveller: object) -> None:
    created = pair.leader_client.post(
        url(pair, "checkins/"), {**TIMING, "frequency": "daily", "count": 1}, format="json"
    )

    assert (created.data["frequency"], created.data["rule"]) == ("once", "FREQ=DAILY;COUNT=1")


def test_a_one_off_can_be_moved_to_another_day_before_it(pair: Pair, traveller: object) -> None:
    created = pair.leader_client.post(
        url(pair, "checkins/"),
        {**TIMING, "frequency": "once", "start_date": "2026-03-12"},
        format="json",
    )

    moved = pair.leader_client.post(
        url(pair, f"checkins/{created.data['id']}/occurrences/2026-03-12T09:00:00Z/move/"),
        {"to": "2026-03-10T15:00:00Z"},
        format="json",
    )

    assert moved.status_code == 200, moved.data
    assert moved.data["start"] == "2026-03-10T15:00:00Z"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"frequency": "once", "interval": 2}, "interval"),
        ({"frequency": "once", "count": 2}, "count"),
        ({"frequency": "once", "until": "2026-04-01"}, "until"),
        ({"frequency": "once", "weekdays": [0]}, "weekdays"),
        ({"frequency": "once", "month_day": 1}, "month_day"),
        ({"frequency": "once", "nth": 1}, "nth"),
        ({"frequency": "once", "month": 1}, "month"),
        ({"frequency": "monthly_by_date", "month_day": -2}, "month_day"),
        ({"frequency": "monthly_by_date", "month_day": 0}, "month_day"),
        ({"frequency": "monthly_by_weekday", "nth": 6, "weekdays": [0]}, "nth"),
        ({"frequency": "monthly_by_weekday", "nth": -2, "weekdays": [0]}, "nth"),
        ({"frequency": "monthly_by_weekday", "nth": 1, "weekdays": [0, 2]}, "weekdays"),
        ({"frequency": "monthly_by_weekday", "nth": 1, "weekdays": [4, 5, 6]}, "weekdays"),
        ({"frequency": "monthly_by_weekday", "nth": 1}, "weekdays"),
        ({"frequency": "yearly_by_date", "month_day": 1}, "month"),
        ({"frequency": "yearly_by_date", "month": 13, "month_day": 1}, "month"),
        ({"frequency": "yearly_by_date", "month": 4, "month_day": 31}, "month_day"),
        ({"frequency": "yearly_by_date", "month": 2, "month_day": 30}, "month_day"),
        ({"frequency": "yearly_by_date", "interval": 4, "month": 2, "month_day": 29}, None),
        ({"frequency": "yearly_by_weekday", "month": 3, "weekdays": [0]}, "nth"),
        ({"frequency": "weekly", "weekdays": [0], "month": 3}, "month"),
        ({"frequency": "yearly"}, "frequency"),
    ],
)
def test_any_other_shape_is_refused_naming_the_field(
    pair: Pair, traveller: object, change: dict[str, object], field: str | None
) -> None:
    body = {**TIMING, **change}
    if field is None:
        # Every 4 years from 2027 never meets a leap year: nothing would ever happen.
        body["start_date"], field = "2027-01-01", "month_day"

    response = pair.leader_client.post(url(pair, "checkins/"), body, format="json")

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not CheckInSeries.objects.exists()


def test_a_german_person_reads_a_refused_shape_in_german(pair: Pair, traveller: object) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])

    response = pair.leader_client.post(
        url(pair, "checkins/"),
        {**TIMING, "frequency": "once", "count": 3},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    assert response.data == {
        "count": ["Wird bei einer Reihe mit dem Rhythmus once nicht verwendet."]
    }


def test_rescheduling_a_weekly_series_into_a_yearly_one(pair: Pair, traveller: object) -> None:
    weekly = pair.leader_client.post(
        url(pair, "checkins/"),
        {**TIMING, "frequency": "weekly", "weekdays": [0]},
        format="json",
    )

    response = pair.leader_client.post(
        url(pair, f"checkins/{weekly.data['id']}/reschedule/"),
        {
            "from_date": "2026-03-02",
            "frequency": "yearly_by_weekday",
            "month": 3,
            "nth": -1,
            "weekdays": [0, 1, 2, 3, 4],
            "local_time": "09:00",
            "timezone": "UTC",
            "duration_minutes": 30,
        },
        format="json",
    )

    assert response.status_code == 200, response.data
    series = CheckInSeries.objects.get(pk=response.data["id"])
    assert (series.rule, series.start_date.isoformat()) == (
        "FREQ=YEARLY;BYMONTH=3;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "2026-03-31",
    )
    assert response.data["month"] == 3


def test_the_occurrences_of_a_last_working_day_series_are_its_dates(
    pair: Pair, traveller: object
) -> None:
    created = pair.leader_client.post(
        url(pair, "checkins/"),
        {**TIMING, "frequency": "monthly_by_weekday", "nth": -1, "weekdays": [0, 1, 2, 3, 4]},
        format="json",
    )

    listed = pair.leader_client.get(
        url(pair, f"checkins/{created.data['id']}/occurrences/"),
        {"from": "2026-05-01T00:00:00Z", "to": "2026-09-01T00:00:00Z"},
    )

    assert [occ["start"] for occ in listed.data] == [
        datetime(2026, month, day, 9, tzinfo=UTC).isoformat().replace("+00:00", "Z")
        for month, day in ((5, 29), (6, 30), (7, 31), (8, 31))
    ]


def test_rescheduling_a_yearly_series_keeps_its_past(pair: Pair, traveller: object) -> None:
    yearly = pair.leader_client.post(
        url(pair, "checkins/"),
        {**TIMING, "start_date": "2025-01-01", "frequency": "yearly_by_date", "month": 2}
        | {"month_day": 14},
        format="json",
    )

    response = pair.leader_client.post(
        url(pair, f"checkins/{yearly.data['id']}/reschedule/"),
        {
            "from_date": "2026-03-02",
            "frequency": "yearly_by_date",
            "month": 2,
            "month_day": 14,
            "local_time": "18:00",
            "timezone": "UTC",
            "duration_minutes": 30,
        },
        format="json",
    )

    assert response.status_code == 200, response.data
    old = CheckInSeries.objects.get(pk=yearly.data["id"])
    assert (old.rule, old.local_time.isoformat()) == (
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=14;UNTIL=20260301T235959",
        "09:00:00",
    )
    assert response.data["previous"] == old.pk


@pytest.mark.parametrize(
    ("rule", "english", "german"),
    [
        ("FREQ=DAILY;COUNT=1", "Once, on 5 March 2026", "Einmal, am 5. März 2026"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day", "Jeden Monat am letzten Tag"),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=5TH",
            "Every 2 months on the fifth Thursday",
            "Alle 2 Monate am fünften Donnerstag",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "Every month on the last working day (Monday to Friday)",
            "Jeden Monat am letzten Arbeitstag (Montag bis Freitag)",
        ),
        (
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15",
            "Every year on 15 March",
            "Jedes Jahr am 15. März",
        ),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
            "Every year on the last day of February",
            "Jedes Jahr am letzten Tag im Februar",
        ),
        (
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=11;BYDAY=4TH",
            "Every 2 years on the fourth Thursday of November",
            "Alle 2 Jahre am vierten Donnerstag im November",
        ),
        (
            "FREQ=YEARLY;BYMONTH=12;BYDAY=SA,SU;BYSETPOS=1",
            "Every year on the first weekend day of December",
            "Jedes Jahr am ersten Wochenendtag im Dezember",
        ),
    ],
)
def test_a_shape_reads_as_a_sentence_in_both_languages(
    rule: str, english: str, german: str
) -> None:
    series = CheckInSeries(rule=rule, start_date=date(2026, 3, 5))

    with translation.override("en"):
        assert rhythm_text(series) == english
    with translation.override("de"):
        assert rhythm_text(series) == german
