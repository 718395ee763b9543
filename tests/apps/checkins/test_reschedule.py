"""A change of timing loses nothing: what happens to held, skipped, moved and prepared
check-ins (the rule in `apps/checkins/rescheduling.py`), through the service and the API.

The series of the fixture meets on Mondays at 09:00 in Berlin from 2 March 2026. Each test
prepares occurrences with the services, changes the timing from Thursday 12 March on, and
checks where everything is afterwards and what the person was told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.checkins import rescheduling, selectors, services
from apps.checkins.models import AgendaItem, CheckInSeries, Occurrence, OccurrenceStatus, Retro
from apps.checkins.rules import occurrence_key
from apps.core.errors import DomainError
from tests.apps.checkins.conftest import url
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

CHANGE = date(2026, 3, 12)  # a Thursday
BEFORE_CHANGE = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CHANGE_AT = datetime(2026, 3, 12, tzinfo=UTC)


def berlin(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An instant given as Berlin wall time in 2026 (CET until 29 March, CEST after)."""
    offset = 1 if (month, day) < (3, 29) else 2
    return datetime(2026, month, day, hour - offset, minute, tzinfo=UTC)


@dataclass
class Done:
    series: CheckInSeries
    kinds: list[str]


def reschedule(
    via: str,
    pair: Pair,
    series: CheckInSeries,
    *,
    from_date: date = CHANGE,
    local_time: time = time(10),
    timezone_name: str = "Europe/Berlin",
    minutes: int = 30,
    **recurrence: Any,
) -> Done:
    """Change the timing through the service or the API; the series holding the future and
    the kinds of changes the person is told about."""
    recurrence = {"frequency": "weekly", "weekdays": [3], **recurrence}
    if via == "service":
        done = services.series_reschedule(
            membership=pair.leader_membership,
            series_id=series.pk,
            from_date=from_date,
            recurrence=services.recurrence_build(**recurrence),
            local_time=local_time,
            timezone_name=timezone_name,
            duration=timedelta(minutes=minutes),
        )
        return Done(done.series, [c.kind.value for c in rescheduling.describe(done.plan)])
    response = pair.assistant_client.post(
        url(pair, f"checkins/{series.pk}/reschedule/"),
        {
            "from_date": from_date.isoformat(),
            "local_time": local_time.strftime("%H:%M"),
            "timezone": timezone_name,
            "duration_minutes": minutes,
            **recurrence,
        },
        format="json",
    )
    assert response.status_code == 200, response.data
    return Done(
        CheckInSeries.objects.get(pk=response.data["id"]),
        [change["kind"] for change in response.data["changes"]],
    )


VIA = pytest.mark.parametrize("via", ["service", "api"])


def add_topic(pair: Pair, series: CheckInSeries, start: datetime, text: str) -> AgendaItem:
    return services.agenda_item_add(
        membership=pair.assistant_membership,
        series_id=series.pk,
        start=start,
        kind="question",
        text=text,
    )


def where(item: AgendaItem) -> tuple[int, datetime]:
    item.refresh_from_db()
    return item.occurrence.series_id, item.occurrence.start


def upcoming_starts(pair: Pair, now: datetime) -> list[datetime]:
    """The starts of the meetings that take place (skipped ones left out)."""
    return [
        occ.start
        for occ in selectors.occurrences_upcoming_for_tandem(tandem=pair.tandem, now=now, n=20)
        if occ.status != OccurrenceStatus.SKIPPED
    ]


# --- held, rated and moved earlier: never deleted, never moved ----------------------------------


@VIA
def test_a_meeting_moved_earlier_held_and_rated_survives_the_change(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, via: str
) -> None:
    monday = berlin(3, 16)
    topic = add_topic(pair, series, monday, "Budget")
    services.occurrence_move(
        membership=pair.leader_membership, series_id=series.pk, start=monday, to=berlin(3, 6, 11)
    )
    traveller.move_to(berlin(3, 6, 12))
    services.occurrence_update(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=monday,
        notes="We agreed on the budget.",
        held=True,
    )
    for membership in (pair.leader_membership, pair.assistant_membership):
        services.retro_submit(
            membership=membership, series_id=series.pk, start=monday, effectiveness=4
        )
    row = Occurrence.objects.get(series=series, original_start=monday)
    traveller.move_to(BEFORE_CHANGE)

    done = reschedule(via, pair, series)

    kept = Occurrence.objects.get(pk=row.pk)
    assert (kept.start, kept.status, kept.notes) == (
        berlin(3, 6, 11),
        OccurrenceStatus.HELD,
        "We agreed on the budget.",
    )
    assert Retro.objects.filter(occurrence=kept).count() == 2
    assert where(topic) == (kept.series_id, berlin(3, 6, 11))
    assert kept.series_id not in (series.pk, done.series.pk)
    # Holding it carried the open topic on to the meeting after it (Monday the 9th, before
    # the change), so only the meeting itself is worth a line.
    assert done.kinds == ["stays"]
    # It is listed among the past check-ins, at the time it took place, and can be opened.
    past = selectors.occurrences_past_for_tandem(tandem=pair.tandem, now=BEFORE_CHANGE)
    assert berlin(3, 6, 11) in [occ.start for occ in past]
    response = pair.leader_client.get(
        url(pair, f"checkins/{kept.series_id}/occurrences/{occurrence_key(kept.start)}/")
    )
    assert response.status_code == 200
    assert response.data["notes"] == "We agreed on the budget."


@VIA
def test_a_meeting_moved_before_the_change_stays_upcoming(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, via: str
) -> None:
    traveller.move_to(datetime(2026, 3, 5, 12, tzinfo=UTC))
    topic = add_topic(pair, series, berlin(3, 16), "Travel plans")
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=berlin(3, 16),
        to=berlin(3, 11, 15),
    )
    traveller.move_to(BEFORE_CHANGE)

    done = reschedule(via, pair, series)

    assert upcoming_starts(pair, BEFORE_CHANGE)[:3] == [
        berlin(3, 11, 15),  # the moved one, where it was moved to
        berlin(3, 12, 10),  # the new rhythm: Thursdays 10:00
        berlin(3, 19, 10),
    ]
    assert where(topic)[1] == berlin(3, 11, 15)
    assert done.kinds == ["stays"]


# --- skips and moves stay with their meeting ---------------------------------------------------


@VIA
def test_skips_and_moves_stay_with_the_meeting_that_replaces_theirs(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, via: str
) -> None:
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 23)
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=berlin(3, 30),
        to=berlin(4, 1, 14),
    )
    traveller.move_to(BEFORE_CHANGE)

    # Same days, a new time: Monday 10:00.
    done = reschedule(via, pair, series, weekdays=[0])

    new_rows = {
        row.original_start: (row.status, row.moved_to)
        for row in Occurrence.objects.filter(series=done.series)
    }
    assert new_rows == {
        berlin(3, 23, 10): (OccurrenceStatus.SKIPPED, None),
        berlin(3, 30, 10): (OccurrenceStatus.MOVED, berlin(4, 1, 14)),
    }
    assert upcoming_starts(pair, BEFORE_CHANGE)[:3] == [
        berlin(3, 16, 10),
        berlin(4, 1, 14),
        berlin(4, 6, 10),
    ]
    assert done.kinds == ["skip_kept", "move_kept"]


@VIA
def test_a_series_changed_in_place_keeps_its_skips_and_moves_too(
    pair: Pair, series: CheckInSeries, via: str
) -> None:
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 9)
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=berlin(3, 16),
        to=berlin(3, 17, 14),
    )

    done = reschedule(via, pair, series, from_date=date(2026, 3, 2), weekdays=[0])

    assert done.series.pk == series.pk
    assert {
        row.original_start: (row.status, row.moved_to)
        for row in Occurrence.objects.filter(series=series)
    } == {
        berlin(3, 9, 10): (OccurrenceStatus.SKIPPED, None),
        berlin(3, 16, 10): (OccurrenceStatus.MOVED, berlin(3, 17, 14)),
    }
    assert done.kinds == ["skip_kept", "move_kept"]


@VIA
def test_a_skip_or_move_nothing_replaces_is_reported_and_its_agenda_goes_on(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, via: str
) -> None:
    topic = add_topic(pair, series, berlin(3, 16), "Hiring")
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 16)
    )
    traveller.move_to(BEFORE_CHANGE)

    # Every other Monday, counted from the week of the 12th: the 23rd, 6 April, … Nothing
    # replaces the 16th (the 23rd is the 23rd's own).
    done = reschedule(via, pair, series, weekdays=[0], interval=2)

    assert done.kinds == ["skip_not_kept", "follows"]
    # The topic had been carried on to the 23rd when the 16th was skipped; exactly one live
    # copy of it remains, on the meeting that replaces the 23rd.
    live = AgendaItem.objects.filter(text="Hiring", carried_to__isnull=True)
    assert [(i.occurrence.series_id, i.occurrence.start) for i in live] == [
        (done.series.pk, berlin(3, 23, 10))
    ]
    # The original stayed behind on the skipped meeting, which no longer exists in any rhythm.
    assert not AgendaItem.objects.filter(pk=topic.pk).exists()


# --- agenda items: each on the meeting that replaces its own ------------------------------------


@VIA
def test_topics_of_five_meetings_each_go_to_the_meeting_that_replaces_theirs(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, via: str
) -> None:
    mondays = [berlin(3, 16), berlin(3, 23), berlin(3, 30), berlin(4, 6), berlin(4, 13)]
    topics = [add_topic(pair, series, monday, f"Topic {i}") for i, monday in enumerate(mondays)]
    traveller.move_to(BEFORE_CHANGE)

    done = reschedule(via, pair, series, weekdays=[1])  # Tuesdays 10:00

    assert [where(topic) for topic in topics] == [
        (done.series.pk, berlin(3, 17, 10)),
        (done.series.pk, berlin(3, 24, 10)),
        (done.series.pk, berlin(3, 31, 10)),
        (done.series.pk, berlin(4, 7, 10)),
        (done.series.pk, berlin(4, 14, 10)),
    ]
    assert done.kinds == ["follows"] * 5


@VIA
def test_a_carried_topic_is_not_doubled_on_the_new_meeting(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, via: str
) -> None:
    add_topic(pair, series, berlin(3, 16), "Office move")
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 16)
    )  # carries a copy to the 23rd
    traveller.move_to(BEFORE_CHANGE)

    # Monthly on the 25th: it replaces the 23rd; nothing replaces the skipped 16th.
    done = reschedule(via, pair, series, frequency="monthly_by_date", weekdays=[], month_day=25)

    on_new = AgendaItem.objects.filter(occurrence__series=done.series, text="Office move")
    assert [item.occurrence.start for item in on_new] == [berlin(3, 25, 10)]
    assert AgendaItem.objects.filter(text="Office move", carried_to__isnull=True).count() == 1


@VIA
@pytest.mark.parametrize(
    ("timezone_name", "local_time", "expected"),
    [
        # New York 09:00 Monday → Kolkata 09:00 Monday: the same Monday, in Kolkata.
        ("Asia/Kolkata", time(9), datetime(2026, 3, 16, 3, 30, tzinfo=UTC)),
        # Berlin 09:00 → Berlin 00:00: midnight of the same Monday.
        ("Europe/Berlin", time(0), datetime(2026, 3, 15, 23, 0, tzinfo=UTC)),
    ],
)
def test_a_topic_goes_to_the_first_new_meeting_whatever_the_zone_or_hour(
    pair: Pair,
    traveller: time_machine.Coordinates,
    via: str,
    timezone_name: str,
    local_time: time,
    expected: datetime,
) -> None:
    old_zone = "America/New_York" if timezone_name == "Asia/Kolkata" else "Europe/Berlin"
    series = series_for(pair.leader_membership, timezone_name=old_zone)
    first_monday = selectors.occurrences_next_for(
        series=series, after=datetime(2026, 3, 13, tzinfo=UTC), n=1
    )[0].start
    topic = add_topic(pair, series, first_monday, "First")
    traveller.move_to(BEFORE_CHANGE)

    done = reschedule(
        via, pair, series, weekdays=[0], local_time=local_time, timezone_name=timezone_name
    )

    assert where(topic) == (done.series.pk, expected)
    first_new = selectors.occurrences_next_for(series=done.series, after=BEFORE_CHANGE, n=1)
    assert [occ.start for occ in first_new] == [expected]


# --- never two meetings at once -----------------------------------------------------------------


@VIA
def test_the_new_rhythm_gives_way_to_a_meeting_that_stays_at_the_same_instant(
    pair: Pair, traveller: time_machine.Coordinates, via: str
) -> None:
    # Mondays 21:00 in New York; the one of 16 March is moved to Wednesday 11 March 21:00
    # (EDT), which is Thursday 12 March 02:00 in Berlin: where the new rhythm starts.
    series = series_for(
        pair.leader_membership, local_time=time(21), timezone_name="America/New_York"
    )
    monday = datetime(2026, 3, 17, 1, 0, tzinfo=UTC)
    moved_to = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)
    services.occurrence_move(
        membership=pair.leader_membership, series_id=series.pk, start=monday, to=moved_to
    )
    traveller.move_to(BEFORE_CHANGE)

    done = reschedule(
        via, pair, series, frequency="daily", weekdays=[], local_time=time(2), minutes=30
    )

    starts = upcoming_starts(pair, BEFORE_CHANGE)
    assert starts.count(moved_to) == 1
    assert len(starts) == len(set(starts))
    skipped = Occurrence.objects.get(series=done.series, original_start=moved_to)
    assert skipped.status == OccurrenceStatus.SKIPPED
    assert done.kinds == ["stays", "new_skipped"]


def test_a_meeting_cannot_be_moved_or_restored_onto_one_that_stays(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=berlin(3, 16),
        to=berlin(3, 11, 15),
    )
    traveller.move_to(BEFORE_CHANGE)
    new = reschedule("service", pair, series).series

    with pytest.raises(DomainError) as error:
        services.occurrence_move(
            membership=pair.leader_membership,
            series_id=new.pk,
            start=berlin(3, 12, 10),
            to=berlin(3, 11, 15),
        )
    assert (error.value.field, error.value.message) == (
        "to",
        "Overlaps another check-in of this tandem.",
    )


def test_a_restore_cannot_put_a_meeting_onto_one_moved_into_its_slot(
    pair: Pair, series: CheckInSeries
) -> None:
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 9)
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=berlin(3, 16),
        to=berlin(3, 9),
    )

    with pytest.raises(DomainError) as error:
        services.occurrence_restore(
            membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 9)
        )

    assert error.value.field == "start"
    assert Occurrence.objects.get(original_start=berlin(3, 9)).status == OccurrenceStatus.SKIPPED


# --- the preview -------------------------------------------------------------------------------


def preview(pair: Pair, series: CheckInSeries, *, from_date: str) -> Any:
    """Ask what Tuesdays at 10:00 from `from_date` on would do."""
    return pair.leader_client.post(
        url(pair, f"checkins/{series.pk}/reschedule/preview/"),
        {
            "from_date": from_date,
            "frequency": "weekly",
            "weekdays": [1],
            "local_time": "10:00",
            "timezone": "Europe/Berlin",
            "duration_minutes": 30,
        },
        format="json",
    )


def rows() -> tuple[list[Any], ...]:
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (CheckInSeries, Occurrence, AgendaItem)
    )


def test_the_preview_says_what_will_happen_and_writes_nothing(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    add_topic(pair, series, berlin(3, 16), "Budget")
    services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=berlin(3, 23)
    )
    traveller.move_to(BEFORE_CHANGE)
    before = rows()

    response = preview(pair, series, from_date="2026-03-12")

    assert response.status_code == 200
    assert response.data["changes"] == [
        {
            "kind": "follows",
            "occurrence": "2026-03-16T08:00:00Z",
            "start": "2026-03-16T08:00:00Z",
            "to": "2026-03-17T09:00:00Z",
            "moved_to": None,
            "reason": None,
            "has_content": True,
        },
        {
            "kind": "skip_kept",
            "occurrence": "2026-03-23T08:00:00Z",
            "start": "2026-03-23T08:00:00Z",
            "to": "2026-03-24T09:00:00Z",
            "moved_to": None,
            "reason": None,
            "has_content": False,
        },
    ]
    assert rows() == before


def test_a_preview_is_refused_like_the_change(pair: Pair, series: CheckInSeries) -> None:
    response = preview(pair, series, from_date="2026-03-01")  # today

    assert response.status_code == 400
    assert list(response.data) == ["from_date"]


def test_from_date_must_be_after_today_in_the_new_zone_too(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    # 20:00 UTC on 11 March: still the 11th in Berlin, already the 12th in Kolkata.
    traveller.move_to(datetime(2026, 3, 11, 20, tzinfo=UTC))

    with pytest.raises(DomainError) as error:
        reschedule("service", pair, series, timezone_name="Asia/Kolkata")

    assert error.value.field == "from_date"
    assert CheckInSeries.objects.count() == 1


def test_a_topic_after_the_new_timing_ends_goes_to_its_last_meeting(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    topic = add_topic(pair, series, berlin(4, 13), "Later")
    traveller.move_to(BEFORE_CHANGE)

    # Two Thursdays, the 12th and the 19th of March; nothing in April replaces the 13th.
    done = reschedule("service", pair, series, count=2)

    assert where(topic) == (done.series.pk, berlin(3, 19, 10))
    assert done.kinds == ["content_moved"]


def test_the_change_takes_constant_queries_in_the_number_of_touched_meetings(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    mondays = [
        occ.start for occ in selectors.occurrences_next_for(series=series, after=CHANGE_AT, n=4)
    ]

    def count(weeks: int) -> int:
        for week in range(weeks):
            add_topic(pair, series, mondays[week], f"{weeks}-{week}")
        with CaptureQueriesContext(connection) as queries:
            services.series_reschedule(
                membership=pair.leader_membership,
                series_id=series.pk,
                from_date=CHANGE,
                recurrence=services.recurrence_build(frequency="weekly", weekdays=[1]),
                local_time=time(10),
                timezone_name="Europe/Berlin",
                duration=timedelta(minutes=30),
                preview=True,
            )
        return len(queries)

    traveller.move_to(BEFORE_CHANGE)
    assert count(1) == count(4)


@VIA
def test_a_single_meeting_is_not_planned_onto_another_check_in(
    pair: Pair, series: CheckInSeries, via: str
) -> None:
    body = {
        "title": "Extra",
        "frequency": "once",
        "start_date": "2026-03-09",  # a Monday: the weekly meeting is at 09:00
        "local_time": "09:15",
        "timezone": "Europe/Berlin",
        "duration_minutes": 30,
    }
    if via == "api":
        response = pair.leader_client.post(url(pair, "checkins/"), body, format="json")
        assert (response.status_code, list(response.data)) == (409, ["local_time"])
    else:
        with pytest.raises(DomainError) as error:
            series_for(
                pair.leader_membership,
                frequency="once",
                weekdays=(),
                start_date=date(2026, 3, 9),
                local_time=time(9, 15),
            )
        assert error.value.field == "local_time"
    assert CheckInSeries.objects.count() == 1

    # Half an hour later is free.
    extra = series_for(
        pair.leader_membership,
        frequency="once",
        weekdays=(),
        start_date=date(2026, 3, 9),
        local_time=time(9, 30),
    )
    assert extra.rule == "FREQ=DAILY;COUNT=1"


# --- dates no later computation can overflow ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "checkins/{series}/occurrences/2026-03-09T08:00:00Z/move/",
            {"to": "9999-12-31T22:00:00Z"},
            "to",
        ),
        (
            "checkins/{series}/occurrences/2026-03-09T08:00:00Z/move/",
            {"to": "2101-01-01T00:00:00Z"},
            "to",
        ),
        (
            "checkins/",
            {
                "title": "Far",
                "frequency": "daily",
                "start_date": "9999-12-30",
                "local_time": "22:00",
                "timezone": "UTC",
                "duration_minutes": 300,
            },
            "start_date",
        ),
        (
            "checkins/{series}/reschedule/",
            {
                "from_date": "2026-04-01",
                "frequency": "daily",
                "until": "9999-12-31",
                "local_time": "09:00",
                "timezone": "UTC",
                "duration_minutes": 300,
            },
            "until",
        ),
        ("action-items/", {"text": "Later", "owner": 0, "due_date": "1899-12-31"}, "due_date"),
        (
            "checkins/",
            {
                "title": "Every other year, 39 times",
                "frequency": "yearly_by_date",
                "interval": 2,
                "month": 1,
                "month_day": 29,
                "count": 39,  # the last one would be in 2101
                "start_date": "2025-01-01",
                "local_time": "09:00",
                "timezone": "UTC",
                "duration_minutes": 30,
            },
            "count",
        ),
    ],
)
def test_a_date_beyond_the_accepted_range_is_refused_naming_the_field(
    pair: Pair, series: CheckInSeries, path: str, body: dict[str, Any], field: str
) -> None:
    body = {key: pair.assistant.pk if key == "owner" else value for key, value in body.items()}
    before = rows()

    response = pair.leader_client.post(
        url(pair, path.format(series=series.pk)), body, format="json"
    )

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert "between 1900-01-01 and 2100-12-31" in str(response.data[field])
    assert rows() == before


def test_a_move_far_ahead_stored_before_the_bound_breaks_no_feed_list_or_page(
    pair: Pair, series: CheckInSeries
) -> None:
    """Such rows are repaired by migration 0005; a series ending after the bound (also only
    possible before it) is left out of the feed instead of breaking it."""
    far = series_for(pair.leader_membership, title="Far", weekdays=(2,), until=date(2100, 12, 31))
    CheckInSeries.objects.filter(pk=far.pk).update(
        rule="FREQ=WEEKLY;BYDAY=WE;UNTIL=99991230T235959", last_date=date(9999, 12, 29)
    )
    token = pair.assistant_client.post("/api/v1/calendar/feed/").data["token"]

    feed = pair.assistant_client.get(f"/api/v1/calendar/{token}.ics")
    listed = pair.assistant_client.get(url(pair, f"checkins/{series.pk}/occurrences/?next=3"))
    page = pair.assistant_client.get(url(pair, f"checkins/{far.pk}/occurrences/?next=3"))

    assert (feed.status_code, listed.status_code, page.status_code) == (200, 200, 200)
    assert b"Weekly check-in" in feed.content and b"SUMMARY:Far" not in feed.content
