"""A decision taken outside authority is flagged for the next check-in: the check-ins app pulls
it onto that agenda (delegation never calls into check-ins)."""

from __future__ import annotations

import pytest
import time_machine

from apps.checkins import services, tasks
from apps.checkins.models import AgendaItem, CheckInSeries
from apps.delegation import services as delegation
from apps.delegation.models import Decision
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db


def _outside_authority(pair: Pair) -> Decision:
    hiring = delegation.area_create(membership=pair.leader_membership, name="Hiring", level=3)
    return delegation.decision_log(
        membership=pair.assistant_membership,
        area_id=hiring.pk,
        title="Hired a temp",
        rationale="Deadline tomorrow.",
    )


def test_the_task_name_is_pinned() -> None:
    assert tasks.pull_decisions_onto_agendas.name == "checkins.pull_decisions_onto_agendas"


def test_an_outside_authority_decision_goes_on_the_next_agenda(
    pair: Pair, series: CheckInSeries
) -> None:
    decision = _outside_authority(pair)

    assert tasks.pull_decisions_onto_agendas.run() == 1

    item = AgendaItem.objects.select_related("occurrence").get()
    assert (item.decision_id, item.kind, item.text, item.author_id) == (
        decision.pk,
        "decision_needed",
        "Hired a temp",
        pair.assistant.pk,
    )
    assert (item.occurrence.series_id, item.occurrence.original_start) == (series.pk, FIRST)
    assert item.tandem_id == series.tandem_id == pair.tandem.pk


def test_logging_it_only_flags_it_the_check_ins_pull_it(pair: Pair, series: CheckInSeries) -> None:
    decision = _outside_authority(pair)

    assert not AgendaItem.objects.exists()
    decision.refresh_from_db()
    assert decision.agenda_requested_at is not None


def test_pulling_twice_puts_it_on_the_agenda_once(pair: Pair, series: CheckInSeries) -> None:
    decision = _outside_authority(pair)

    assert services.agenda_pull_decisions() == 1
    assert services.agenda_pull_decisions() == 0

    assert list(AgendaItem.objects.values_list("decision_id", flat=True)) == [decision.pk]
    decision.refresh_from_db()
    assert decision.agenda_requested_at is None


def test_a_decision_flagged_while_no_check_in_is_planned_stays_off_later_agendas(
    pair: Pair, traveller: time_machine.Coordinates
) -> None:
    _outside_authority(pair)
    assert services.agenda_pull_decisions() == 1  # handled: there was no check-in to put it on

    series_for(pair.leader_membership)
    assert services.agenda_pull_decisions() == 0

    assert not AgendaItem.objects.exists()


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
    services.agenda_pull_decisions()

    assert not AgendaItem.objects.exists()
