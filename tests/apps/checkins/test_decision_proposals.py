"""A decision taken outside authority is flagged for the next check-in: it lands on its agenda."""

from __future__ import annotations

import pytest

from apps.checkins.models import AgendaItem, CheckInSeries
from apps.delegation import services as delegation
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


def test_an_outside_authority_decision_goes_on_the_next_agenda(
    pair: Pair, series: CheckInSeries
) -> None:
    hiring = delegation.area_create(membership=pair.leader_membership, name="Hiring", level=3)

    decision = delegation.decision_log(
        membership=pair.assistant_membership,
        area_id=hiring.pk,
        title="Hired a temp",
        rationale="Deadline tomorrow.",
    )

    item = AgendaItem.objects.select_related("occurrence").get()
    assert (item.decision_id, item.kind, item.text, item.author_id) == (
        decision.pk,
        "decision_needed",
        "Hired a temp",
        pair.assistant.pk,
    )
    assert (item.occurrence.series_id, item.occurrence.original_start) == (series.pk, FIRST)


def test_a_decision_within_authority_stays_off_the_agenda(
    pair: Pair, series: CheckInSeries
) -> None:
    calendar = delegation.area_create(membership=pair.leader_membership, name="Calendar", level=7)

    delegation.decision_log(
        membership=pair.assistant_membership,
        area_id=calendar.pk,
        title="Moved a meeting",
        rationale="Conflict.",
    )

    assert not AgendaItem.objects.exists()
