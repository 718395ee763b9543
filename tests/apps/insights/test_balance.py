"""Balance (who speaks), against a hand-computed history in Los Angeles (February to May
2026; daylight saving time from 8 March): each person's share of the agenda items raised,
replies to feedback, and the gentle hint when one side has raised nothing for six weeks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.home.services import user_delete
from apps.insights.sections import balance
from apps.tandems.models import Membership
from tests.apps.insights.trust_fixtures import at, figure_of, section_of, series_of, totals_of
from tests.conftest import Pair
from tests.factories import TANDEMS_MADE_AT
from tests.factories.checkins import series_for
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db

FEB, MAY = date(2026, 2, 1), date(2026, 5, 31)


def _monday(iso_day: str, pdt: bool) -> datetime:
    """09:00 in Los Angeles on that Monday, in UTC."""
    return datetime.fromisoformat(f"{iso_day}T{'16' if pdt else '17'}:00:00+00:00")


@pytest.fixture
def history(pair: Pair) -> Pair:
    pair.tandem.timezone = "America/Los_Angeles"
    pair.tandem.save()
    Membership.objects.filter(tandem=pair.tandem).update(created_at=TANDEMS_MADE_AT)
    leader, assistant = pair.leader_membership, pair.assistant_membership

    def add(membership: Membership, start: datetime, kind: str) -> None:
        checkins.agenda_item_add(
            membership=membership, series_id=series.pk, start=start, kind=kind, text="Topic"
        )

    with at("2026-01-20T00:00:00+00:00"):
        series = series_for(
            leader, start_date=date(2026, 2, 2), timezone_name="America/Los_Angeles"
        )
        area = delegation.area_create(membership=leader, name="Office", level=2)
    with at("2026-02-10T18:00:00+00:00"):
        add(leader, _monday("2026-02-16", pdt=False), "update")
    with at("2026-03-01T07:30:00+00:00"):  # 28 February, 23:30 PST
        add(leader, _monday("2026-03-02", pdt=False), "question")
    with at("2026-03-10T18:00:00+00:00"):
        add(assistant, _monday("2026-03-16", pdt=True), "priority")
    with at("2026-03-12T18:00:00+00:00"):
        outside = delegation.decision_log(
            membership=assistant, title="New desk", rationale="Back pain.", area_id=area.pk
        )
        # Tandem brings the decision to the meeting: nobody raised that item.
        assert checkins.agenda_propose_decision(decision=outside) is not None
    with at("2026-03-14T18:00:00+00:00"):
        cycle = make_cycle(leader, opens_at=datetime.fromisoformat("2026-03-14T17:00:00+00:00"))
        for membership in (leader, assistant):
            feedback.entry_submit(
                membership=membership, cycle_id=cycle.pk, answers=full_answers(cycle)
            )
        question = cycle.questions.order_by("position").first()
        assert question is not None
        feedback.answer_reply(
            membership=leader, cycle_id=cycle.pk, question_id=question.pk, text="Thanks"
        )
    with at("2026-04-01T07:30:00+00:00"):  # 1 April, 00:30 PDT
        add(leader, _monday("2026-04-06", pdt=True), "update")
        feedback.answer_reply(
            membership=assistant, cycle_id=cycle.pk, question_id=question.pk, text="Agreed"
        )
    with at("2026-04-20T18:00:00+00:00"):
        add(leader, _monday("2026-04-27", pdt=True), "question")
    return pair


def test_agenda_items_and_each_persons_share(history: Pair):
    with at("2026-05-15T00:00:00+00:00"):
        section = section_of(balance.section, history.leader_membership, FEB, MAY)
    assert series_of(section, "agenda_items") == {
        "agenda_leader": [2, 0, 2, 0],
        "agenda_assistant": [0, 1, 0, 0],
    }
    assert series_of(section, "agenda_share") == {
        "agenda_share_leader": [100.0, 0.0, 100.0, None],
        "agenda_share_assistant": [0.0, 100.0, 0.0, None],
    }
    assert totals_of(section, "agenda_share") == {
        "agenda_share_leader": 80.0,
        "agenda_share_assistant": 20.0,
    }


def test_replies_to_feedback_per_person(history: Pair):
    section = section_of(balance.section, history.assistant_membership, FEB, MAY)
    assert series_of(section, "replies") == {
        "replies_leader": [0, 1, 0, 0],
        "replies_assistant": [0, 0, 1, 0],
    }
    assert figure_of(section, "replies").link == f"/t/{history.tandem.pk}/feedback/"


def test_the_quiet_voice_is_invited_when_only_one_side_raised_something(history: Pair):
    # Six weeks before 15 May: the leader raised a question on 20 April, the assistant
    # nothing since 10 March.
    with at("2026-05-15T00:00:00+00:00"):
        section = section_of(balance.section, history.leader_membership, FEB, MAY)
        (hint,) = section.hints
        assert hint.startswith("Invite the quiet voice: the assistant has put nothing")
        # Six weeks before the end of March both had raised something.
        earlier = section_of(balance.section, history.leader_membership, FEB, date(2026, 3, 31))
        assert earlier.hints == []


def test_a_deleted_persons_items_are_a_former_members_and_nobody_is_hinted_at(history: Pair):
    with at("2026-05-01T00:00:00+00:00"):
        user_delete(user=history.assistant, password="correct horse battery")
    with at("2026-05-15T00:00:00+00:00"):
        section = section_of(balance.section, history.leader_membership, FEB, MAY)
    assert series_of(section, "agenda_items") == {
        "agenda_leader": [2, 0, 2, 0],
        "agenda_assistant": [0, 0, 0, 0],
        "agenda_former": [0, 1, 0, 0],
    }
    assert series_of(section, "replies")["replies_former"] == [0, 0, 1, 0]
    assert section.hints == []  # the seat is empty: there is nobody to invite
