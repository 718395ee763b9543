"""My week at a glance (`GET /api/v1/me/week/`): across all my tandems, the check-ins of the
next days with their agenda counts, my open action items and those I wait for, the requests
and decisions that wait for the leader, the assistant's own requests waiting, and the
feedback to write — each tandem only its own rows, each person only their tandems."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.home.selectors import home_for
from apps.tandems.models import Membership
from tests.conftest import Pair, client_for
from tests.factories import TandemFactory
from tests.factories.checkins import series_for
from tests.factories.feedback import make_cycle

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


@pytest.fixture
def week(pair: Pair) -> Pair:
    """A weekly Monday check-in with two agenda items on the next one, the
    one after skipped; action items of both; a request and an inform decision waiting; a
    feedback cycle open."""
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        series = series_for(pair.leader_membership)
        for text in ("Budget", "Hiring"):
            checkins.agenda_item_add(
                membership=pair.assistant_membership,
                series_id=series.pk,
                start=MONDAY,
                kind="question",
                text=text,
            )
        checkins.occurrence_skip(
            membership=pair.leader_membership,
            series_id=series.pk,
            start=MONDAY + timedelta(weeks=1),
        )
        for owner, text in ((pair.leader, "Sign contract"), (pair.assistant, "Book venue")):
            checkins.action_item_create(
                membership=pair.leader_membership,
                text=text,
                owner_id=owner.pk,
                due_date=date(2026, 3, 4),
            )
        vendors = delegation.area_create(membership=pair.leader_membership, name="Vendors", level=4)
        supplies = delegation.area_create(
            membership=pair.leader_membership, name="Supplies", level=6
        )
        delegation.decision_log(
            membership=pair.assistant_membership,
            title="New supplier",
            rationale="Cheaper",
            area_id=vendors.pk,
        )
        delegation.decision_log(
            membership=pair.assistant_membership,
            title="Paper",
            rationale="Out",
            area_id=supplies.pk,
        )
        make_cycle(pair.leader_membership, opens_at=NOW - timedelta(hours=1), title="March")
    return pair


def _week(user: Any, query: str = "") -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        answer = client_for(user).get(f"/api/v1/me/week/{query}")
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_the_leaders_week(week: Pair) -> None:
    found = _week(week.leader)

    assert found["start"] == "2026-03-01T12:00:00Z" and found["end"] == "2026-03-08T12:00:00Z"
    (tandem,) = found["tandems"]
    assert (tandem["id"], tandem["role"]) == (week.tandem.pk, "leader")
    assert tandem["partner"]["id"] == week.assistant.pk
    assert [(c["key"], c["agenda_count"], c["open_agenda_count"]) for c in tandem["checkins"]] == [
        ("2026-03-02T08:00:00Z", 2, 2)
    ]
    assert [i["text"] for i in tandem["action_items"]["items"]] == ["Sign contract"]
    assert tandem["waiting_on_partner"]["total"] == 1
    assert tandem["waiting_on_partner"]["items"][0]["owner_name"] == week.assistant.name
    assert [d["title"] for d in tandem["requests_to_answer"]["items"]] == ["New supplier"]
    assert tandem["requests_to_answer"]["items"][0]["area_name"] == "Vendors"
    assert [d["title"] for d in tandem["to_acknowledge"]["items"]] == ["Paper"]
    assert tandem["my_requests_waiting"] == {"total": 0, "items": []}
    assert [c["title"] for c in tandem["feedback_to_write"]] == ["March"]


def test_the_assistants_week(week: Pair) -> None:
    (tandem,) = _week(week.assistant)["tandems"]

    assert tandem["role"] == "assistant"
    assert [d["title"] for d in tandem["my_requests_waiting"]["items"]] == ["New supplier"]
    assert tandem["my_requests_waiting"]["total"] == 1
    assert tandem["requests_to_answer"]["total"] == tandem["to_acknowledge"]["total"] == 0
    assert [i["text"] for i in tandem["action_items"]["items"]] == ["Book venue"]


def test_a_longer_reach_passes_the_skipped_meeting(week: Pair) -> None:
    (tandem,) = _week(week.leader, "?days=21")["tandems"]

    # 2 March; 9 March is skipped; 16 March.
    assert [c["key"] for c in tandem["checkins"]] == [
        "2026-03-02T08:00:00Z",
        "2026-03-16T08:00:00Z",
    ]


def test_a_bad_reach_is_a_400_naming_days(week: Pair) -> None:
    for query in ("?days=0", "?days=32", "?days=soon", "?days="):
        with time_machine.travel(NOW, tick=False):
            answer = client_for(week.leader).get(f"/api/v1/me/week/{query}")
        assert answer.status_code == 400
        assert "days" in answer.json()


def test_every_tandem_of_mine_and_no_other(week: Pair, other_pair: Pair) -> None:
    second = TandemFactory(name="Another", seats__leader=week.leader)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        series_for(other_pair.leader_membership)
        checkins.action_item_create(
            membership=other_pair.leader_membership,
            text="Theirs",
            owner_id=other_pair.leader.pk,
            due_date=date(2026, 3, 4),
        )

    mine = _week(week.leader)["tandems"]
    theirs = _week(other_pair.leader)["tandems"]

    assert [t["id"] for t in mine] == sorted(
        [week.tandem.pk, second.pk],
        key=lambda pk: Membership.objects.get(tandem_id=pk, user=week.leader).tandem.name,
    )
    assert [t["id"] for t in theirs] == [other_pair.tandem.pk]
    assert [i["text"] for i in theirs[0]["action_items"]["items"]] == ["Theirs"]
    everything = str(theirs)
    assert "Sign contract" not in everything and "New supplier" not in everything


def test_the_page_in_english_and_german(week: Pair) -> None:
    browser = Client()
    browser.force_login(week.leader)
    with time_machine.travel(NOW, tick=False):
        page = browser.get("/me/week/")
        week.leader.language = "de"
        week.leader.save(update_fields=["language"])
        german = browser.get("/me/week/", HTTP_ACCEPT_LANGUAGE="de")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/t/{week.tandem.pk}/check-ins/' in html and "2 agenda items" in html
    assert "New supplier" in html and "Paper" in html and "Sign contract" in html
    assert "Book venue" in html and "March" in html
    assert '<a href="/me/week/">My week</a>' in html  # in the navigation
    assert "Meine Woche" in german.content.decode()
    assert "2 Agendapunkte" in german.content.decode()


def test_the_page_needs_a_sign_in() -> None:
    answer = Client().get("/me/week/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


@pytest.fixture
def busy_week(pair: Pair) -> Pair:
    """Past the lists' length and past a (lowered) count cap: 23 open action items of the
    leader's (due one day apart, made in a shuffled order), 22 requests waiting (a minute
    apart) and 3 decisions to acknowledge."""
    vendors = None
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        vendors = delegation.area_create(membership=pair.leader_membership, name="Vendors", level=4)
        supplies = delegation.area_create(
            membership=pair.leader_membership, name="Supplies", level=6
        )
        for day in [*range(12, 23), *range(0, 12)]:
            checkins.action_item_create(
                membership=pair.leader_membership,
                text=f"Task {day:02}",
                owner_id=pair.leader.pk,
                due_date=date(2026, 3, 4) + timedelta(days=day),
            )
    for minute in range(22):
        with time_machine.travel(NOW - timedelta(days=1, minutes=60 - minute), tick=False):
            delegation.decision_log(
                membership=pair.assistant_membership,
                title=f"Request {minute:02}",
                rationale="Why",
                area_id=vendors.pk,
            )
    for title in ("Inform 0", "Inform 1", "Inform 2"):
        with time_machine.travel(NOW - timedelta(hours=1), tick=False):
            delegation.decision_log(
                membership=pair.assistant_membership,
                title=title,
                rationale="Done",
                area_id=supplies.pk,
            )
    return pair


def test_the_lists_show_the_first_twenty_and_count_them_all(busy_week: Pair) -> None:
    (tandem,) = _week(busy_week.leader)["tandems"]

    mine = tandem["action_items"]
    assert [i["text"] for i in mine["items"]] == [f"Task {day:02}" for day in range(20)]
    assert mine["total"] == 23
    requests = tandem["requests_to_answer"]
    assert [d["title"] for d in requests["items"]] == [f"Request {m:02}" for m in range(20)]
    assert requests["total"] == 22
    assert tandem["to_acknowledge"]["total"] == 3
    assert [d["title"] for d in tandem["to_acknowledge"]["items"]] == [
        "Inform 0",
        "Inform 1",
        "Inform 2",
    ]


def test_counts_stop_at_the_cap(busy_week: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apps.core.bounded.COUNT_CAP", 21)

    (tandem,) = _week(busy_week.leader)["tandems"]
    assert tandem["action_items"]["total"] == 22  # the cap + 1: "more than 21"
    assert tandem["requests_to_answer"]["total"] == 22
    assert tandem["to_acknowledge"]["total"] == 3
    assert len(tandem["action_items"]["items"]) == 20  # the list itself is whole

    browser = Client()
    browser.force_login(busy_week.leader)
    with time_machine.travel(NOW, tick=False):
        html = browser.get("/me/week/").content.decode()
    assert "All of them (more than 21)" in html
    assert "All 22" not in html and "All 23" not in html


def test_the_tandem_home_says_more_than_past_the_cap(
    busy_week: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Client()
    browser.force_login(busy_week.leader)
    with time_machine.travel(NOW, tick=False):
        exact = browser.get(f"/t/{busy_week.tandem.pk}/").content.decode()
        monkeypatch.setattr("apps.core.bounded.COUNT_CAP", 21)
        capped = browser.get(f"/t/{busy_week.tandem.pk}/").content.decode()

    assert "22 requests to answer" in exact and "All your 23 open action items" in exact
    assert "More than 21 requests to answer" in capped and "22 requests" not in capped
    assert "All your open action items (more than 21)" in capped
    assert "3 decisions to acknowledge" in capped  # under the cap: exact


def test_a_meeting_moved_into_the_week_shows_and_one_moved_out_does_not(week: Pair) -> None:
    """The stored rows are read by slot and by move (two selects in one query): a meeting of
    a later week moved into this one shows at its new time, the next one moved past the week
    is gone from it, and the tandem home's next meetings follow the same moves."""
    series_id = week.tandem.checkin_series.get().pk
    in_three_weeks = MONDAY + timedelta(weeks=3)
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        checkins.occurrence_move(
            membership=week.leader_membership,
            series_id=series_id,
            start=in_three_weeks,
            to=MONDAY + timedelta(days=2),  # Wednesday of this week
        )
        checkins.occurrence_move(
            membership=week.leader_membership,
            series_id=series_id,
            start=MONDAY,
            to=MONDAY + timedelta(days=8),  # next Tuesday, past the week
        )
    (tandem,) = _week(week.leader)["tandems"]

    assert [(c["key"], c["start"]) for c in tandem["checkins"]] == [
        ("2026-03-23T08:00:00Z", "2026-03-04T08:00:00Z")
    ]
    (home,) = home_for(user=week.leader, now=NOW)
    assert [c.start for c in home.checkins][:3] == [
        MONDAY + timedelta(days=2),
        MONDAY + timedelta(days=8),
        MONDAY + timedelta(weeks=2),
    ]
