"""The decision log through its services: classification on save, the review flow, the
notices it records, the growth suggestion and the overdue task."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db.models import Model
from django.forms.models import model_to_dict

from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation import selectors, services, tasks
from apps.delegation.models import Decision, DecisionArea
from apps.delegation.selectors import GrowthSuggestion
from apps.notifications.models import Notice
from tests.apps.delegation.conftest import aware, log, make_area
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

T0 = aware("2026-03-02T09:00:00+01:00")


def _notices() -> list[tuple[str, str, str]]:
    return sorted(Notice.objects.values_list("recipient__email", "kind", "key"))


def _row(obj: Model) -> dict[str, Any]:
    obj.refresh_from_db()
    return model_to_dict(obj)


@pytest.mark.parametrize(
    ("level", "amount", "classification", "status", "notice"),
    [
        (7, None, "within_authority", "no_action", None),
        (6, None, "inform", "awaiting_acknowledgement", "inform"),
        (5, None, "needs_advice", "awaiting_answer", "request"),
        (4, None, "needs_agreement", "awaiting_answer", "request"),
        (3, None, "outside_authority", "flagged", "outside_authority"),
        (1, None, "outside_authority", "flagged", "outside_authority"),
        (7, Decimal("500.00"), "within_authority", "no_action", None),
        (7, Decimal("500.01"), "needs_advice", "awaiting_answer", "request"),
    ],
)
def test_the_assistants_decision_is_classified_and_the_leader_told_when_needed(
    pair: Pair,
    level: int,
    amount: Decimal | None,
    classification: str,
    status: str,
    notice: str | None,
) -> None:
    area = make_area(
        pair,
        name="Spending",
        level=level,
        **(
            {"limit_amount": Decimal("500"), "limit_currency": "EUR", "level_above_limit": 5}
            if level == 7
            else {}
        ),
    )

    decision = log(pair, area_id=area.pk, amount=amount, currency="EUR" if amount else "")

    assert (decision.classification, decision.status, decision.author_role) == (
        classification,
        status,
        "assistant",
    )
    expected = [(pair.leader.email, f"decision.{notice}", f"decision:{decision.pk}:{notice}")]
    assert _notices() == (expected if notice else [])


def test_a_request_gets_a_due_date_and_the_notice_says_so(
    pair: Pair, vendors: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        decision = log(pair, area_id=vendors.pk, title="New cleaning company")

    assert decision.due_at == T0 + timedelta(hours=48)
    notice = Notice.objects.get()
    assert (notice.recipient, notice.tandem, notice.title, notice.not_after) == (
        pair.leader,
        pair.tandem,
        f"{pair.assistant.name} asks for your agreement: New cleaning company",
        T0 + timedelta(hours=48),
    )
    assert notice.body == "Please answer by 2026-03-04 09:00.\n\nCheapest flexible fare."
    assert notice.url == f"/t/{pair.tandem.pk}/decisions/{decision.pk}/"


def test_a_due_date_is_kept_for_requests_and_ignored_otherwise(
    pair: Pair, vendors: DecisionArea, hiring: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        request = log(pair, area_id=vendors.pk, due_at=T0 + timedelta(hours=3))
        flagged = log(pair, area_id=hiring.pk, due_at=T0 + timedelta(hours=3))

    assert (request.due_at, flagged.due_at) == (T0 + timedelta(hours=3), None)


def test_a_decision_without_area_asks_the_leader_to_define_one(pair: Pair) -> None:
    decision = log(pair, title="Password manager")

    assert (decision.classification, decision.status, decision.level_in_force) == (
        "no_area",
        "needs_area",
        None,
    )
    assert _notices() == [
        (pair.leader.email, "decision.no_area", f"decision:{decision.pk}:no_area")
    ]


def test_the_leaders_own_decisions_need_nothing_but_keep_their_terms(
    pair: Pair, travel: DecisionArea
) -> None:
    decision = log(pair, by="leader", area_id=travel.pk, amount=Decimal("900"), currency="EUR")
    unfiled = log(pair, by="leader")

    assert (
        decision.author,
        decision.author_role,
        decision.classification,
        decision.status,
        decision.level_applied,
        decision.above_limit,
    ) == (pair.leader, "leader", "within_authority", "no_action", 4, True)
    assert (unfiled.classification, unfiled.status) == ("no_area", "no_action")
    assert _notices() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": Decimal("-1"), "currency": "EUR"}, "amount"),
        ({"amount": Decimal("NaN"), "currency": "EUR"}, "amount"),
        ({"amount": Decimal("Infinity"), "currency": "EUR"}, "amount"),
        ({"amount": Decimal("1.234"), "currency": "EUR"}, "amount"),
        ({"amount": "12", "currency": "EUR"}, "amount"),
        ({"amount": Decimal("10")}, "currency"),
        ({"amount": Decimal("10"), "currency": "USD"}, "currency"),
        ({"amount": Decimal("10"), "currency": "euro"}, "currency"),
        ({"currency": "EUR"}, "currency"),
        ({"area_id": 999999}, "area"),
        ({"goal_id": 999999}, "goal"),
        ({"rationale": "   "}, "rationale"),
        ({"title": ""}, "title"),
        ({"decided_at": T0 + timedelta(hours=1)}, "decided_at"),
        ({"decided_at": T0.replace(tzinfo=None)}, "decided_at"),
    ],
)
def test_bad_decisions_name_the_field_and_save_nothing(
    pair: Pair, travel: DecisionArea, kwargs: dict[str, Any], field: str
) -> None:
    kwargs.setdefault("area_id", travel.pk)
    with time_machine.travel(T0, tick=False), pytest.raises(DomainError) as error:
        log(pair, **kwargs)

    assert error.value.field == field
    assert not Decision.objects.exists()
    assert not Notice.objects.exists()


def test_a_request_due_in_the_past_is_refused(pair: Pair, vendors: DecisionArea) -> None:
    with time_machine.travel(T0, tick=False), pytest.raises(DomainError) as error:
        log(pair, area_id=vendors.pk, due_at=T0)

    assert error.value.field == "due_at"
    assert not Decision.objects.exists()


def test_another_tandems_area_is_refused_on_the_area_field(pair: Pair, other_pair: Pair) -> None:
    theirs = make_area(other_pair, name="Theirs", level=7)

    with pytest.raises(DomainError) as error:
        log(pair, area_id=theirs.pk)

    assert (error.value.field, error.value.status_code) == ("area", 400)
    assert not Decision.objects.exists()


def test_the_leader_answers_a_request_once(pair: Pair, vendors: DecisionArea) -> None:
    decision = log(pair, area_id=vendors.pk, title="New cleaning company")

    with time_machine.travel(T0, tick=False):
        answered = services.decision_answer(
            membership=pair.leader_membership,
            decision_id=decision.pk,
            answer="reject",
            comment="Wait for the second offer.",
        )

    assert (
        answered.status,
        answered.answer,
        answered.answer_comment,
        answered.answered_by,
        answered.answered_at,
    ) == ("answered", "reject", "Wait for the second offer.", pair.leader, T0)
    notice = Notice.objects.get(kind="decision.answered")
    assert (notice.recipient, notice.key, notice.title, notice.body) == (
        pair.assistant,
        f"decision:{decision.pk}:answered",
        f"{pair.leader.name} rejected: New cleaning company",
        "Wait for the second offer.",
    )

    before = _row(decision)
    with pytest.raises(Conflict):
        services.decision_answer(
            membership=pair.leader_membership, decision_id=decision.pk, answer="approve"
        )
    assert _row(decision) == before
    assert Notice.objects.filter(kind="decision.answered").count() == 1


def test_nobody_answers_their_own_request(pair: Pair, vendors: DecisionArea) -> None:
    decision = log(pair, area_id=vendors.pk)

    with pytest.raises(PermissionDenied, match="your own request"):
        services.decision_answer(
            membership=pair.assistant_membership, decision_id=decision.pk, answer="approve"
        )
    decision.refresh_from_db()
    assert (decision.status, decision.answer) == ("awaiting_answer", "")


@pytest.mark.parametrize(
    ("answer", "comment", "field"),
    [("maybe", "", "answer"), ("reject", " ", "comment"), ("advise", "", "comment")],
)
def test_a_bad_answer_names_the_field_and_changes_nothing(
    pair: Pair, vendors: DecisionArea, answer: str, comment: str, field: str
) -> None:
    decision = log(pair, area_id=vendors.pk)
    before = _row(decision)

    with pytest.raises(DomainError) as error:
        services.decision_answer(
            membership=pair.leader_membership,
            decision_id=decision.pk,
            answer=answer,
            comment=comment,
        )

    assert error.value.field == field
    assert _row(decision) == before


def test_only_requests_are_answered_and_only_the_rest_acknowledged(
    pair: Pair, travel: DecisionArea, vendors: DecisionArea
) -> None:
    inform = log(pair, area_id=travel.pk)
    request = log(pair, area_id=vendors.pk)

    with pytest.raises(Conflict, match="does not await an answer"):
        services.decision_answer(
            membership=pair.leader_membership, decision_id=inform.pk, answer="approve"
        )
    with pytest.raises(Conflict, match="does not await an acknowledgement"):
        services.decision_acknowledge(membership=pair.leader_membership, decision_id=request.pk)


def test_the_leader_acknowledges_once(pair: Pair, travel: DecisionArea) -> None:
    decision = log(pair, area_id=travel.pk)

    with pytest.raises(PermissionDenied):
        services.decision_acknowledge(membership=pair.assistant_membership, decision_id=decision.pk)
    with time_machine.travel(T0, tick=False):
        done = services.decision_acknowledge(
            membership=pair.leader_membership, decision_id=decision.pk
        )
    assert (done.status, done.acknowledged_by, done.acknowledged_at) == (
        "acknowledged",
        pair.leader,
        T0,
    )
    with pytest.raises(Conflict, match="already been acknowledged"):
        services.decision_acknowledge(membership=pair.leader_membership, decision_id=decision.pk)


def test_outside_authority_and_no_area_are_acknowledged_too(
    pair: Pair, hiring: DecisionArea
) -> None:
    flagged, unfiled = log(pair, area_id=hiring.pk), log(pair)

    for decision in (flagged, unfiled):
        services.decision_acknowledge(membership=pair.leader_membership, decision_id=decision.pk)

    assert list(Decision.objects.order_by("id").values_list("classification", "status")) == [
        ("outside_authority", "acknowledged"),
        ("no_area", "acknowledged"),
    ]


def test_only_the_author_edits_a_decision_and_only_before_it_is_answered(
    pair: Pair, vendors: DecisionArea
) -> None:
    decision = log(pair, area_id=vendors.pk)

    with pytest.raises(PermissionDenied, match="Only the person who recorded"):
        services.decision_update(
            membership=pair.leader_membership, decision_id=decision.pk, title="Mine now"
        )
    services.decision_update(
        membership=pair.assistant_membership, decision_id=decision.pk, rationale="Clearer."
    )
    services.decision_answer(
        membership=pair.leader_membership, decision_id=decision.pk, answer="approve"
    )
    with pytest.raises(Conflict, match="cannot be changed"):
        services.decision_update(
            membership=pair.assistant_membership, decision_id=decision.pk, title="Changed"
        )

    decision.refresh_from_db()
    assert (decision.title, decision.rationale) == ("Booked the train", "Clearer.")


def test_either_member_records_outcome_and_lesson_after_the_answer(
    pair: Pair, vendors: DecisionArea
) -> None:
    decision = log(pair, area_id=vendors.pk)
    services.decision_answer(
        membership=pair.leader_membership, decision_id=decision.pk, answer="approve"
    )

    with pytest.raises(DomainError) as error:
        services.decision_record_outcome(
            membership=pair.leader_membership, decision_id=decision.pk, outcome=""
        )
    assert error.value.field == "outcome"
    with time_machine.travel(T0, tick=False):
        done = services.decision_record_outcome(
            membership=pair.leader_membership,
            decision_id=decision.pk,
            outcome="Clean offices, on time.",
            lesson="Ask for references first.",
        )

    assert (
        done.outcome,
        done.lesson,
        done.outcome_recorded_by,
        done.outcome_recorded_at,
        done.answer,
    ) == ("Clean offices, on time.", "Ask for references first.", pair.leader, T0, "approve")


def test_another_tandems_decision_is_not_found_for_any_action(
    pair: Pair, other_pair: Pair, vendors: DecisionArea
) -> None:
    decision = log(pair, area_id=vendors.pk)
    before = _row(decision)
    leader = other_pair.leader_membership

    for call in (
        lambda: services.decision_answer(
            membership=leader, decision_id=decision.pk, answer="approve"
        ),
        lambda: services.decision_acknowledge(membership=leader, decision_id=decision.pk),
        lambda: services.decision_update(membership=leader, decision_id=decision.pk, title="x"),
        lambda: services.decision_record_outcome(
            membership=leader, decision_id=decision.pk, outcome="x"
        ),
    ):
        with pytest.raises(NotFound):
            call()
    assert _row(decision) == before


# --- growth ------------------------------------------------------------------------------


def _requests(pair: Pair, area: DecisionArea, answers: list[str]) -> None:
    for answer in answers:
        decision = log(pair, area_id=area.pk)
        services.decision_answer(
            membership=pair.leader_membership,
            decision_id=decision.pk,
            answer=answer,
            comment="" if answer == "approve" else "Because.",
        )


@pytest.mark.parametrize(
    ("answers", "suggested"),
    [
        (["approve"] * 5, True),
        (["approve"] * 4, False),
        (["reject", "approve", "approve", "approve", "approve", "approve"], True),
        (["approve", "approve", "approve", "approve", "advise"], False),
        (["approve", "approve", "reject", "approve", "approve"], False),
    ],
)
def test_five_approvals_in_a_row_suggest_raising_the_level(
    pair: Pair, vendors: DecisionArea, answers: list[str], suggested: bool
) -> None:
    _requests(pair, vendors, answers)

    suggestions = selectors.growth_suggestions(areas=[vendors])

    expected = {vendors.pk: GrowthSuggestion(4, 5, 5)} if suggested else {}
    assert suggestions == expected


def test_the_growth_window_is_configurable(
    pair: Pair, vendors: DecisionArea, settings: Any
) -> None:
    settings.TANDEM_DELEGATION_GROWTH_WINDOW = 2
    _requests(pair, vendors, ["reject", "approve", "approve"])

    assert selectors.growth_suggestions(areas=[vendors]) == {vendors.pk: GrowthSuggestion(4, 5, 2)}


def test_raising_the_level_starts_counting_again(pair: Pair, vendors: DecisionArea) -> None:
    _requests(pair, vendors, ["approve"] * 5)

    services.area_update(membership=pair.leader_membership, area_id=vendors.pk, level=5)
    vendors.refresh_from_db()

    assert selectors.growth_suggestions(areas=[vendors]) == {}


def test_pending_requests_and_other_areas_do_not_count(pair: Pair, vendors: DecisionArea) -> None:
    other = make_area(pair, name="Rooms", level=4)
    _requests(pair, vendors, ["approve"] * 4)
    _requests(pair, other, ["approve"])
    log(pair, area_id=vendors.pk)

    assert selectors.growth_suggestions(areas=[vendors, other]) == {}


# --- overdue -----------------------------------------------------------------------------


def test_the_overdue_task_name_is_pinned() -> None:
    assert tasks.flag_overdue.name == "delegation.flag_overdue"


def test_an_overdue_request_is_flagged_once_however_often_the_task_runs(
    pair: Pair, vendors: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        late = log(pair, area_id=vendors.pk, title="Late", due_at=T0 + timedelta(hours=1))
        log(pair, area_id=vendors.pk, title="Not yet", due_at=T0 + timedelta(hours=5))
        answered = log(pair, area_id=vendors.pk, title="Answered", due_at=T0 + timedelta(hours=1))
        services.decision_answer(
            membership=pair.leader_membership, decision_id=answered.pk, answer="approve"
        )

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        first = tasks.flag_overdue()
        second = tasks.flag_overdue()

    assert (first, second) == (1, 0)
    overdue = Notice.objects.filter(kind="decision.overdue")
    assert list(overdue.values_list("recipient", "key", "title")) == [
        (
            pair.leader.pk,
            f"decision:{late.pk}:overdue",
            f"Overdue: {pair.assistant.name} is waiting for your answer on Late",
        )
    ]
    late.refresh_from_db()
    assert (late.overdue_at, late.status, late.is_overdue) == (
        T0 + timedelta(hours=2),
        "awaiting_answer",
        True,
    )


def test_a_decision_flagged_by_another_worker_is_not_notified_again(
    pair: Pair, vendors: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        late = log(pair, area_id=vendors.pk, due_at=T0 + timedelta(hours=1))
    Decision.objects.filter(pk=late.pk).update(overdue_at=T0 + timedelta(hours=1))

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        assert services.decisions_flag_overdue() == 0
    assert not Notice.objects.filter(kind="decision.overdue").exists()
