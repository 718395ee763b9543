"""The autonomy, safety, balance and feedback sections read a fixed number of queries,
whatever the history's length: one year of rows of every kind they count, then three."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.delegation.models import Answer
from apps.feedback import services as feedback
from apps.insights.periods import next_month
from apps.insights.sections import autonomy, balance, safety
from apps.insights.sections import feedback as feedback_section
from apps.insights.selectors import context_for
from tests.conftest import Pair
from tests.factories.checkins import series_for
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
FIRST = date(2023, 1, 1)
# autonomy 6 (matrix history, decisions, elevations; for growth suggestions the matrix
# history, the answered requests and the "not now"s), safety 4 (agenda, outcomes,
# rejections, retros), balance 4 (agenda, replies, appreciation, the last six weeks' agenda),
# feedback 1 (the ratings, summed in SQL).
QUERIES = 16


def _first_monday(month: date) -> datetime:
    day = month + timedelta(days=(7 - month.weekday()) % 7)
    return datetime.combine(day, time(9, 0), tzinfo=BERLIN)


def _one_month(pair: Pair, series_id: int, area_id: int, month: date, level: int) -> None:
    """A month of everything the sections count, through the services."""
    leader, assistant = pair.leader_membership, pair.assistant_membership
    meeting = _first_monday(month)
    with time_machine.travel(meeting - timedelta(hours=2), tick=False):
        for membership, kind in ((leader, "question"), (assistant, "mistake_learning")):
            checkins.agenda_item_add(
                membership=membership, series_id=series_id, start=meeting, kind=kind, text="T"
            )
        delegation.area_update(membership=leader, area_id=area_id, level=level)
        decision = delegation.decision_log(
            membership=assistant, title="Buy", rationale="Needed.", area_id=area_id
        )
        delegation.decision_answer(
            membership=leader, decision_id=decision.pk, answer=Answer.REJECT, comment="No"
        )
        delegation.decision_record_outcome(
            membership=assistant, decision_id=decision.pk, outcome="Waited", lesson="Ask early"
        )
        cycle = make_cycle(leader, opens_at=meeting - timedelta(hours=3), days=7)
        for membership in (leader, assistant):
            feedback.entry_submit(
                membership=membership, cycle_id=cycle.pk, answers=full_answers(cycle)
            )
        question = cycle.questions.order_by("position").first()
        assert question is not None
        feedback.answer_reply(
            membership=leader, cycle_id=cycle.pk, question_id=question.pk, text="Thanks"
        )
    with time_machine.travel(meeting + timedelta(hours=1), tick=False):
        for membership in (leader, assistant):
            checkins.retro_submit(
                membership=membership, series_id=series_id, start=meeting, effectiveness=4
            )


def _queries(pair: Pair, last: date) -> tuple[int, int]:
    """How many queries the four sections read for FIRST..last, and how many rows were
    counted (so the test knows the history really grew)."""
    ctx = context_for(membership=pair.leader_membership, first=FIRST, last=last)
    with CaptureQueriesContext(connection) as queries:
        sections = [
            make(ctx)
            for make in (
                autonomy.section,
                safety.section,
                balance.section,
                feedback_section.section,
            )
        ]
    rows = next(f for f in sections[1].figures if f.key == "lessons_recorded").series[0].total
    return len(queries), int(rows or 0)


def test_the_same_queries_for_one_year_and_for_three(pair: Pair):
    with time_machine.travel(datetime(2022, 12, 1, tzinfo=BERLIN), tick=False):
        series = series_for(pair.leader_membership, start_date=FIRST)
        area = delegation.area_create(membership=pair.leader_membership, name="Budget", level=4)
    month = FIRST
    for index in range(36):
        _one_month(pair, series.pk, area.pk, month, level=4 if index % 2 else 5)
        if index == 11:
            one_year = _queries(pair, date(2023, 12, 31))
        month = next_month(month)
    three_years = _queries(pair, date(2025, 12, 31))

    assert (one_year[1], three_years[1]) == (12, 36)
    assert one_year[0] == three_years[0] == QUERIES
