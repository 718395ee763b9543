"""The page of one check-in series: rename it, change its reminder, change its timing from a
date on (the service splits the series, so the past stays), stop and resume it. Either member
may, as in the API; another tandem's series is a 404; bad input is shown next to the field and
saves nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client

from apps.accounts.models import User
from apps.checkins import services
from apps.checkins.models import AgendaItem, CheckInSeries, Occurrence
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def series_url(pair: Pair, series: CheckInSeries, action: str = "edit") -> str:
    return f"/t/{pair.tandem.pk}/check-ins/series/{series.pk}/{action}/"


def snapshot() -> dict[str, list[Any]]:
    """Every row a series page could write, to prove a refused request wrote nothing."""
    return {
        "series": list(CheckInSeries.objects.order_by("pk").values()),
        "occurrences": list(Occurrence.objects.order_by("pk").values()),
        "agenda": list(AgendaItem.objects.order_by("pk").values()),
    }


def timing(**changes: Any) -> dict[str, Any]:
    """The timing form as a person fills it: weekly on Thursday, 10:00 Berlin, 45 minutes."""
    data: dict[str, Any] = {
        "from_date": "2026-03-12",
        "frequency": "weekly",
        "interval": "1",
        "weekdays": ["3"],
        "month_day": "",
        "nth": "",
        "nth_weekday": "",
        "local_time": "10:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": "45",
        "count": "",
        "until": "",
    }
    data.update(changes)
    return data


def reschedule(client: Client, url: str, data: dict[str, Any]) -> tuple[list[str], Any]:
    """Change the timing as a person does: the form first shows what will happen (and writes
    nothing), then the person confirms those same values."""
    before = snapshot()
    shown = client.post(url, data)
    assert shown.status_code == 200
    assert snapshot() == before
    preview = shown.context["preview"]
    assert preview is not None
    return preview["lines"], client.post(url, {**data, "confirm": preview["fingerprint"]})


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_both_members_see_the_series_page_with_its_values(
    pair: Pair, series: CheckInSeries, role: str
) -> None:
    response = client_of(getattr(pair, role)).get(series_url(pair, series))

    assert response.status_code == 200
    details = response.context["details_form"]
    assert details.initial == {"title": "Weekly check-in", "reminder_lead_minutes": 60}
    timing_form = response.context["reschedule_form"]
    assert timing_form.initial == {
        "from_date": date(2026, 3, 2),  # tomorrow in Berlin, the series' first day
        "frequency": "weekly",
        "interval": 1,
        "weekdays": [0],
        "local_time": time(9, 0),
        "timezone": "Europe/Berlin",
        "duration_minutes": 30,
        "until": None,
    }
    page = response.content.decode()
    assert "Every week on Monday, 09:00" in page
    assert '<label for="id_from_date">' in page and '<label for="id_title">' in page
    assert "Stop the series" in page


def test_the_index_links_to_the_series_page(pair: Pair, series: CheckInSeries) -> None:
    page = client_of(pair.assistant).get(f"/t/{pair.tandem.pk}/check-ins/").content.decode()

    assert f'href="{series_url(pair, series)}"' in page


@pytest.mark.parametrize(
    ("action", "method"),
    [
        ("edit", "get"),
        ("edit", "post"),
        ("reschedule", "post"),
        ("stop", "post"),
        ("resume", "post"),
    ],
)
def test_an_outsider_gets_404_and_nothing_changes(
    pair: Pair, other_pair: Pair, series: CheckInSeries, action: str, method: str
) -> None:
    before = snapshot()
    client = client_of(other_pair.leader)
    data = {"title": "Mine now", "reminder_lead_minutes": "5", **timing()}

    # Neither through the series' own tandem nor through the outsider's own tandem.
    own_tandem = f"/t/{other_pair.tandem.pk}/check-ins/series/{series.pk}/{action}/"
    for url in (series_url(pair, series, action), own_tandem):
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404

    assert snapshot() == before


def test_a_series_that_does_not_exist_is_404(pair: Pair, series: CheckInSeries) -> None:
    url = f"/t/{pair.tandem.pk}/check-ins/series/999999/edit/"

    assert client_of(pair.leader).get(url).status_code == 404


@pytest.mark.parametrize("action", ["reschedule", "stop", "resume"])
def test_the_changes_are_posts_only(pair: Pair, series: CheckInSeries, action: str) -> None:
    assert client_of(pair.leader).get(series_url(pair, series, action)).status_code == 405


# --- title and reminder ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_either_member_renames_the_series_and_changes_the_reminder(
    pair: Pair, series: CheckInSeries, role: str
) -> None:
    response = client_of(getattr(pair, role)).post(
        series_url(pair, series), {"title": "  Monday sync ", "reminder_lead_minutes": "90"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/t/{pair.tandem.pk}/check-ins/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["“Monday sync” is saved."]
    series.refresh_from_db()
    assert (series.title, series.reminder_lead) == ("Monday sync", timedelta(minutes=90))
    assert CheckInSeries.objects.count() == 1  # nothing split


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"title": "   ", "reminder_lead_minutes": "60"}, "title", "This field is required."),
        (
            {"title": "Sync", "reminder_lead_minutes": "0"},
            "reminder_lead_minutes",
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            {"title": "Sync", "reminder_lead_minutes": "2881"},
            "reminder_lead_minutes",
            "Ensure this value is less than or equal to 2880.",
        ),
    ],
)
def test_bad_details_come_back_with_the_error_and_save_nothing(
    pair: Pair, series: CheckInSeries, data: dict[str, str], field: str, error: str
) -> None:
    before = snapshot()

    response = client_of(pair.leader).post(series_url(pair, series), data)

    assert response.status_code == 200
    assert response.context["details_form"].errors == {field: [error]}
    assert error in response.content.decode()
    assert snapshot() == before


# --- timing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_a_new_timing_splits_the_series_and_leaves_the_past_intact(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, role: str
) -> None:
    future_topic = services.agenda_item_add(
        membership=pair.assistant_membership,
        series_id=series.pk,
        start=FIRST + timedelta(weeks=2),  # Monday 16 March
        kind="question",
        text="Later",
    )
    traveller.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # the first one is under way
    past_topic = services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        kind="update",
        text="Held",
    )
    traveller.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # two have happened

    lines, response = reschedule(
        client_of(getattr(pair, role)),
        series_url(pair, series, "reschedule"),
        timing(from_date="2026-03-12"),
    )

    assert lines == [
        "What was prepared for Mon 16 Mar 2026, 09:00 goes to the new check-in on "
        "Thu 19 Mar 2026, 10:00."
    ]
    assert response.status_code == 302
    assert response["Location"] == f"/t/{pair.tandem.pk}/check-ins/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "From 12 Mar 2026 on, “Weekly check-in” follows the new timing.",
        *lines,
    ]
    old, new = CheckInSeries.objects.order_by("pk")
    assert old.pk == series.pk
    assert (old.start_date, old.last_date, old.recurrence.weekdays) == (
        date(2026, 3, 2),
        date(2026, 3, 9),
        (0,),
    )
    assert (new.previous_id, new.start_date, new.last_date) == (old.pk, date(2026, 3, 12), None)
    assert (new.recurrence.weekdays, new.local_time, new.duration) == (
        (3,),
        time(10, 0),
        timedelta(minutes=45),
    )
    assert (new.title, new.reminder_lead, new.active) == (
        "Weekly check-in",
        timedelta(hours=1),
        True,
    )
    # The held check-in keeps its agenda; the later topic moved to the Thursday of its week.
    past_topic.refresh_from_db()
    assert (past_topic.occurrence.series_id, past_topic.occurrence.original_start) == (
        old.pk,
        FIRST,
    )
    future_topic.refresh_from_db()
    assert (future_topic.occurrence.series_id, future_topic.occurrence.original_start) == (
        new.pk,
        datetime(2026, 3, 19, 9, 0, tzinfo=UTC),  # Thursday 10:00 Berlin
    )


def test_the_old_and_the_new_timing_link_to_each_other(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    traveller.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    client = client_of(pair.leader)
    reschedule(client, series_url(pair, series, "reschedule"), timing(from_date="2026-03-12"))
    new = CheckInSeries.objects.get(previous=series)

    old_page = client.get(series_url(pair, series)).content.decode()
    new_page = client.get(series_url(pair, new)).content.decode()

    assert f'href="{series_url(pair, new)}"' in old_page
    assert f'href="{series_url(pair, series)}"' in new_page


def test_a_series_that_has_not_started_changes_in_place(pair: Pair, series: CheckInSeries) -> None:
    lines, response = reschedule(
        client_of(pair.assistant),
        series_url(pair, series, "reschedule"),
        timing(from_date="2026-03-02"),
    )

    assert lines == []
    assert response.status_code == 302
    series.refresh_from_db()
    assert CheckInSeries.objects.count() == 1
    assert (series.start_date, series.recurrence.weekdays, series.local_time) == (
        date(2026, 3, 5),  # the first Thursday from 2 March
        (3,),
        time(10, 0),
    )


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"from_date": "2026-03-01"},  # today in Berlin
            "from_date",
            "Must be after today: the past stays as it was.",
        ),
        ({"from_date": ""}, "from_date", "This field is required."),
        ({"weekdays": []}, "weekdays", "Choose at least one day of the week."),
        (
            {"frequency": "monthly_by_weekday", "nth": "", "nth_weekday": "0"},
            "nth",
            "Choose which weekday of the month.",
        ),
        (
            {"duration_minutes": "0"},
            "duration_minutes",
            "Ensure this value is greater than or equal to 1.",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone", None),
        (
            {"count": "3", "until": "2026-06-01"},
            "until",
            "End after a number of check-ins or on a date, not both.",
        ),
    ],
)
def test_a_bad_timing_comes_back_with_the_error_and_saves_nothing(
    pair: Pair, series: CheckInSeries, changes: dict[str, Any], field: str, error: str | None
) -> None:
    before = snapshot()

    response = client_of(pair.leader).post(
        series_url(pair, series, "reschedule"), timing(**changes)
    )

    assert response.status_code == 200
    errors = response.context["reschedule_form"].errors
    assert list(errors) == [field]
    if error is not None:
        assert errors[field] == [error]
        assert error in response.content.decode()
    assert snapshot() == before


def test_a_date_after_the_series_ends_is_refused(
    pair: Pair, traveller: time_machine.Coordinates
) -> None:
    short = series_for(pair.leader_membership, count=3)  # 2, 9 and 16 March
    before = snapshot()

    response = client_of(pair.leader).post(
        series_url(pair, short, "reschedule"), timing(from_date="2026-03-20")
    )

    assert response.status_code == 200
    assert response.context["reschedule_form"].errors == {
        "from_date": ["The series ends before that date."]
    }
    assert snapshot() == before


def test_an_ended_series_offers_no_new_timing(
    pair: Pair, traveller: time_machine.Coordinates
) -> None:
    short = series_for(pair.leader_membership, count=2)  # 2 and 9 March
    traveller.move_to(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))

    response = client_of(pair.leader).get(series_url(pair, short))

    assert response.status_code == 200
    assert response.context["reschedule_form"] is None
    assert "This series has ended" in response.content.decode()


# --- stop and resume ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_either_member_stops_and_resumes_the_series(
    pair: Pair, series: CheckInSeries, role: str
) -> None:
    client = client_of(getattr(pair, role))
    index = f"/t/{pair.tandem.pk}/check-ins/"

    response = client.post(series_url(pair, series, "stop"))

    assert response.status_code == 302 and response["Location"] == index
    series.refresh_from_db()
    assert series.active is False
    assert client.get(index).context["upcoming"] == []
    assert "Resume the series" in client.get(series_url(pair, series)).content.decode()

    response = client.post(series_url(pair, series, "resume"))

    assert response.status_code == 302
    series.refresh_from_db()
    assert series.active is True
    assert len(client.get(index).context["upcoming"]) == 10
