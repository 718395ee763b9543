"""Racing writes on the review queue and a goal, on PostgreSQL: four "remind me tomorrow" at
once leave one reminder on its way; a bulk acknowledgement racing a single one acknowledges
each decision once, with one audit event; check-ins racing on a goal each stay, and the goal
holds the value of one of them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.core.errors import Conflict
from apps.delegation import services
from apps.delegation.models import Decision, DecisionStatus, ReviewReminder
from apps.goals.services import goal_checkin_add
from apps.notifications.models import Delivery, DeliveryState
from apps.tandems import services as tandem_services
from apps.tandems.models import GoalCheckIn
from tests.conftest import Pair

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def _race(calls: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcomes.append(call())
        except Conflict as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _inform(pair: Pair, title: str) -> Decision:
    area = services.area_create(membership=pair.leader_membership, name=f"A {title}", level=6)
    return services.decision_log(
        membership=pair.assistant_membership, area_id=area.pk, title=title, rationale="Routine."
    )


def test_racing_snoozes_leave_one_reminder_on_its_way(pair: Pair) -> None:
    decision = _inform(pair, "Paper")
    leader = pair.leader_membership

    _race([lambda: services.decision_remind_me(membership=leader, decision_id=decision.pk)] * 4)

    reminder = ReviewReminder.objects.get()
    assert reminder.sequence == 4
    pending = Delivery.objects.filter(notice__kind="decision.reminder", state=DeliveryState.PENDING)
    assert set(pending.values_list("notice__key", flat=True)) == {reminder.notice_key}
    assert pending.count() == 2


def test_a_bulk_and_a_single_acknowledgement_racing_acknowledge_once(pair: Pair) -> None:
    first, second = _inform(pair, "Paper"), _inform(pair, "Toner")
    leader = pair.leader_membership

    outcomes = _race(
        [
            lambda: services.decisions_acknowledge(
                membership=leader, decision_ids=[first.pk, second.pk]
            ),
            lambda: services.decision_acknowledge(membership=leader, decision_id=second.pk),
        ]
    )

    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.ACKNOWLEDGED}
    events = AuditEvent.objects.filter(action="decision_acknowledged")
    assert sorted(events.values_list("target", flat=True)) == sorted(
        [f"delegation.decision:{first.pk}", f"delegation.decision:{second.pk}"]
    )
    bulk = next(o for o in outcomes if isinstance(o, services.BulkAcknowledgement))
    single_won = not isinstance(outcomes[0 if outcomes[1] is bulk else 1], Conflict)
    assert len(bulk.acknowledged) == (1 if single_won else 2)


def test_racing_check_ins_all_stay_and_the_goal_holds_one_of_their_values(pair: Pair) -> None:
    goal = tandem_services.goal_create(
        membership=pair.leader_membership,
        title="Invoices",
        measure="number",
        start_value=Decimal(40),
        target_value=Decimal(5),
    )
    members = [pair.leader_membership, pair.assistant_membership] * 2
    _race(
        [
            (
                lambda m=m, v=v: goal_checkin_add(
                    membership=m, goal_id=goal.pk, text=f"At {v}", confidence="on_track", value=v
                )
            )
            for m, v in zip(
                members, (Decimal(30), Decimal(25), Decimal(20), Decimal(15)), strict=True
            )
        ]
    )

    checkins = list(GoalCheckIn.objects.order_by("-created_at", "-id"))
    assert sorted(c.value for c in checkins) == [15, 20, 25, 30]
    goal.refresh_from_db()
    assert goal.current_value == checkins[0].value  # the one written last, the newest
