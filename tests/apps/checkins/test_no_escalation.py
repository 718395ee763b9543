"""No escalation chains: after its one reminder, an overdue action item or an unanswered
decision request goes onto the next check-in's agenda instead of a second reminder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from apps.checkins import services, tasks
from apps.checkins.models import AgendaItem, CheckInSeries
from apps.delegation import services as delegation
from apps.notifications.models import Notice
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


def test_an_overdue_action_item_goes_on_the_agenda_once_after_its_one_reminder(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership,
        text="Send the brief",
        owner_id=pair.assistant.pk,
        due_date=date(2026, 3, 1),
    )

    tasks.remind_due_and_carry_overdue_action_items.run()  # due today (Berlin): the one reminder
    assert AgendaItem.objects.count() == 0
    traveller.move_to("2026-03-01T23:30:00+00:00")  # 00:30 on 2 March in Berlin: overdue
    tasks.remind_due_and_carry_overdue_action_items.run()
    tasks.remind_due_and_carry_overdue_action_items.run()

    agenda = AgendaItem.objects.select_related("occurrence").get()
    assert (agenda.action_item_id, agenda.kind, agenda.text, agenda.author_id) == (
        item.pk,
        "update",
        "Overdue action item: Send the brief",
        pair.assistant.pk,
    )
    assert agenda.occurrence.original_start == FIRST
    assert list(Notice.objects.filter(kind="action_item_due").values_list("key", flat=True)) == [
        f"action:{item.pk}:due"
    ]


def test_an_item_not_yet_overdue_stays_off_the_agenda(pair: Pair, series: CheckInSeries) -> None:
    services.action_item_create(
        membership=pair.leader_membership,
        text="Later",
        owner_id=pair.assistant.pk,
        due_date=date(2026, 3, 1),
    )
    tasks.remind_due_and_carry_overdue_action_items.run()

    assert services.action_items_overdue_to_agenda() == 0
    assert not AgendaItem.objects.exists()


def test_an_overdue_decision_request_goes_on_the_agenda_with_its_one_notice(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    vendors = delegation.area_create(membership=pair.leader_membership, name="Vendors", level=4)
    decision = delegation.decision_log(
        membership=pair.assistant_membership,
        area_id=vendors.pk,
        title="New cleaning company",
        rationale="Cheaper.",
    )
    traveller.shift(timedelta(days=3))

    delegation.decisions_flag_overdue()
    delegation.decisions_flag_overdue()
    tasks.pull_decisions_onto_agendas.run()
    tasks.pull_decisions_onto_agendas.run()

    agenda = AgendaItem.objects.get()
    assert (agenda.decision_id, agenda.kind) == (decision.pk, "decision_needed")
    assert Notice.objects.filter(kind="decision.overdue").count() == 1
