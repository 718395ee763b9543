from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.checkins import services
from apps.checkins.models import AgendaItem, CheckInSeries, Occurrence, OccurrenceStatus
from apps.checkins.recurrence import next_occurrences
from apps.core.errors import DomainError
from tests.apps.checkins.conftest import BEFORE_START, FIRST, url
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

CREATE = {
    "title": "Weekly",
    "frequency": "weekly",
    "weekdays": [0],
    "start_date": "2026-03-01",
    "local_time": "09:00",
    "timezone": "Europe/Berlin",
    "duration_minutes": 30,
}


def test_creating_a_series_stores_its_first_real_occurrence_as_start(
    pair: Pair, traveller: object
) -> None:
    response = pair.assistant_client.post(url(pair, "checkins/"), CREATE)

    assert response.status_code == 201
    assert response.data["start_date"] == "2026-03-02"  # the Sunday is not a Monday
    assert response.data["rule"] == "FREQ=WEEKLY;BYDAY=MO"
    assert response.data["duration_minutes"] == 30
    assert response.data["reminder_lead_minutes"] == 60
    assert response.data["last_date"] is None


def test_a_count_series_knows_its_last_date(pair: Pair, traveller: object) -> None:
    series = series_for(pair.leader_membership, count=3)

    assert series.last_date == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": []}, "weekdays"),
        ({"interval": 0}, "interval"),
        ({"count": 5000}, "count"),
        ({"until": "2026-02-01"}, "until"),
        ({"count": 3, "until": "2026-04-01"}, "until"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"reminder_lead_minutes": 0}, "reminder_lead_minutes"),
        ({"frequency": "yearly"}, "frequency"),
        ({"frequency": "monthly_by_date", "weekdays": [], "month_day": 32}, "month_day"),
        ({"frequency": "monthly_by_weekday", "nth": 6}, "nth"),
        ({"local_time": "25:00"}, "local_time"),
        ({"tandem": 1}, "tandem"),
    ],
)
def test_bad_series_input_names_the_field_and_creates_nothing(
    pair: Pair, traveller: object, change: dict[str, object], field: str
) -> None:
    response = pair.leader_client.post(url(pair, "checkins/"), {**CREATE, **change})

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not CheckInSeries.objects.exists()


def test_nine_in_berlin_stays_nine_local_across_both_dst_changes(
    pair: Pair, series: CheckInSeries
) -> None:
    response = pair.leader_client.get(
        url(pair, f"checkins/{series.pk}/occurrences/"),
        {"from": "2026-03-20T00:00:00Z", "to": "2026-04-01T00:00:00Z"},
    )
    autumn = pair.leader_client.get(
        url(pair, f"checkins/{series.pk}/occurrences/"),
        {"from": "2026-10-19T00:00:00Z", "to": "2026-10-27T00:00:00Z"},
    )

    assert [o["local_start"] for o in response.data + autumn.data] == [
        "2026-03-23T09:00:00+01:00",
        "2026-03-30T09:00:00+02:00",
        "2026-10-19T09:00:00+02:00",
        "2026-10-26T09:00:00+01:00",
    ]
    assert [o["start"] for o in response.data] == ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z"]


def test_a_new_york_series_keeps_its_local_time_too(pair: Pair, traveller: object) -> None:
    series = series_for(
        pair.leader_membership, timezone_name="America/New_York", start_date=date(2026, 3, 2)
    )

    found = pair.leader_client.get(
        url(pair, f"checkins/{series.pk}/occurrences/"),
        {"from": "2026-03-02T00:00:00Z", "to": "2026-03-17T00:00:00Z"},
    ).data

    # US DST starts on 2026-03-08.
    assert [o["start"] for o in found] == [
        "2026-03-02T14:00:00Z",
        "2026-03-09T13:00:00Z",
        "2026-03-16T13:00:00Z",
    ]


def test_next_occurrences_lists_the_next_n(pair: Pair, series: CheckInSeries) -> None:
    response = pair.leader_client.get(url(pair, f"checkins/{series.pk}/occurrences/?next=3"))

    assert response.status_code == 200
    assert [(o["key"], o["status"]) for o in response.data] == [
        ("2026-03-02T08:00:00Z", "scheduled"),
        ("2026-03-09T08:00:00Z", "scheduled"),
        ("2026-03-16T08:00:00Z", "scheduled"),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"next": "0"}, "next"),
        ({"next": "500"}, "next"),
        ({"next": "x"}, "next"),
        ({"from": "2026-03-01T00:00:00Z"}, "to"),
        ({"from": "2026-03-01", "to": "2026-04-01T00:00:00Z"}, "from"),
        ({"from": "2026-03-01T00:00:00Z", "to": "2020-01-01T00:00:00Z"}, "to"),
        ({"from": "2026-03-01T00:00:00Z", "to": "2036-01-01T00:00:00Z"}, "to"),
    ],
)
def test_bad_windows_name_the_parameter(
    pair: Pair, series: CheckInSeries, query: dict[str, str], field: str
) -> None:
    response = pair.leader_client.get(url(pair, f"checkins/{series.pk}/occurrences/"), query)

    assert response.status_code == 400
    assert list(response.data) == [field]


def test_occurrence_listing_uses_constant_queries(pair: Pair, series: CheckInSeries) -> None:
    path = url(pair, f"checkins/{series.pk}/occurrences/?next=20")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert pair.leader_client.get(path).status_code == 200
        return len(ctx.captured_queries)

    first = count()
    starts = next_occurrences(series.schedule, BEFORE_START, 10)
    for week, start in enumerate(starts[:8]):
        services.agenda_item_add(
            membership=pair.leader_membership,
            series_id=series.pk,
            start=start,
            kind="update",
            text=f"week {week}",
        )
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=starts[9]
    )
    assert count() == first == 3  # membership, series, touched rows with their counts


def test_series_list_uses_constant_queries(pair: Pair, series: CheckInSeries) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert pair.leader_client.get(url(pair, "checkins/")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(5):
        series_for(pair.leader_membership)
    assert count() == one == 3  # membership, count, page


def test_skipping_marks_only_that_occurrence(pair: Pair, series: CheckInSeries) -> None:
    second = FIRST + timedelta(weeks=1)

    response = pair.assistant_client.post(
        url(pair, f"checkins/{series.pk}/occurrences/2026-03-09T08:00:00Z/skip/")
    )

    assert response.status_code == 200
    assert response.data["status"] == "skipped"
    listed = pair.leader_client.get(url(pair, f"checkins/{series.pk}/occurrences/?next=3")).data
    assert [o["status"] for o in listed] == ["scheduled", "skipped", "scheduled"]
    assert list(Occurrence.objects.values_list("original_start", "status")) == [
        (second, OccurrenceStatus.SKIPPED)
    ]


def test_moving_an_occurrence_lists_it_at_its_new_time(pair: Pair, series: CheckInSeries) -> None:
    response = pair.leader_client.post(
        url(pair, f"checkins/{series.pk}/occurrences/2026-03-09T08:00:00Z/move/"),
        {"to": "2026-03-10T15:00:00+01:00"},
    )

    assert response.status_code == 200
    assert response.data["start"] == "2026-03-10T14:00:00Z"
    assert response.data["key"] == "2026-03-09T08:00:00Z"
    listed = pair.leader_client.get(
        url(pair, f"checkins/{series.pk}/occurrences/"),
        {"from": "2026-03-09T09:00:00Z", "to": "2026-03-16T00:00:00Z"},
    ).data
    assert [(o["key"], o["start"], o["status"]) for o in listed] == [
        ("2026-03-09T08:00:00Z", "2026-03-10T14:00:00Z", "moved")
    ]


@pytest.mark.parametrize(
    ("to", "field"),
    [
        ("2026-03-01T10:00:00Z", "to"),  # in the past
        ("2026-03-16T08:10:00Z", "to"),  # onto the next occurrence
        ("2026-03-10T10:00:00", "to"),  # no offset
        ("soon", "to"),
    ],
)
def test_bad_moves_name_the_field_and_change_nothing(
    pair: Pair, series: CheckInSeries, to: str, field: str
) -> None:
    response = pair.leader_client.post(
        url(pair, f"checkins/{series.pk}/occurrences/2026-03-09T08:00:00Z/move/"), {"to": to}
    )

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not Occurrence.objects.exclude(status=OccurrenceStatus.SCHEDULED).exists()


@pytest.mark.parametrize(
    "start", ["2026-03-10T08:00:00Z", "2026-03-09T08:00:00", "yesterday", "2026-02-23T08:00:00Z"]
)
def test_a_start_that_is_not_an_occurrence_is_404(
    pair: Pair, series: CheckInSeries, start: str
) -> None:
    base = url(pair, f"checkins/{series.pk}/occurrences/{start}/")

    assert pair.leader_client.get(base).status_code == 404
    assert pair.leader_client.post(base + "skip/").status_code == 404
    assert not Occurrence.objects.exists()


def test_a_started_occurrence_cannot_be_skipped(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    traveller.move_to(FIRST + timedelta(minutes=5))

    response = pair.leader_client.post(
        url(pair, f"checkins/{series.pk}/occurrences/2026-03-02T08:00:00Z/skip/")
    )

    assert response.status_code == 409
    assert list(response.data) == ["start"]


def test_rescheduling_from_a_date_keeps_the_past_and_continues_in_a_new_series(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST + timedelta(weeks=3),  # Monday 2026-03-23, after the change
        kind="question",
        text="Moves along",
    )
    traveller.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC))

    response = pair.leader_client.post(
        url(pair, f"checkins/{series.pk}/reschedule/"),
        {
            "from_date": "2026-03-16",
            "frequency": "weekly",
            "weekdays": [1],
            "local_time": "10:30",
            "timezone": "Europe/Berlin",
            "duration_minutes": 45,
        },
    )

    assert response.status_code == 200
    new = CheckInSeries.objects.get(pk=response.data["id"])
    series.refresh_from_db()
    assert (new.previous_id, new.start_date, new.rule) == (
        series.pk,
        date(2026, 3, 17),
        "FREQ=WEEKLY;BYDAY=TU",
    )
    assert series.last_date == date(2026, 3, 9)
    assert series.rule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260315T235959"
    # Monday the 23rd is replaced by the Tuesday of the same week, and its topic goes along.
    item = AgendaItem.objects.get()
    assert (item.occurrence.series_id, item.occurrence.original_start) == (
        new.pk,
        datetime(2026, 3, 24, 9, 30, tzinfo=UTC),
    )


def test_rescheduling_cannot_rewrite_today_or_the_past(pair: Pair, series: CheckInSeries) -> None:
    with pytest.raises(DomainError) as error:
        services.series_reschedule(
            membership=pair.leader_membership,
            series_id=series.pk,
            from_date=BEFORE_START.date(),
            recurrence=services.recurrence_build(frequency="daily"),
            local_time=time(9),
            timezone_name="Europe/Berlin",
            duration=timedelta(minutes=30),
        )

    assert error.value.field == "from_date"
    assert CheckInSeries.objects.count() == 1


def test_an_unstarted_series_is_rescheduled_in_place(pair: Pair, series: CheckInSeries) -> None:
    new = services.series_reschedule(
        membership=pair.leader_membership,
        series_id=series.pk,
        from_date=date(2026, 3, 2),
        recurrence=services.recurrence_build(frequency="daily", interval=2),
        local_time=time(8),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=15),
    ).series

    assert (new.pk, new.rule, new.start_date) == (
        series.pk,
        "FREQ=DAILY;INTERVAL=2",
        date(2026, 3, 2),
    )
    assert CheckInSeries.objects.count() == 1
