"""The goal endpoints of the API: the measure on the goal, check-ins, milestones, the report."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from apps.checkins import services as checkins_services
from apps.notifications.models import Notice
from apps.tandems import services as tandem_services
from apps.tandems.models import Goal, GoalCheckIn, GoalMilestone
from tests.apps.delegation.conftest import log
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _base(pair: Pair) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/goals/"


def test_the_leader_gives_a_goal_a_number_and_both_read_its_progress(pair: Pair) -> None:
    created = pair.leader_client.post(
        _base(pair),
        {
            "title": "Newsletters",
            "measure": "number",
            "start_value": "0",
            "target_value": "12",
            "unit": "issues",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("measure", "start_value", "current_value", "target_value")} == {
        "measure": "number",
        "start_value": "0.00",
        "current_value": "0.00",
        "target_value": "12.00",
    }
    assert (body["progress"], body["milestones_done"], body["milestones_total"]) == (0, 0, 0)
    listed = pair.assistant_client.get(_base(pair)).json()["results"]
    assert [(g["title"], g["progress"]) for g in listed] == [("Newsletters", 0)]

    half = pair.leader_client.patch(
        f"{_base(pair)}{body['id']}/", {"current_value": "6"}, format="json"
    )
    assert (half.status_code, half.json()["progress"]) == (200, 50)
    missing = pair.leader_client.patch(
        f"{_base(pair)}{body['id']}/", {"target_value": "0"}, format="json"
    )
    assert (missing.status_code, list(missing.json())) == (400, ["target_value"])
    refused = pair.leader_client.post(
        _base(pair), {"title": "No target", "measure": "number", "start_value": "1"}, format="json"
    )
    assert (refused.status_code, list(refused.json())) == (400, ["target_value"])
    assert Goal.objects.count() == 1


def test_check_ins_are_listed_newest_first_and_tell_the_partner(pair: Pair) -> None:
    goal = tandem_services.goal_create(
        membership=pair.leader_membership,
        title="Invoices",
        measure="number",
        start_value=Decimal(40),
        target_value=Decimal(5),
    )
    url = f"{_base(pair)}{goal.pk}/checkins/"
    first = pair.assistant_client.post(
        url, {"text": "30 left", "confidence": "on_track", "value": "30"}, format="json"
    )
    second = pair.leader_client.post(
        url, {"text": "Stuck on two", "confidence": "at_risk"}, format="json"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["author"]["id"] == pair.assistant.pk
    listed = pair.leader_client.get(url).json()
    assert [(c["text"], c["confidence"], c["value"]) for c in listed["results"]] == [
        ("Stuck on two", "at_risk", None),
        ("30 left", "on_track", "30.00"),
    ]
    assert sorted(Notice.objects.values_list("recipient_id", "kind")) == sorted(
        [(pair.leader.pk, "goal.checkin"), (pair.assistant.pk, "goal.checkin")]
    )
    goal.refresh_from_db()
    assert goal.current_value == Decimal(30)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"confidence": "on_track"}, "text"),
        ({"text": "", "confidence": "on_track"}, "text"),
        ({"text": "ok"}, "confidence"),
        ({"text": "ok", "confidence": "great"}, "confidence"),
        ({"text": "ok", "confidence": "on_track", "value": "1e20"}, "value"),
        ({"text": "ok", "confidence": "on_track", "mood": 3}, "mood"),
    ],
)
def test_a_bad_check_in_is_a_400_naming_the_field(
    pair: Pair, body: dict[str, object], field: str
) -> None:
    goal = tandem_services.goal_create(membership=pair.leader_membership, title="G")
    response = pair.leader_client.post(f"{_base(pair)}{goal.pk}/checkins/", body, format="json")
    assert (response.status_code, list(response.json())) == (400, [field])
    assert not GoalCheckIn.objects.exists()


def test_milestones_through_the_api(pair: Pair) -> None:
    goal = tandem_services.goal_create(
        membership=pair.leader_membership, title="Policy", measure="milestones"
    )
    url = f"{_base(pair)}{goal.pk}/milestones/"
    assert pair.assistant_client.post(url, {"title": "Draft"}, format="json").status_code == 403
    created = pair.leader_client.post(url, {"title": "Draft"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    ticked = pair.assistant_client.patch(f"{url}{pk}/", {"done": True}, format="json")
    assert ticked.status_code == 200
    assert (ticked.json()["done"], ticked.json()["done_by"]["id"]) == (True, pair.assistant.pk)
    assert pair.leader_client.delete(f"{url}{pk}/").status_code == 409
    assert pair.leader_client.get(_base(pair)).json()["results"][0]["progress"] == 100
    assert [m["title"] for m in pair.assistant_client.get(url).json()] == ["Draft"]
    assert GoalMilestone.objects.filter(done=True).count() == 1


def test_the_report_lists_what_happened_and_refuses_a_bad_range(pair: Pair) -> None:
    goal = tandem_services.goal_create(membership=pair.leader_membership, title="Invoices")
    with time_machine.travel(NOW, tick=False):
        decision = log(pair, title="Dunning letters", goal_id=goal.pk)
        item = checkins_services.action_item_create(
            membership=pair.leader_membership,
            text="Call the bank",
            owner_id=pair.leader.pk,
            goal_id=goal.pk,
        )
        url = f"{_base(pair)}{goal.pk}/report/"
        body = pair.assistant_client.get(url).json()
    assert (body["first"], body["last"]) == ("2026-01-01", "2026-03-31")
    assert [d["id"] for d in body["decisions"]] == [decision.pk]
    assert [i["id"] for i in body["action_items"]] == [item.pk]
    assert body["goal"]["id"] == goal.pk and body["more"] == []

    for query, field in (
        ({"from": ""}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
    ):
        response = pair.leader_client.get(url, query)
        assert (response.status_code, list(response.json())) == (400, [field]), query
    other = pair.leader_client.get(f"{_base(pair)}999999/report/")
    assert other.status_code == 404
