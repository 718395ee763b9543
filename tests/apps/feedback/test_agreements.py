"""After the reveal, an agreement becomes an action item on the tandem's next check-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from apps.checkins.models import ActionItem, CheckInSeries
from apps.core.errors import Conflict
from apps.feedback import services
from tests.apps.checkins.conftest import BEFORE_START, FIRST
from tests.conftest import Pair
from tests.factories.checkins import series_for
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(pair: Pair) -> Iterator[CheckInSeries]:
    """Weekly Monday 09:00 Berlin from 2026-03-02; time stands on the day before."""
    with time_machine.travel(BEFORE_START, tick=False):
        yield series_for(pair.leader_membership)


def test_an_agreement_lands_on_the_next_check_in(pair: Pair, series: CheckInSeries) -> None:
    cycle = make_cycle(pair.leader_membership, opens_at=BEFORE_START)
    for seat in (pair.leader_membership, pair.assistant_membership):
        services.entry_submit(membership=seat, cycle_id=cycle.pk, answers=full_answers(cycle))

    item = services.agreement_to_action_item(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        text="Share the weekly priorities on Friday",
        owner_id=pair.leader.pk,
    )

    stored = ActionItem.objects.select_related("occurrence").get()
    assert stored.pk == item.pk
    assert (
        stored.owner_id,
        stored.text,
        stored.occurrence.series_id,
        stored.occurrence.original_start,
        stored.feedback_cycle_id,
    ) == (pair.leader.pk, "Share the weekly priorities on Friday", series.pk, FIRST, cycle.pk)


def test_the_api_shows_which_cycle_an_action_item_came_from(
    pair: Pair, series: CheckInSeries
) -> None:
    cycle = make_cycle(pair.leader_membership, opens_at=BEFORE_START)
    for seat in (pair.leader_membership, pair.assistant_membership):
        services.entry_submit(membership=seat, cycle_id=cycle.pk, answers=full_answers(cycle))
    base = f"/api/v1/tandems/{pair.tandem.pk}"

    created = pair.leader_client.post(
        f"{base}/feedback/cycles/{cycle.pk}/action-items/",
        {"text": "Weekly priorities", "owner": pair.assistant.pk},
        format="json",
    )
    listed = pair.assistant_client.get(f"{base}/action-items/")

    assert created.status_code == 201, created.json()
    assert created.json()["feedback_cycle"] == cycle.pk
    assert [(row["id"], row["feedback_cycle"]) for row in listed.json()["results"]] == [
        (created.json()["id"], cycle.pk)
    ]


def test_an_action_item_made_by_hand_has_no_cycle(pair: Pair, series: CheckInSeries) -> None:
    response = pair.leader_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/action-items/",
        {"text": "Book the venue", "owner": pair.leader.pk, "feedback_cycle": 1},
        format="json",
    )

    assert response.status_code == 400
    assert "feedback_cycle" in response.json()
    assert not ActionItem.objects.exists()


def test_no_agreement_before_the_reveal(pair: Pair, series: CheckInSeries) -> None:
    cycle = make_cycle(pair.leader_membership, opens_at=BEFORE_START)
    services.entry_submit(
        membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )

    with pytest.raises(Conflict) as excinfo:
        services.agreement_to_action_item(
            membership=pair.leader_membership, cycle_id=cycle.pk, text="x", owner_id=pair.leader.pk
        )

    assert excinfo.value.field == "cycle"
    assert not ActionItem.objects.exists()
