"""The check-in pages: index, occurrence, action items. Same rules as the API: members only
(another tandem's page is a 404), only the author changes what an agenda item says, bad
input is shown next to the field and saves nothing; query counts do not grow with rows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.checkins import services
from apps.checkins.models import (
    ActionItem,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    Retro,
)
from apps.checkins.recurrence import next_occurrences, occurrences_between
from tests.apps.checkins.conftest import BEFORE_START, FIRST
from tests.conftest import Pair
from tests.factories.checkins import series_for
from tests.factories.delegation import FlaggedDecisionFactory

pytestmark = pytest.mark.django_db

SECOND = FIRST + timedelta(days=7)
KEY = "2026-03-02T08:00:00Z"


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def base(pair: Pair) -> str:
    return f"/t/{pair.tandem.pk}/check-ins/"


def occ_url(pair: Pair, series: CheckInSeries, tail: str = "", key: str = KEY) -> str:
    return f"{base(pair)}{series.pk}/{key}/{tail}"


def add_item(pair: Pair, series: CheckInSeries, user, text: str = "Topic", start=FIRST):  # type: ignore[no-untyped-def]
    membership = pair.leader_membership if user == pair.leader else pair.assistant_membership
    return services.agenda_item_add(
        membership=membership, series_id=series.pk, start=start, kind="question", text=text
    )


def snapshot() -> dict[str, list]:
    """Every row a check-in page could write, to prove a refused request wrote nothing."""
    return {
        "series": list(CheckInSeries.objects.values()),
        "occurrences": list(Occurrence.objects.values()),
        "agenda": list(AgendaItem.objects.values()),
        "actions": list(ActionItem.objects.values()),
        "retros": list(Retro.objects.values()),
    }


# --- who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_the_index_shows_the_rhythm_and_what_is_coming_to_both_members(
    pair: Pair, series: CheckInSeries, role: str
) -> None:
    page = client_of(getattr(pair, role)).get(base(pair))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Every week on Monday, 09:00" in html
    assert "Europe/Berlin" in html and "30 min · reminder 1 h before" in html
    upcoming = page.context["upcoming"]
    assert [occ.original_start for occ in upcoming[:2]] == [FIRST, SECOND]
    assert len(upcoming) == 10
    assert occ_url(pair, series) in html


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_the_occurrence_page_shows_the_agenda_to_both_members(
    pair: Pair, series: CheckInSeries, role: str
) -> None:
    add_item(pair, series, pair.leader, "Budget for Q2")
    add_item(pair, series, pair.assistant, "Travel policy")

    page = client_of(getattr(pair, role)).get(occ_url(pair, series))

    assert page.status_code == 200
    assert [item.text for item in page.context["agenda"]] == ["Budget for Q2", "Travel policy"]
    assert "Monday, 2 March 2026" in page.content.decode()


def test_an_untouched_occurrence_page_creates_no_row(pair: Pair, series: CheckInSeries) -> None:
    page = client_of(pair.leader).get(occ_url(pair, series, key="2026-03-09T08:00:00Z"))

    assert page.status_code == 200
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize(
    "key", ["2026-03-03T08:00:00Z", "2026-03-02T08:00:00", "not-a-time", "2026-03-02T09:00:00Z"]
)
def test_a_time_the_series_does_not_have_is_a_404(
    pair: Pair, series: CheckInSeries, key: str
) -> None:
    assert client_of(pair.leader).get(occ_url(pair, series, key=key)).status_code == 404


GET_PAGES = ["", "action-items/", "{series}/" + KEY + "/"]
POSTS = [
    ("", {"title": "Ours now"}),
    ("action-items/", {"text": "x", "owner": "{leader}"}),
    ("{series}/" + KEY + "/skip/", {}),
    ("{series}/" + KEY + "/restore/", {}),
    ("{series}/" + KEY + "/move/", {"to": "2026-03-03T10:00"}),
    ("{series}/" + KEY + "/held/", {}),
    ("{series}/" + KEY + "/notes/", {"notes": "mine"}),
    ("{series}/" + KEY + "/agenda/", {"kind": "question", "text": "x"}),
    ("{series}/" + KEY + "/action-items/", {"text": "x", "owner": "{leader}"}),
    ("{series}/" + KEY + "/retro/", {"effectiveness": "5"}),
    ("agenda-items/{item}/edit/", {"item-{item}-kind": "update", "item-{item}-text": "x"}),
    ("agenda-items/{item}/resolve/", {"resolved": "1"}),
    ("agenda-items/{item}/order/", {"direction": "down"}),
    ("agenda-items/{item}/delete/", {}),
    ("action-items/{action}/status/", {"status": "done"}),
]


def _fill(text: str, values: dict[str, int]) -> str:
    return text.format(**values)


@pytest.mark.parametrize("tail", GET_PAGES)
def test_another_tandems_pages_are_a_404(
    pair: Pair, other_pair: Pair, series: CheckInSeries, tail: str
) -> None:
    url = base(pair) + _fill(tail, {"series": series.pk})

    assert client_of(other_pair.leader).get(url).status_code == 404


@pytest.mark.parametrize(("tail", "data"), POSTS)
def test_another_tandems_forms_are_a_404_and_change_nothing(
    pair: Pair, other_pair: Pair, series: CheckInSeries, tail: str, data: dict[str, str]
) -> None:
    item = add_item(pair, series, pair.leader)
    action = services.action_item_create(
        membership=pair.leader_membership, text="Ours", owner_id=pair.leader.pk
    )
    values = {"series": series.pk, "item": item.pk, "action": action.pk, "leader": pair.leader.pk}
    before = snapshot()

    response = client_of(other_pair.leader).post(
        base(pair) + _fill(tail, values),
        {_fill(k, values): _fill(v, values) for k, v in data.items()},
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_an_outsider_cannot_reach_our_items_through_their_own_tandem(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    item = add_item(pair, series, pair.leader)
    action = services.action_item_create(
        membership=pair.leader_membership, text="Ours", owner_id=pair.leader.pk
    )
    theirs = f"/t/{other_pair.tandem.pk}/check-ins/"
    client = client_of(other_pair.leader)
    before = snapshot()

    assert client.post(f"{theirs}agenda-items/{item.pk}/delete/").status_code == 404
    assert (
        client.post(f"{theirs}agenda-items/{item.pk}/resolve/", {"resolved": "1"}).status_code
        == 404
    )
    assert (
        client.post(f"{theirs}action-items/{action.pk}/status/", {"status": "done"}).status_code
        == 404
    )
    assert snapshot() == before


def test_pages_need_a_login(pair: Pair, series: CheckInSeries) -> None:
    response = Client().get(occ_url(pair, series))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_forms_only_take_posts(pair: Pair, series: CheckInSeries) -> None:
    assert client_of(pair.leader).get(occ_url(pair, series, "skip/")).status_code == 405
    assert not Occurrence.objects.exists()


# --- planning a series -----------------------------------------------------------------------


def series_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Weekly sync",
        "frequency": "weekly",
        "interval": "1",
        "weekdays": ["0"],
        "month_day": "",
        "nth": "",
        "nth_weekday": "",
        "start_date": "2026-03-02",
        "local_time": "09:30",
        "timezone": "Europe/Berlin",
        "duration_minutes": "45",
        "reminder_lead_minutes": "60",
        "count": "",
        "until": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"frequency": "daily", "interval": "2", "weekdays": ["3"]}, "FREQ=DAILY;INTERVAL=2"),
        ({"weekdays": ["3", "0"]}, "FREQ=WEEKLY;BYDAY=MO,TH"),
        ({"interval": "2", "weekdays": ["4"]}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ({"frequency": "monthly_by_date", "month_day": "15"}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        (
            {"frequency": "monthly_by_weekday", "nth": "-1", "nth_weekday": "4"},
            "FREQ=MONTHLY;BYDAY=-1FR",
        ),
        ({"count": "6"}, "FREQ=WEEKLY;BYDAY=MO;COUNT=6"),
        ({"until": "2026-06-29"}, "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260629T235959"),
        # A single meeting ignores the rhythm's fields the page hides for it.
        ({"frequency": "once", "interval": "3", "count": "6"}, "FREQ=DAILY;COUNT=1"),
        ({"frequency": "monthly_by_date", "month_day": "-1"}, "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (
            {"frequency": "monthly_by_weekday", "nth": "5", "nth_weekday": "3"},
            "FREQ=MONTHLY;BYDAY=5TH",
        ),
        (
            {"frequency": "monthly_by_weekday", "nth": "-1", "nth_weekday": "working_day"},
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),
        (
            {"frequency": "monthly_by_weekday", "nth": "1", "nth_weekday": "weekend_day"},
            "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=1",
        ),
        (
            {"frequency": "yearly_by_date", "month": "3", "month_day": "15"},
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15",
        ),
        (
            {"frequency": "yearly_by_weekday", "month": "11", "nth": "4", "nth_weekday": "3"},
            "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
        ),
    ],
)
def test_either_member_plans_a_series_in_every_rhythm(
    pair: Pair, traveller: object, fields: dict[str, object], rule: str
) -> None:
    response = client_of(pair.assistant).post(base(pair), series_form(**fields))

    assert response.status_code == 302
    assert response.headers["Location"] == base(pair)
    series = CheckInSeries.objects.get()
    assert (series.tandem_id, series.title, series.rule) == (pair.tandem.pk, "Weekly sync", rule)
    assert (series.local_time.isoformat(), series.timezone) == ("09:30:00", "Europe/Berlin")
    assert (series.duration, series.reminder_lead) == (timedelta(minutes=45), timedelta(hours=1))


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": "  "}, {"title": ["This field is required."]}),
        ({"weekdays": []}, {"weekdays": ["Choose at least one day of the week."]}),
        (
            {"frequency": "monthly_by_weekday", "nth": "1"},
            {"nth_weekday": ["Choose a weekday, a working day, a weekend day or a day."]},
        ),
        (
            {"frequency": "monthly_by_weekday", "nth_weekday": "1"},
            {"nth": ["Choose which weekday of the month."]},
        ),
        ({"frequency": "monthly_by_date"}, {"month_day": ["Choose a day of the month."]}),
        (
            {"frequency": "yearly_by_date", "month_day": "1"},
            {"month": ["Choose a month."]},
        ),
        (
            {"frequency": "yearly_by_date", "month": "2", "month_day": "30"},
            {"month_day": ["Day 30 never occurs in the months this series visits."]},
        ),
        (
            {"duration_minutes": "0"},
            {"duration_minutes": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"reminder_lead_minutes": "5000"},
            {"reminder_lead_minutes": ["Ensure this value is less than or equal to 2880."]},
        ),
        (
            {"count": "3", "until": "2026-06-01"},
            {"until": ["End after a number of check-ins or on a date, not both."]},
        ),
        (
            {"until": "2026-02-01"},
            {"until": ["Must not be before the first date of the series."]},
        ),
        (
            {"frequency": "nightly"},
            {"frequency": ["Select a valid choice. nightly is not one of the available choices."]},
        ),
        (
            {"timezone": "Mars/Olympus"},
            {
                "timezone": [
                    "“Mars/Olympus” is not a timezone we know. Choose one from the list or type"
                    " its IANA name, e.g. Europe/Berlin."
                ]
            },
        ),
    ],
)
def test_a_series_form_with_bad_input_shows_the_error_next_to_the_field_and_saves_nothing(
    pair: Pair, traveller: object, fields: dict[str, object], errors: dict[str, list[str]]
) -> None:
    response = client_of(pair.leader).post(base(pair), series_form(**fields))

    assert response.status_code == 200
    assert response.context["series_form"].errors == errors
    assert not CheckInSeries.objects.exists()
    field = next(iter(errors))
    assert f'id="id_{field}_error"' in response.content.decode()


# --- one occurrence --------------------------------------------------------------------------


def test_both_members_add_topics_of_every_kind(pair: Pair, series: CheckInSeries) -> None:
    kinds = ["question", "update", "decision_needed", "priority", "disagreement"]
    for index, kind in enumerate(kinds):
        response = client_of(pair.leader).post(
            occ_url(pair, series, "agenda/"), {"kind": kind, "text": f"Leader {index}"}
        )
        assert response.status_code == 302
    response = client_of(pair.assistant).post(
        occ_url(pair, series, "agenda/"), {"kind": "mistake_learning", "text": "Assistant"}
    )

    assert response.headers["Location"] == occ_url(pair, series) + "#agenda"
    rows = list(AgendaItem.objects.values_list("kind", "text", "author_id", "position"))
    assert rows == [
        *[(kind, f"Leader {i}", pair.leader.pk, i) for i, kind in enumerate(kinds)],
        ("mistake_learning", "Assistant", pair.assistant.pk, 5),
    ]
    assert Occurrence.objects.get().original_start == FIRST


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"kind": "question", "text": "   "}, {"text": ["This field is required."]}),
        (
            {"kind": "gossip", "text": "x"},
            {"kind": ["Select a valid choice. gossip is not one of the available choices."]},
        ),
    ],
)
def test_a_bad_topic_is_shown_next_to_the_field_and_saves_nothing(
    pair: Pair, series: CheckInSeries, data: dict[str, str], errors: dict[str, list[str]]
) -> None:
    response = client_of(pair.leader).post(occ_url(pair, series, "agenda/"), data)

    assert response.status_code == 200
    assert response.context["agenda_form"].errors == errors
    assert snapshot()["agenda"] == [] and not Occurrence.objects.exists()


def test_a_decision_of_another_tandem_cannot_be_linked(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    theirs = FlaggedDecisionFactory(
        tandem=other_pair.tandem,
        author=other_pair.assistant,
        title="Theirs",
        decided_at=BEFORE_START,
    )

    response = client_of(pair.leader).post(
        occ_url(pair, series, "agenda/"),
        {"kind": "decision_needed", "text": "x", "decision": str(theirs.pk)},
    )

    assert response.status_code == 200
    assert list(response.context["agenda_form"].errors) == ["decision"]
    assert not AgendaItem.objects.exists()


def test_a_topic_can_link_a_decision_of_the_tandem(pair: Pair, series: CheckInSeries) -> None:
    ours = FlaggedDecisionFactory(
        tandem=pair.tandem,
        author=pair.assistant,
        title="New travel agency",
        decided_at=BEFORE_START,
    )
    client = client_of(pair.assistant)

    client.post(
        occ_url(pair, series, "agenda/"),
        {"kind": "decision_needed", "text": "May I switch?", "decision": str(ours.pk)},
    )

    assert AgendaItem.objects.get().decision == ours
    assert "Decision: New travel agency" in client.get(occ_url(pair, series)).content.decode()


def test_only_the_author_changes_or_removes_a_topic(pair: Pair, series: CheckInSeries) -> None:
    item = add_item(pair, series, pair.leader, "Leader's words")
    prefix = f"item-{item.pk}"
    before = snapshot()
    assistant = client_of(pair.assistant)

    edit = assistant.post(
        f"{base(pair)}agenda-items/{item.pk}/edit/",
        {f"{prefix}-kind": "update", f"{prefix}-text": "Rewritten"},
    )
    remove = assistant.post(f"{base(pair)}agenda-items/{item.pk}/delete/")

    assert (edit.status_code, remove.status_code) == (403, 403)
    assert snapshot() == before
    page = assistant.get(occ_url(pair, series)).content.decode()
    assert f"/agenda-items/{item.pk}/edit/" not in page
    assert f"/agenda-items/{item.pk}/delete/" not in page


def test_the_author_edits_and_removes_a_topic(pair: Pair, series: CheckInSeries) -> None:
    item = add_item(pair, series, pair.leader, "Old words")
    prefix = f"item-{item.pk}"
    leader = client_of(pair.leader)

    edited = leader.post(
        f"{base(pair)}agenda-items/{item.pk}/edit/",
        {f"{prefix}-kind": "priority", f"{prefix}-text": "New words"},
    )
    item.refresh_from_db()
    assert edited.headers["Location"] == occ_url(pair, series) + f"#item-{item.pk}"
    assert (item.kind, item.text) == ("priority", "New words")

    leader.post(f"{base(pair)}agenda-items/{item.pk}/delete/")
    assert not AgendaItem.objects.exists()


def test_an_empty_edit_is_shown_next_to_the_field_and_saves_nothing(
    pair: Pair, series: CheckInSeries
) -> None:
    item = add_item(pair, series, pair.leader, "Keep me")
    prefix = f"item-{item.pk}"

    response = client_of(pair.leader).post(
        f"{base(pair)}agenda-items/{item.pk}/edit/",
        {f"{prefix}-kind": "update", f"{prefix}-text": ""},
    )

    assert response.status_code == 200
    assert response.templates[0].name == "checkins/agenda_item_edit.html"
    assert response.context["form"].errors == {"text": ["This field is required."]}
    assert AgendaItem.objects.get().text == "Keep me"


def test_either_member_resolves_and_reorders_topics(pair: Pair, series: CheckInSeries) -> None:
    first = add_item(pair, series, pair.leader, "First")
    second = add_item(pair, series, pair.leader, "Second")
    assistant = client_of(pair.assistant)

    assistant.post(f"{base(pair)}agenda-items/{first.pk}/resolve/", {"resolved": "1"})
    assistant.post(f"{base(pair)}agenda-items/{second.pk}/order/", {"direction": "up"})

    assert list(AgendaItem.objects.order_by("position").values_list("text", "resolved")) == [
        ("Second", False),
        ("First", True),
    ]
    assistant.post(f"{base(pair)}agenda-items/{first.pk}/resolve/", {"resolved": "0"})
    assert not AgendaItem.objects.get(pk=first.pk).resolved


def test_a_carried_over_topic_is_marked(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    add_item(pair, series, pair.leader, "Still open")
    traveller.move_to(FIRST + timedelta(minutes=10))
    client = client_of(pair.assistant)
    client.post(occ_url(pair, series, "held/"))

    page = client.get(occ_url(pair, series, key="2026-03-09T08:00:00Z"))

    assert [item.text for item in page.context["agenda"]] == ["Still open"]
    assert page.context["carried_in"] == 1
    assert "carried over from 2 Mar" in page.content.decode()
    assert "carried on to 9 Mar" in client.get(occ_url(pair, series)).content.decode()


def test_skip_and_restore_one_occurrence(pair: Pair, series: CheckInSeries) -> None:
    client = client_of(pair.assistant)

    skipped = client.post(occ_url(pair, series, "skip/"), {"next": base(pair) + "#upcoming"})
    assert skipped.headers["Location"] == base(pair) + "#upcoming"
    assert Occurrence.objects.get().status == OccurrenceStatus.SKIPPED

    client.post(occ_url(pair, series, "restore/"))
    assert Occurrence.objects.get().status == OccurrenceStatus.SCHEDULED


def test_a_redirect_never_leaves_the_site(pair: Pair, series: CheckInSeries) -> None:
    response = client_of(pair.leader).post(
        occ_url(pair, series, "skip/"), {"next": "https://evil.example/"}
    )

    assert response.headers["Location"] == occ_url(pair, series)


def test_moving_reads_the_time_in_the_viewers_timezone(pair: Pair, series: CheckInSeries) -> None:
    pair.leader.timezone = "America/New_York"
    pair.leader.save()

    response = client_of(pair.leader).post(
        occ_url(pair, series, "move/"), {"to": "2026-03-03T05:00"}
    )

    assert response.status_code == 302
    row = Occurrence.objects.get()
    assert (row.status, row.moved_to) == ("moved", datetime(2026, 3, 3, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("to", "errors"),
    [
        ("2026-02-27T09:00", {"to": ["Must be in the future."]}),
        ("2026-03-09T09:10", {"to": ["Overlaps another occurrence of this series."]}),
        ("tomorrow", {"to": ["Enter a valid date/time."]}),
    ],
)
def test_a_bad_move_is_shown_next_to_the_field_and_saves_nothing(
    pair: Pair, series: CheckInSeries, to: str, errors: dict[str, list[str]]
) -> None:
    response = client_of(pair.leader).post(occ_url(pair, series, "move/"), {"to": to})

    assert response.status_code == 200
    assert response.context["move_form"].errors == errors
    assert list(Occurrence.objects.values_list("status", "moved_to")) in ([], [("scheduled", None)])


def test_notes_are_kept_and_shown(pair: Pair, series: CheckInSeries) -> None:
    client = client_of(pair.assistant)

    client.post(occ_url(pair, series, "notes/"), {"notes": "We agreed on Tuesdays."})

    assert Occurrence.objects.get().notes == "We agreed on Tuesdays."
    assert "We agreed on Tuesdays." in client.get(occ_url(pair, series)).content.decode()


def test_holding_waits_for_the_start(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    client = client_of(pair.leader)
    assert "/held/" not in client.get(occ_url(pair, series)).content.decode()

    traveller.move_to(FIRST + timedelta(minutes=5))
    assert "/held/" in client.get(occ_url(pair, series)).content.decode()
    client.post(occ_url(pair, series, "held/"))

    assert Occurrence.objects.get().status == OccurrenceStatus.HELD


# --- action items ----------------------------------------------------------------------------


def test_either_member_records_an_action_item_for_either_person(
    pair: Pair, series: CheckInSeries
) -> None:
    response = client_of(pair.leader).post(
        occ_url(pair, series, "action-items/"),
        {"text": "Book the venue", "owner": str(pair.assistant.pk), "due_date": "2026-03-06"},
    )

    assert response.headers["Location"] == occ_url(pair, series) + "#action-items"
    item = ActionItem.objects.get()
    assert (item.text, item.owner, item.created_by, item.due_date, item.status) == (
        "Book the venue",
        pair.assistant,
        pair.leader,
        date(2026, 3, 6),
        "open",
    )
    assert item.occurrence.original_start == FIRST


def test_an_owner_outside_the_tandem_is_refused_next_to_the_field(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    response = client_of(pair.leader).post(
        occ_url(pair, series, "action-items/"),
        {"text": "Theirs", "owner": str(other_pair.leader.pk), "due_date": ""},
    )

    assert response.status_code == 200
    assert list(response.context["action_form"].errors) == ["owner"]
    assert not ActionItem.objects.exists() and not Occurrence.objects.exists()


def test_marking_done_records_whether_the_commitment_was_kept(pair: Pair) -> None:
    on_time = services.action_item_create(
        membership=pair.leader_membership,
        text="On time",
        owner_id=pair.assistant.pk,
        due_date=date(2026, 3, 1),
    )
    released = services.action_item_create(
        membership=pair.leader_membership, text="Released", owner_id=pair.leader.pk
    )
    client = client_of(pair.assistant)
    status = f"{base(pair)}action-items/{{}}/status/"

    with time_machine.travel(BEFORE_START, tick=False):
        done = client.post(status.format(on_time.pk), {"status": "done"})
        client.post(status.format(released.pk), {"status": "dropped"})

    assert done.headers["Location"] == f"{base(pair)}action-items/"
    assert list(ActionItem.objects.order_by("id").values_list("status", "kept")) == [
        ("done", True),
        ("dropped", None),
    ]


def test_an_unknown_status_changes_nothing(pair: Pair) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership, text="x", owner_id=pair.leader.pk
    )

    client_of(pair.leader).post(f"{base(pair)}action-items/{item.pk}/status/", {"status": "lost"})

    assert ActionItem.objects.get().status == "open"


def test_the_action_items_page_counts_commitments_per_person(pair: Pair, traveller) -> None:  # type: ignore[no-untyped-def]
    leader, assistant = pair.leader_membership, pair.assistant_membership
    for text, owner, due, status in [
        ("kept", assistant, date(2026, 3, 5), "done"),
        ("late", assistant, date(2026, 2, 20), "done"),
        ("dropped", leader, None, "dropped"),
        ("overdue", leader, date(2026, 2, 27), None),
        ("open", leader, None, None),
    ]:
        item = services.action_item_create(
            membership=leader, text=text, owner_id=owner.user_id, due_date=due
        )
        if status:
            services.action_item_update(membership=leader, item_id=item.pk, status=status)

    page = client_of(pair.assistant).get(f"{base(pair)}action-items/?status=all")

    counts = [
        (row.member.user_id, row.open, row.overdue, row.kept, row.late, row.dropped)
        for row in page.context["commitments"]
    ]
    assert counts == [(pair.leader.pk, 2, 1, 0, 0, 1), (pair.assistant.pk, 0, 0, 1, 1, 0)]
    assert sorted(item.text for item in page.context["items"]) == [
        "dropped",
        "kept",
        "late",
        "open",
        "overdue",
    ]
    only_open = client_of(pair.assistant).get(f"{base(pair)}action-items/")
    assert [item.text for item in only_open.context["items"]] == ["overdue", "open"]


def test_commitments_past_the_cap_say_more_than(
    pair: Pair,
    traveller,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    leader = pair.leader_membership
    for index in range(4):
        services.action_item_create(
            membership=leader, text=f"open {index}", owner_id=leader.user_id
        )
    dropped = services.action_item_create(membership=leader, text="x", owner_id=leader.user_id)
    services.action_item_update(membership=leader, item_id=dropped.pk, status="dropped")
    monkeypatch.setattr("apps.core.bounded.COUNT_CAP", 3)

    page = client_of(pair.leader).get(base(pair))

    (mine, _theirs) = page.context["commitments"]
    assert (mine.open, mine.dropped) == (4, 1)  # counted up to the cap + 1
    row = page.content.decode().split('class="stack commitments"')[1].split("</tr>")[1]
    assert '<td data-label="Open">more than 3</td>' in row
    assert '<td data-label="Dropped">1</td>' in row


def test_an_action_item_outside_a_check_in_needs_text(pair: Pair) -> None:
    response = client_of(pair.leader).post(
        f"{base(pair)}action-items/", {"text": "", "owner": str(pair.leader.pk)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"text": ["This field is required."]}
    assert not ActionItem.objects.exists()


def test_overdue_action_items_show_as_open_from_before(pair: Pair, series: CheckInSeries) -> None:
    services.action_item_create(
        membership=pair.leader_membership,
        text="Send the offsite options",
        owner_id=pair.leader.pk,
        due_date=date(2026, 2, 25),
    )

    page = client_of(pair.assistant).get(occ_url(pair, series))

    assert [item.text for item in page.context["overdue"]] == ["Send the offsite options"]
    assert "Open from before" in page.content.decode()


# --- retro -----------------------------------------------------------------------------------


def test_the_retro_opens_when_the_check_in_starts(pair: Pair, series: CheckInSeries) -> None:
    client = client_of(pair.leader)
    assert 'name="effectiveness"' not in client.get(occ_url(pair, series)).content.decode()

    response = client.post(occ_url(pair, series, "retro/"), {"effectiveness": "4"})

    assert response.status_code == 200
    assert response.context["retro_form"].errors == {
        "__all__": ["The retro opens when the check-in starts."]
    }
    assert not Retro.objects.exists()


def test_each_member_rates_once(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    traveller.move_to(FIRST + timedelta(minutes=40))
    leader = client_of(pair.leader)

    saved = leader.post(
        occ_url(pair, series, "retro/"),
        {"effectiveness": "4", "what_would_help": "Shorter updates"},
    )
    again = leader.post(occ_url(pair, series, "retro/"), {"effectiveness": "2"})

    assert saved.headers["Location"] == occ_url(pair, series) + "#retro"
    assert again.context["retro_form"].errors == {
        "effectiveness": ["You already rated this check-in."]
    }
    assert list(Retro.objects.values_list("member_id", "effectiveness", "what_would_help")) == [
        (pair.leader.pk, 4, "Shorter updates")
    ]
    assert (
        'name="effectiveness"'
        in client_of(pair.assistant).get(occ_url(pair, series)).content.decode()
    )


@pytest.mark.parametrize("value", ["0", "6", "", "good"])
def test_a_rating_outside_1_to_5_is_refused_next_to_the_field(
    pair: Pair,
    series: CheckInSeries,
    traveller,
    value: str,  # type: ignore[no-untyped-def]
) -> None:
    traveller.move_to(FIRST + timedelta(minutes=40))

    response = client_of(pair.leader).post(
        occ_url(pair, series, "retro/"), {"effectiveness": value}
    )

    assert response.status_code == 200
    assert list(response.context["retro_form"].errors) == ["effectiveness"]
    assert not Retro.objects.exists() and not Occurrence.objects.exists()


def test_the_index_draws_each_persons_retro_trend(
    pair: Pair, series: CheckInSeries, traveller
) -> None:  # type: ignore[no-untyped-def]
    ratings = {FIRST: (4, 3), SECOND: (5, None), SECOND + timedelta(days=7): (None, 2)}
    for start, (lead, assist) in ratings.items():
        traveller.move_to(start + timedelta(minutes=5))
        for membership, value in (
            (pair.leader_membership, lead),
            (pair.assistant_membership, assist),
        ):
            if value is not None:
                services.retro_submit(
                    membership=membership, series_id=series.pk, start=start, effectiveness=value
                )
    traveller.move_to(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))

    page = client_of(pair.leader).get(base(pair))

    assert page.context["trend_labels"] == ["2 Mar", "9 Mar", "16 Mar"]
    assert page.context["trend_lines"] == [
        (pair.leader.name, [4.0, 5.0, None]),
        (pair.assistant.name, [3.0, None, 2.0]),
    ]
    assert [occ.original_start for occ in page.context["past"]] == [
        SECOND + timedelta(days=7),
        SECOND,
        FIRST,
    ]
    assert "<svg" in page.content.decode()


# --- query counts ----------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fill_history(pair: Pair, series: CheckInSeries, traveller, weeks: range) -> None:  # type: ignore[no-untyped-def]
    starts = next_occurrences(series.schedule, FIRST - timedelta(seconds=1), 12)
    for week in weeks:
        start = starts[week]
        traveller.move_to(start - timedelta(hours=1))
        add_item(pair, series, pair.assistant, f"Topic {week}", start=start)
        services.action_item_create(
            membership=pair.leader_membership,
            text=f"Action {week}",
            owner_id=pair.assistant.pk,
            due_date=date(2026, 3, 1) + timedelta(days=week),
            series_id=series.pk,
            start=start,
        )
        traveller.move_to(start + timedelta(minutes=5))
        services.retro_submit(
            membership=pair.leader_membership, series_id=series.pk, start=start, effectiveness=4
        )
    traveller.move_to(starts[-1] + timedelta(days=1))


def test_the_index_makes_as_many_queries_for_ten_weeks_as_for_one(
    pair: Pair,
    series: CheckInSeries,
    traveller,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    _fill_history(pair, series, traveller, range(1))
    client = client_of(pair.leader)
    one = _queries(client, base(pair))

    _fill_history(pair, series, traveller, range(1, 10))

    with django_assert_num_queries(one):
        client.get(base(pair))


def test_the_occurrence_page_makes_as_many_queries_for_ten_items_as_for_one(
    pair: Pair,
    series: CheckInSeries,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_of(pair.assistant)

    def fill(n: int) -> None:
        for i in range(n):
            add_item(pair, series, pair.leader if i % 2 else pair.assistant, f"T{i}")
            services.action_item_create(
                membership=pair.leader_membership,
                text=f"A{i}",
                owner_id=pair.leader.pk,
                due_date=date(2026, 2, 1),
                series_id=series.pk,
                start=FIRST,
            )

    fill(1)
    one = _queries(client, occ_url(pair, series))
    fill(9)

    with django_assert_num_queries(one):
        client.get(occ_url(pair, series))


def test_a_topic_carried_and_linked_costs_the_occurrence_page_no_further_query(
    pair: Pair,
    series: CheckInSeries,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    # The page reads only some columns of a topic's related rows: what it shows of them must
    # come with the agenda's one query, not one query per topic and column.
    client = client_of(pair.assistant)
    second = occ_url(pair, series, key="2026-03-09T08:00:00Z")
    topic = add_item(pair, series, pair.assistant, "Plain", start=SECOND)
    earlier = add_item(pair, series, pair.leader, "Earlier", start=FIRST)
    AgendaItem.objects.filter(pk=topic.pk).update(carried_from=earlier)
    one = _queries(client, second)
    decision = FlaggedDecisionFactory(
        tandem=pair.tandem,
        author=pair.assistant,
        title="New travel agency",
        decided_at=BEFORE_START,
    )
    item = services.action_item_create(
        membership=pair.leader_membership,
        text="Book the trip",
        owner_id=pair.leader.pk,
        series_id=series.pk,
        start=FIRST,
    )
    AgendaItem.objects.filter(pk=topic.pk).update(decision=decision, action_item=item)
    for on, author in ((earlier, pair.leader_membership), (topic, pair.assistant_membership)):
        services.agenda_comment_add(membership=author, item_id=on.pk, text=f"On {on.text}")
    later = add_item(pair, series, pair.leader, "Later", start=SECOND + timedelta(days=7))
    AgendaItem.objects.filter(pk=later.pk).update(carried_from=topic)

    with django_assert_num_queries(one):
        page = client.get(second).content.decode()

    assert "Decision: New travel agency" in page and "Action item: Book the trip" in page
    assert "carried over from 2 Mar" in page and "carried on to 16 Mar" in page
    assert "On Earlier" in page and "on the check-in of 2 Mar" in page and "On Plain" in page


def test_the_action_items_page_makes_as_many_queries_for_ten_items_as_for_one(
    pair: Pair,
    series: CheckInSeries,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_of(pair.leader)

    starts = next_occurrences(series.schedule, FIRST - timedelta(seconds=1), 10)

    def fill(weeks: range) -> None:
        for i in weeks:
            services.action_item_create(
                membership=pair.leader_membership,
                text=f"A{i}",
                owner_id=pair.assistant.pk,
                series_id=series.pk,
                start=starts[i],
            )

    fill(range(1))
    one = _queries(client, f"{base(pair)}action-items/?status=all")
    fill(range(1, 10))

    with django_assert_num_queries(one):
        client.get(f"{base(pair)}action-items/?status=all")


def test_a_moved_occurrence_is_listed_at_its_new_time(pair: Pair, series: CheckInSeries) -> None:
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=SECOND,
        to=datetime(2026, 3, 3, 12, 0, tzinfo=UTC),
    )

    page = client_of(pair.assistant).get(base(pair))

    starts = [(occ.original_start, occ.start) for occ in page.context["upcoming"][:3]]
    assert starts == [
        (FIRST, FIRST),
        (SECOND, datetime(2026, 3, 3, 12, 0, tzinfo=UTC)),
        (SECOND + timedelta(days=7), SECOND + timedelta(days=7)),
    ]
    assert "Moved from Mon 9 Mar, 09:00" in page.content.decode()


def _action_items(pair: Pair, n: int) -> None:
    for i in range(n):
        services.action_item_create(
            membership=pair.leader_membership,
            text=f"Action {i}",
            owner_id=pair.assistant.pk,
            due_date=date(2026, 3, 1) + timedelta(days=i),
        )


def _item_texts(page: str) -> list[str]:
    return re.findall(r'<td data-label="What">(Action \d+)</td>', page)


def test_a_long_action_item_list_is_paged_with_the_same_queries(
    pair: Pair, other_pair: Pair
) -> None:
    _action_items(pair, 10)
    _action_items(other_pair, 120)

    small = _queries(client_of(pair.leader), f"{base(pair)}action-items/")
    large = _queries(client_of(other_pair.leader), f"{base(other_pair)}action-items/")
    page = client_of(other_pair.leader).get(f"{base(other_pair)}action-items/").content.decode()

    assert small == large
    assert len(page) < 200_000
    assert _item_texts(page) == [f"Action {i}" for i in range(50)]
    assert 'rel="next" href="?page=2#list"' in page


def test_the_action_item_pages_keep_the_filter(pair: Pair) -> None:
    _action_items(pair, 120)

    page = (
        client_of(pair.leader)
        .get(f"{base(pair)}action-items/", {"status": "all", "page": "3"})
        .content.decode()
    )

    assert _item_texts(page) == [f"Action {i}" for i in range(100, 120)]
    assert 'rel="prev" href="?status=all&amp;page=2#list"' in page
    assert '<span aria-current="page">Page 3 of 3</span>' in page


def test_the_index_shows_the_first_open_items_and_links_to_all(
    pair: Pair, other_pair: Pair
) -> None:
    _action_items(pair, 10)
    _action_items(other_pair, 120)

    small = _queries(client_of(pair.leader), base(pair))
    large = _queries(client_of(other_pair.leader), base(other_pair))
    few = client_of(pair.leader).get(base(pair)).content.decode()
    many = client_of(other_pair.leader).get(base(other_pair)).content.decode()

    assert small == large
    assert len(many) < 200_000
    assert re.findall(r"<li><span>(Action \d+)</span>", many) == [f"Action {i}" for i in range(20)]
    assert "The first 20 open action items by due date." in many
    assert "action-items/?status=open#list" in many
    assert len(re.findall(r"<li><span>(Action \d+)</span>", few)) == 10
    assert "open action items by due date" not in few


@pytest.fixture
def seven_rhythms(pair: Pair, traveller: time_machine.Coordinates) -> list[CheckInSeries]:
    """Seven weekly series, one a weekday each (Monday to Sunday) at 09:00 Berlin, the
    Wednesday one started a week later, the Friday one with its meeting two weeks ahead
    moved a day later."""
    made = [
        series_for(
            pair.leader_membership,
            title=f"Rhythm {day}",
            weekdays=(day,),
            start_date=date(2026, 3, 9 if day == 2 else 2),
        )
        for day in range(7)
    ]
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=made[4].pk,
        start=datetime(2026, 3, 13, 8, 0, tzinfo=UTC) + timedelta(weeks=2),
        to=datetime(2026, 3, 28, 14, 0, tzinfo=UTC),
    )
    return made


def _every_start(series: list[CheckInSeries], since: datetime, until: datetime) -> list:  # type: ignore[type-arg]
    return sorted(
        (start, s.pk) for s in series for start in occurrences_between(s.schedule, since, until)
    )


def test_the_index_describes_five_rhythms_and_links_to_all(
    pair: Pair, seven_rhythms: list[CheckInSeries]
) -> None:
    first = client_of(pair.leader).get(base(pair))
    every = client_of(pair.leader).get(base(pair) + "?series=all")

    shown = [s.title for s in first.context["current_series"]]
    assert shown == [f"Rhythm {day}" for day in (0, 1, 3, 4, 5)]  # by start date, then id
    assert "All 7 rhythms" in first.content.decode()
    assert [s.title for s in every.context["current_series"]] == [*shown, "Rhythm 6", "Rhythm 2"]
    assert "All 7 rhythms" not in every.content.decode()
    # Every rhythm's meetings are coming up, described or not.
    assert {occ.series_id for occ in first.context["upcoming"]} == {s.pk for s in seven_rhythms}


def test_coming_up_and_past_are_the_next_and_last_of_all_the_series(
    pair: Pair, seven_rhythms: list[CheckInSeries]
) -> None:
    now = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)  # a Monday, after 09:00 Berlin
    with time_machine.travel(now, tick=False):
        page = client_of(pair.leader).get(base(pair))

    upcoming = [(occ.start, occ.series_id) for occ in page.context["upcoming"]]
    moved = (datetime(2026, 3, 28, 14, 0, tzinfo=UTC), seven_rhythms[4].pk)
    ahead = [
        pair_
        for pair_ in _every_start(seven_rhythms, now, now + timedelta(weeks=3))
        if pair_ != (datetime(2026, 3, 27, 8, 0, tzinfo=UTC), seven_rhythms[4].pk)
    ]
    assert upcoming == sorted([*ahead, moved])[:10]
    past = [(occ.original_start, occ.series_id) for occ in page.context["past"]]
    assert past == _every_start(seven_rhythms, now - timedelta(weeks=4), now)[::-1][:12]


# The open action items of the index as the page wrote them before they were stamped
# (`{% stamp_row "checkins/_open_item_row.html" %}`): the item's text, its owner, its state
# (checkins/_item_state.html) and its buttons, rendered for each item.
_OPEN_ITEMS_AS_BEFORE = """{% load i18n people %}<ul class="plain">{% for item in open_items %}
    <li><span>{{ item.text }}</span>
      <span class="muted">— {% person item.owner %}{% if item.due_date %}, {% blocktranslate with date=item.due_date|date:"DATE_FORMAT" %}due {{ date }}{% endblocktranslate %}{% endif %}</span>
      {% include "checkins/_item_state.html" %}
      {% url 'checkins:action_item_status' tandem.pk item.pk as status_url %}<div class="actions">
{% if item.status == "open" %}
  <form method="post" action="{{ status_url }}" class="inline">{% csrf_token %}<input type="hidden" name="next" value="{{ next }}"><input type="hidden" name="status" value="done"><button type="submit" class="secondary" aria-label="{% blocktranslate with text=item.text|truncatechars:40 %}Mark “{{ text }}” done{% endblocktranslate %}">{% translate "Done" %}</button></form>
  <form method="post" action="{{ status_url }}" class="inline">{% csrf_token %}<input type="hidden" name="next" value="{{ next }}"><input type="hidden" name="status" value="dropped"><button type="submit" class="secondary" aria-label="{% blocktranslate with text=item.text|truncatechars:40 %}Drop “{{ text }}”{% endblocktranslate %}">{% translate "Drop" %}</button></form>
{% else %}
  <form method="post" action="{{ status_url }}" class="inline">{% csrf_token %}<input type="hidden" name="next" value="{{ next }}"><input type="hidden" name="status" value="open"><button type="submit" class="link">{% translate "Reopen" %}</button></form>
{% endif %}
</div>

    </li>{% endfor %}</ul>"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_index_stamps_its_open_items_as_they_were_rendered(pair: Pair, language: str) -> None:
    from django.db.models import F
    from django.template import engines
    from django.test import RequestFactory
    from django.utils import timezone, translation

    from apps.checkins.models import ActionItem
    from apps.tandems.selectors import former_names_of

    long_text = "Send the <offer> & compare it with the two others before Friday"
    for text, due in [
        ("Overdue & <late>", date(2020, 1, 1)),
        (long_text, date(2099, 1, 1)),
        ("No date", None),
    ]:
        services.action_item_create(
            membership=pair.leader_membership,
            text=text,
            owner_id=pair.assistant.pk,
            due_date=due,
        )
    services.action_item_create(
        membership=pair.leader_membership, text="The leader's", owner_id=pair.leader.pk
    )
    pair.leader.language = language
    pair.leader.save(update_fields=["language"])

    page = client_of(pair.leader).get(base(pair)).content.decode()

    shown = re.search(r'<ul class="plain">\n    <li><span>.*?</ul>', page, re.S)
    assert shown is not None
    request = RequestFactory().get(base(pair))
    with translation.override(language):
        before = (
            engines["django"]
            .from_string(_OPEN_ITEMS_AS_BEFORE)
            .render(
                {
                    "open_items": ActionItem.objects.filter(tandem=pair.tandem, status="open")
                    .select_related("owner")
                    .order_by(F("due_date").asc(nulls_last=True), "id"),
                    "today": timezone.localdate(),
                    "tandem": pair.tandem,
                    "next": f"{base(pair)}#commitments",
                    "former_names": former_names_of(tandem_id=pair.tandem.pk),
                },
                request,
            )
        )
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("CSRF", shown.group(0)) == token.sub("CSRF", before)
    assert (
        "Overdue &amp; &lt;late&gt;" in before and "Send the &lt;offer&gt; &amp; compare" in before
    )


def test_the_plan_form_kept_per_language_timezone_and_day_is_the_form_rendered(
    pair: Pair,
) -> None:
    """The unbound plan-a-check-in form's fields are rendered once per process for each
    language, timezone and day (`views.index.series_fields`): each viewer still gets their
    own timezone and day in it, as rendered afresh."""
    import importlib

    index_view = importlib.import_module("apps.checkins.views.index")

    pair.leader.language, pair.leader.timezone = "en", "Europe/Berlin"
    pair.assistant.language, pair.assistant.timezone = "de", "America/New_York"
    for user in (pair.leader, pair.assistant):
        user.save(update_fields=["language", "timezone"])

    def plan_forms() -> dict[str, str]:
        found = {}
        for user in (pair.leader, pair.assistant):
            page = client_of(user).get(base(pair)).content.decode()
            form = re.search(
                r'<form method="post" action="[^"]*" novalidate class="series-form">.*?</form>',
                page,
                re.S,
            )
            assert form is not None
            found[user.timezone] = re.sub(r'value="[A-Za-z0-9]{64}"', "CSRF", form.group(0))
        return found

    index_view._FIELDS.clear()
    kept = plan_forms()  # rendered, then kept …
    assert len(index_view._FIELDS) == 2
    again = plan_forms()  # … and read from what was kept
    fresh = {}
    for zone in kept:
        index_view._FIELDS.clear()
        fresh[zone] = plan_forms()[zone]

    assert kept == again == fresh
    assert '<option value="Europe/Berlin" selected>' in kept["Europe/Berlin"]
    assert '<option value="America/New_York" selected>' in kept["America/New_York"]
    assert "Titel" in kept["America/New_York"] and "Title" in kept["Europe/Berlin"]
