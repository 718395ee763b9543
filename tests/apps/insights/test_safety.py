"""Safety signals, against a hand-computed history in Auckland (March to May 2026; daylight
saving time ends there on 5 April): an item added at 11:30 UTC on 31 March is April's, a
meeting moved from 30 March to 2 April is April's, a carried-over item counts once, the
deleted assistant's rows count as a former member's, a month without retros has none."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.delegation.models import Answer
from apps.home.services import user_delete
from apps.insights.sections import safety
from apps.tandems.models import Membership
from tests.apps.insights.trust_fixtures import at, section_of, series_of, totals_of
from tests.conftest import Pair
from tests.factories import TANDEMS_MADE_AT
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

MAR, MAY = date(2026, 3, 1), date(2026, 5, 31)


def _start(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


# Mondays 09:00 in Auckland: NZDT (+13) until 5 April, then NZST (+12).
MAR_9 = _start("2026-03-08T20:00:00+00:00")
MAR_16 = _start("2026-03-15T20:00:00+00:00")
MAR_30 = _start("2026-03-29T20:00:00+00:00")
APR_6 = _start("2026-04-05T21:00:00+00:00")
APR_13 = _start("2026-04-12T21:00:00+00:00")
APR_20 = _start("2026-04-19T21:00:00+00:00")
MAY_11 = _start("2026-05-10T21:00:00+00:00")


@pytest.fixture
def history(pair: Pair) -> Pair:
    pair.tandem.timezone = "Pacific/Auckland"
    pair.tandem.save()
    # The seats were taken with the tandem, long before the months travelled to here.
    Membership.objects.filter(tandem=pair.tandem).update(created_at=TANDEMS_MADE_AT)
    leader, assistant = pair.leader_membership, pair.assistant_membership

    def add(membership, start: datetime, kind: str) -> None:  # type: ignore[no-untyped-def]
        checkins.agenda_item_add(
            membership=membership, series_id=series.pk, start=start, kind=kind, text="Topic"
        )

    def retro(membership, start: datetime, rating: int) -> None:  # type: ignore[no-untyped-def]
        checkins.retro_submit(
            membership=membership, series_id=series.pk, start=start, effectiveness=rating
        )

    def request() -> int:
        return delegation.decision_log(
            membership=assistant, title="Buy", rationale="Needed.", area_id=area.pk
        ).pk

    with at("2026-02-20T00:00:00+00:00"):
        series = series_for(leader, timezone_name="Pacific/Auckland")
        area = delegation.area_create(membership=leader, name="Budget", level=4)
    with at("2026-03-03T00:00:00+00:00"):
        rejected_a = request()
        delegation.decision_answer(
            membership=leader, decision_id=rejected_a, answer=Answer.REJECT, comment="No"
        )
        rejected_b = request()
        delegation.decision_answer(
            membership=leader, decision_id=rejected_b, answer=Answer.REJECT, comment="Later"
        )
        approved = request()
        delegation.decision_answer(membership=leader, decision_id=approved, answer=Answer.APPROVE)
    with at("2026-03-05T00:00:00+00:00"):
        add(leader, MAR_9, "question")
    with at("2026-03-09T00:00:00+00:00"):
        retro(leader, MAR_9, 4)
        retro(assistant, MAR_9, 2)
    with at("2026-03-10T00:00:00+00:00"):
        assert checkins.agenda_carry_over_due() == 1  # the question, again on 16 March
    with at("2026-03-16T00:00:00+00:00"):
        retro(leader, MAR_16, 5)
    with at("2026-03-20T00:00:00+00:00"):
        checkins.occurrence_move(
            membership=leader,
            series_id=series.pk,
            start=MAR_30,
            to=_start("2026-04-01T21:00:00+00:00"),  # 2 April, 10:00 NZDT
        )
    with at("2026-03-31T11:30:00+00:00"):  # 1 April, 00:30 NZDT
        add(assistant, APR_6, "disagreement")
    with at("2026-04-02T00:00:00+00:00"):
        retro(leader, MAR_30, 3)
        delegation.decision_record_outcome(
            membership=assistant, decision_id=rejected_a, outcome="Waited", lesson="Ask earlier"
        )
    with at("2026-04-04T00:00:00+00:00"):
        delegation.decision_record_outcome(
            membership=leader, decision_id=approved, outcome="Worked"
        )
    with at("2026-04-06T00:00:00+00:00"):
        retro(assistant, APR_6, 4)
    with at("2026-04-10T00:00:00+00:00"):
        add(assistant, APR_13, "mistake_learning")
        add(assistant, APR_13, "update")  # not a safety signal
    with at("2026-04-15T00:00:00+00:00"):
        checkins.occurrence_skip(membership=leader, series_id=series.pk, start=APR_20)
    with at("2026-05-05T00:00:00+00:00"):
        add(leader, MAY_11, "question")
    with at("2026-05-20T00:00:00+00:00"):
        user_delete(user=pair.assistant, password="correct horse battery")
    with at("2026-05-31T12:30:00+00:00"):  # 1 June, 00:30 NZST: after the range
        delegation.decision_record_outcome(
            membership=leader, decision_id=rejected_b, outcome="Did it", lesson="Plan ahead"
        )
    return pair


def test_questions_disagreements_and_mistakes_by_who_raised_them(history: Pair):
    section = section_of(safety.section, history.leader_membership, MAR, MAY)
    assert series_of(section, "safety_agenda_items") == {
        "question_leader": [1, 0, 1],
        "question_assistant": [0, 0, 0],
        "disagreement_leader": [0, 0, 0],
        "disagreement_assistant": [0, 0, 0],
        "disagreement_former": [0, 1, 0],
        "mistake_learning_leader": [0, 0, 0],
        "mistake_learning_assistant": [0, 0, 0],
        "mistake_learning_former": [0, 1, 0],
    }
    labels = [s.label for s in section.figures[0].series]
    assert labels[4] == "Disagreements: Former member"


def test_outcomes_and_lessons_by_the_month_they_were_recorded(history: Pair):
    section = section_of(safety.section, history.leader_membership, MAR, MAY)
    assert series_of(section, "lessons_recorded") == {
        "outcomes": [0, 2, 0],
        "with_lesson": [0, 1, 0],
    }
    assert series_of(section, "rejected_with_lesson") == {
        "rejected": [2, 0, 0],
        "with_lesson": [2, 0, 0],  # the second lesson came in June: it counts by now
    }


def test_retro_effectiveness_per_person_by_when_the_meeting_took_place(history: Pair):
    section = section_of(safety.section, history.leader_membership, MAR, MAY)
    assert series_of(section, "retro_effectiveness") == {
        "retro_leader": [4.5, 3.0, None],
        "retro_assistant": [None, None, None],
        "retro_former": [2.0, 4.0, None],
    }
    assert totals_of(section, "retro_effectiveness") == {
        "retro_leader": 4.0,
        "retro_assistant": None,
        "retro_former": 3.0,
    }


def test_a_range_with_nothing_in_it(history: Pair):
    section = section_of(
        safety.section, history.leader_membership, date(2026, 7, 1), date(2026, 7, 31)
    )
    assert series_of(section, "lessons_recorded") == {"outcomes": [0], "with_lesson": [0]}
    assert series_of(section, "retro_effectiveness") == {
        "retro_leader": [None],
        "retro_assistant": [None],
    }
    assert all(values == [0] for values in series_of(section, "safety_agenda_items").values())
