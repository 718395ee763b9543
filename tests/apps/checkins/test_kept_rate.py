"""The kept-rate of commitments in the API (`GET …/action-items/kept/?from=&to=`): per
person, of the action items due in the range whose date has passed, how many were done by
their due date, done late, or are still open; dropped ones not counted; a former member's
own row; both members see the same; a bad range is a 400 naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.checkins import services
from apps.checkins.models import ActionItemStatus
from apps.home import services as home
from tests.conftest import Pair, client_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _item(pair: Pair, owner, due: date, status: str | None = None, done_on: date | None = None):  # type: ignore[no-untyped-def]
    made = datetime.combine(due, datetime.min.time(), tzinfo=UTC) - timedelta(days=5)
    with time_machine.travel(made, tick=False):
        item = services.action_item_create(
            membership=pair.leader_membership, text=f"Due {due}", owner_id=owner.pk, due_date=due
        )
    if status is not None:
        moment = datetime.combine(done_on or due, datetime.min.time(), tzinfo=UTC).replace(hour=10)
        with time_machine.travel(moment, tick=False):
            services.action_item_update(
                membership=pair.leader_membership, item_id=item.pk, status=status
            )
    return item


def test_each_person_kept_late_and_overdue(pair: Pair) -> None:
    leader, assistant = pair.leader, pair.assistant
    _item(pair, leader, date(2026, 3, 5), ActionItemStatus.DONE, date(2026, 3, 4))  # kept
    _item(pair, leader, date(2026, 3, 6), ActionItemStatus.DONE, date(2026, 3, 9))  # late
    _item(pair, leader, date(2026, 3, 7), ActionItemStatus.DROPPED)  # not counted
    _item(pair, assistant, date(2026, 3, 8))  # overdue, still open
    _item(pair, assistant, date(2026, 3, 10), ActionItemStatus.DONE, date(2026, 3, 10))  # kept
    _item(pair, assistant, date(2026, 3, 25))  # not due yet
    _item(pair, assistant, date(2025, 11, 1), ActionItemStatus.DONE, date(2025, 11, 1))  # before

    url = f"/api/v1/tandems/{pair.tandem.pk}/action-items/kept/"
    with time_machine.travel(NOW, tick=False):
        mine = client_for(leader).get(url).json()
        theirs = client_for(assistant).get(url).json()
        longer = client_for(leader).get(url + "?from=2025-10-01&to=2026-03-31").json()

    assert mine == theirs
    assert (mine["start"], mine["end"]) == ("2025-12-20", "2026-03-20")
    people = {p["role"]: p for p in mine["people"]}
    assert people["leader"] == {
        "user": leader.pk,
        "name": leader.name,
        "role": "leader",
        "due": 2,
        "kept": 1,
        "late": 1,
        "overdue": 0,
        "rate": 50.0,
    }
    assert (people["assistant"]["due"], people["assistant"]["kept"]) == (2, 1)
    assert people["assistant"]["overdue"] == 1
    assert {p["role"]: p["due"] for p in longer["people"]} == {"leader": 2, "assistant": 3}
    assert [p["role"] for p in mine["people"]] == ["leader", "assistant"]


def test_a_former_member_keeps_a_row_of_their_own(pair: Pair) -> None:
    _item(pair, pair.assistant, date(2026, 3, 5), ActionItemStatus.DONE, date(2026, 3, 5))
    home.membership_leave(membership=pair.assistant_membership)

    with time_machine.travel(NOW, tick=False):
        found = (
            client_for(pair.leader)
            .get(f"/api/v1/tandems/{pair.tandem.pk}/action-items/kept/")
            .json()
        )

    assert [(p["role"], p["due"], p["rate"]) for p in found["people"]] == [
        ("leader", 0, None),
        ("former", 1, 100.0),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("?from=2026-03-10&to=2026-03-01", "to"), ("?from=soon", "from"), ("?to=", "to")],
)
def test_a_bad_range_names_the_field(pair: Pair, query: str, field: str) -> None:
    with time_machine.travel(NOW, tick=False):
        answer = client_for(pair.leader).get(
            f"/api/v1/tandems/{pair.tandem.pk}/action-items/kept/{query}"
        )
    assert answer.status_code == 400
    assert field in answer.json()
