"""Speed of alignment against hand-computed durations: hours from logging a request to its
answer, and from logging a decision outside authority to its acknowledgement, by the month
(in the tandem's timezone, here Los Angeles) of the answer or acknowledgement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.delegation import services as delegation
from apps.delegation.models import Decision, DecisionArea
from apps.home.services import user_delete
from apps.insights.figures import Figure
from apps.insights.sections import speed
from apps.insights.selectors import context_for
from tests.conftest import Pair
from tests.factories import TANDEMS_MADE_AT

LA = "America/Los_Angeles"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def area(pair: Pair, name: str, level: int) -> DecisionArea:
    with time_machine.travel(TANDEMS_MADE_AT, tick=False):
        return delegation.area_create(membership=pair.leader_membership, name=name, level=level)


def logged(pair: Pair, where: DecisionArea, at: datetime, title: str = "Booked") -> Decision:
    with time_machine.travel(at, tick=False):
        return delegation.decision_log(
            membership=pair.assistant_membership,
            title=title,
            rationale="Needed it.",
            area_id=where.pk,
        )


def answered(pair: Pair, decision: Decision, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        delegation.decision_answer(
            membership=pair.leader_membership, decision_id=decision.pk, answer="approve"
        )


def acknowledged(pair: Pair, decision: Decision, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        delegation.decision_acknowledge(membership=pair.leader_membership, decision_id=decision.pk)


def figures(pair: Pair, first: date, last: date) -> dict[str, Figure]:
    ctx = context_for(membership=pair.leader_membership, first=first, last=last)
    return {figure.key: figure for figure in speed.section(ctx).figures}


def values(figure: Figure) -> dict[str, tuple[list[float | None], float | None]]:
    return {s.key: (s.values, s.total) for s in figure.series}


@pytest.fixture
def history(pair: Pair) -> Pair:
    pair.tandem.timezone = LA
    pair.tandem.save()
    vendors, office = area(pair, "Vendors", 4), area(pair, "Office", 1)
    # February (LA): 36 h, and 6 h answered at 22:00 on 28 Feb in LA (1 March in UTC).
    answered(pair, logged(pair, vendors, utc(2026, 2, 27, 10)), utc(2026, 2, 28, 22))
    answered(pair, logged(pair, vendors, utc(2026, 3, 1, 0)), utc(2026, 3, 1, 6))
    # March, the month the clocks go forward (8 March): 24 real hours across the change, 2 h.
    answered(pair, logged(pair, vendors, utc(2026, 3, 7, 18)), utc(2026, 3, 8, 18))
    answered(pair, logged(pair, vendors, utc(2026, 3, 10, 12)), utc(2026, 3, 10, 14))
    # A request nobody answered yet counts nowhere.
    logged(pair, vendors, utc(2026, 3, 11, 12))
    # Outside authority: 9 h, acknowledged at 22:00 on 31 March in LA (1 April in UTC) ...
    acknowledged(pair, logged(pair, office, utc(2026, 3, 31, 20)), utc(2026, 4, 1, 5))
    # ... and 24 h, acknowledged at 01:00 on 1 April in LA.
    acknowledged(pair, logged(pair, office, utc(2026, 3, 31, 8)), utc(2026, 4, 1, 8))
    return pair


def test_answer_time_by_the_month_of_the_answer(history: Pair):
    found = figures(history, date(2026, 2, 1), date(2026, 4, 30))

    answer = found["answer_time"]
    assert answer.unit == "hours"
    assert values(answer) == {
        # Feb [6, 36], March [2, 24], April nothing; all [2, 6, 24, 36].
        "answer_time_median": ([21.0, 13.0, None], 15.0),
        "answer_time_p90": ([33.0, 21.8, None], 32.4),
    }
    assert "?status=answered" in answer.link
    assert str(history.tandem.pk) in answer.link


def test_acknowledgement_time_by_the_month_of_the_acknowledgement(history: Pair):
    found = figures(history, date(2026, 2, 1), date(2026, 4, 30))

    assert values(found["acknowledgement_time"]) == {
        "acknowledgement_time_median": ([None, 9.0, 24.0], 16.5),
        "acknowledgement_time_p90": ([None, 9.0, 24.0], 22.5),
    }
    assert found["acknowledgement_time"].link.endswith("?classification=outside_authority")


def test_an_empty_range_has_no_durations(history: Pair):
    found = figures(history, date(2025, 11, 1), date(2026, 1, 31))

    for figure in found.values():
        for series in figure.series:
            assert series.values == [None, None, None]
            assert series.total is None


def test_a_deleted_person_and_an_archived_area_change_nothing(history: Pair):
    before = {
        key: values(f) for key, f in figures(history, date(2026, 2, 1), date(2026, 4, 30)).items()
    }
    vendors = DecisionArea.objects.get(tandem=history.tandem, name="Vendors")
    delegation.area_archive(membership=history.leader_membership, area_id=vendors.pk)
    leader = history.leader_membership
    user_delete(user=history.assistant, password="correct horse battery")

    ctx = context_for(membership=leader, first=date(2026, 2, 1), last=date(2026, 4, 30))
    after = {figure.key: values(figure) for figure in speed.section(ctx).figures}
    assert after == before


def _years_of_requests(pair: Pair, years: int) -> None:
    vendors = area(pair, "Vendors", 4)
    for month in range(12 * years):
        at = utc(2023 + month // 12, month % 12 + 1, 10, 9)
        answered(pair, logged(pair, vendors, at, title=f"Request {month}"), at + timedelta(hours=5))


@pytest.mark.parametrize("years", [1, 3])
def test_the_same_queries_for_one_or_three_years(pair: Pair, years: int):
    _years_of_requests(pair, years)
    ctx = context_for(
        membership=pair.leader_membership, first=date(2023, 1, 1), last=date(2025, 12, 31)
    )

    with CaptureQueriesContext(connection) as queries:
        section = speed.section(ctx)

    assert len(queries) == 2
    median = next(s for s in section.figures[0].series if s.key == "answer_time_median")
    assert sum(1 for v in median.values if v == 5.0) == 12 * years
