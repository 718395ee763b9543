"""Deleting a goal that areas of the matrix link to: the leader's, and every area that loses
its goal records that in the matrix history (issue 15, defect 4)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from apps.audit.models import AuditEvent
from apps.delegation import services
from apps.delegation.models import DecisionArea, MatrixChange
from apps.tandems.models import Goal
from tests.apps.delegation.conftest import aware, make_area
from tests.conftest import Pair
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

T0 = aware("2026-03-02T09:00:00+01:00")


def _goal_changes() -> list[tuple[str, str, object, object, str]]:
    return [
        (c.area.name, c.kind, c.old["goal"], c.new["goal"], c.reason)
        for c in MatrixChange.objects.filter(kind="updated").order_by("area__name")
    ]


def test_deleting_a_goal_records_each_area_that_loses_it(pair: Pair) -> None:
    goal = GoalFactory(tandem=pair.tandem, title="Calm calendar")
    travel = make_area(pair, name="Travel", goal_id=goal.pk)
    vendors = make_area(pair, name="Vendors", goal_id=goal.pk)
    services.area_archive(membership=pair.leader_membership, area_id=vendors.pk)
    untouched = make_area(pair, name="Hiring")
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    with time_machine.travel(T0, tick=False):
        response = pair.leader_client.delete(f"/api/v1/tandems/{pair.tandem.pk}/goals/{goal.pk}/")

    assert response.status_code == 204
    assert not Goal.objects.filter(pk=goal.pk).exists()
    reason = "The goal “Calm calendar” was deleted."
    assert _goal_changes() == [
        ("Travel", "updated", goal.pk, None, reason),
        ("Vendors", "updated", goal.pk, None, reason),
    ]
    change = MatrixChange.objects.get(area=travel, kind="updated")
    assert (change.changed_by, change.changed_at) == (pair.leader, T0)
    assert {a.name: a.goal_id for a in DecisionArea.objects.all()} == {
        "Travel": None,
        "Vendors": None,
        "Hiring": None,
    }
    assert not MatrixChange.objects.filter(area=untouched).exclude(kind="created").exists()
    events = AuditEvent.objects.filter(id__gt=before).order_by("id")
    assert [(e.action, e.target, e.actor_id) for e in events] == [
        ("area_changed", f"delegation.decisionarea:{travel.pk}", pair.leader.pk),
        ("area_changed", f"delegation.decisionarea:{vendors.pk}", pair.leader.pk),
        ("goal_deleted", f"tandems.goal:{goal.pk}", pair.leader.pk),
    ]


def test_deleting_a_goal_no_area_links_to_changes_no_area(pair: Pair) -> None:
    goal = GoalFactory(tandem=pair.tandem)
    make_area(pair, name="Travel")

    response = pair.leader_client.delete(f"/api/v1/tandems/{pair.tandem.pk}/goals/{goal.pk}/")

    assert response.status_code == 204
    assert list(MatrixChange.objects.values_list("kind", flat=True)) == ["created"]
    assert list(
        AuditEvent.objects.filter(action="goal_deleted").values_list("target", flat=True)
    ) == [f"tandems.goal:{goal.pk}"]


@pytest.mark.parametrize(
    ("method", "body"),
    [("delete", None), ("patch", {"title": "Mine"}), ("put", {"title": "Mine"})],
)
def test_the_assistant_cannot_change_or_delete_a_goal(
    pair: Pair, method: str, body: dict[str, str] | None
) -> None:
    goal = GoalFactory(tandem=pair.tandem, title="Keep")
    area = make_area(pair, goal_id=goal.pk)

    url = f"/api/v1/tandems/{pair.tandem.pk}/goals/{goal.pk}/"
    response = getattr(pair.assistant_client, method)(url, body)

    assert response.status_code == 403
    assert list(Goal.objects.values_list("title", flat=True)) == ["Keep"]
    area.refresh_from_db()
    assert area.goal_id == goal.pk
    assert list(MatrixChange.objects.values_list("kind", flat=True)) == ["created"]
    assert not AuditEvent.objects.filter(action="goal_deleted").exists()


def test_the_assistant_cannot_add_a_goal(pair: Pair) -> None:
    response = pair.assistant_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/goals/", {"title": "Mine"}
    )

    assert response.status_code == 403
    assert not Goal.objects.exists()


def test_deleting_a_goal_on_the_page_records_the_areas_too(client: Client, pair: Pair) -> None:
    goal = GoalFactory(tandem=pair.tandem, title="Calm calendar")
    make_area(pair, name="Travel", goal_id=goal.pk)
    client.force_login(pair.leader)

    response = client.post(f"/t/{pair.tandem.pk}/vision/goals/{goal.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"/t/{pair.tandem.pk}/vision/"
    assert _goal_changes() == [
        ("Travel", "updated", goal.pk, None, "The goal “Calm calendar” was deleted."),
    ]


def test_another_tandems_goal_is_not_deleted(pair: Pair, other_pair: Pair) -> None:
    theirs = GoalFactory(tandem=other_pair.tandem)

    response = pair.leader_client.delete(f"/api/v1/tandems/{pair.tandem.pk}/goals/{theirs.pk}/")

    assert response.status_code == 404
    assert Goal.objects.filter(pk=theirs.pk).exists()
