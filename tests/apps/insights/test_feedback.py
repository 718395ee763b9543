"""The feedback trends beside the other figures, in Berlin (January to April 2026): a cycle
opening at 00:30 on 1 February local (31 January in UTC) is February's, two cycles of one
month are averaged, and a cycle only one person has submitted to shows nothing, to either of
them, until it is revealed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from apps.feedback import services
from apps.feedback.models import FeedbackCycle
from apps.insights.sections import feedback
from apps.tandems.models import Membership
from tests.apps.insights.trust_fixtures import at, section_of, series_of, totals_of
from tests.conftest import Pair
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db

JAN, APR = date(2026, 1, 1), date(2026, 4, 30)


def _submit(membership: Membership, cycle: FeedbackCycle, rating: int) -> None:
    services.entry_submit(
        membership=membership, cycle_id=cycle.pk, answers=full_answers(cycle, rating=rating)
    )


def _cycle(pair: Pair, opens: str, leader_rates: int | None, assistant_rates: int | None):  # type: ignore[no-untyped-def]
    with at(opens):
        cycle = make_cycle(
            pair.leader_membership, opens_at=datetime.fromisoformat(opens), template="five_steps"
        )
        if leader_rates is not None:
            _submit(pair.leader_membership, cycle, leader_rates)
        if assistant_rates is not None:
            _submit(pair.assistant_membership, cycle, assistant_rates)
    return cycle


@pytest.fixture
def history(pair: Pair) -> tuple[Pair, FeedbackCycle]:
    assert pair.tandem.timezone == "Europe/Berlin"
    _cycle(pair, "2026-01-31T23:30:00+00:00", 4, 2)  # 1 February, 00:30 CET
    _cycle(pair, "2026-02-15T09:00:00+00:00", 2, 5)
    blind = _cycle(pair, "2026-03-10T09:00:00+00:00", None, 1)  # only the assistant's
    return pair, blind


TRUST = ("trust_leader_to_assistant", "trust_assistant_to_leader")


def test_trends_by_the_month_each_cycle_opened(history: tuple[Pair, FeedbackCycle]):
    pair, _blind = history
    section = section_of(feedback.section, pair.leader_membership, JAN, APR)
    found = series_of(section, "feedback_trends")
    assert {key: found[key] for key in TRUST} == {
        "trust_leader_to_assistant": [None, 3.0, None, None],
        "trust_assistant_to_leader": [None, 3.5, None, None],
    }
    totals = totals_of(section, "feedback_trends")
    assert (totals[TRUST[0]], totals[TRUST[1]]) == (3.0, 3.5)
    labels = [s.label for s in section.figures[0].series[:2]]
    assert labels == ["Trust (leader → assistant)", "Trust (assistant → leader)"]
    # Every question of the template, in both directions, nothing in March or April.
    assert len(found) == 2 * 5
    assert all(values[2:] == [None, None] for values in found.values())


def test_an_unrevealed_entry_never_shows_not_even_to_its_author(
    history: tuple[Pair, FeedbackCycle],
):
    pair, blind = history
    for membership in (pair.leader_membership, pair.assistant_membership):
        section = section_of(feedback.section, membership, date(2026, 3, 1), APR)
        assert series_of(section, "feedback_trends") == {}

    with at("2026-04-10T09:00:00+00:00"):  # past its deadline and grace: closed, revealed
        services.cycles_close_due()
    blind.refresh_from_db()
    assert blind.revealed_at is not None

    section = section_of(feedback.section, pair.leader_membership, date(2026, 3, 1), APR)
    found = series_of(section, "feedback_trends")
    assert found["trust_assistant_to_leader"] == [1.0, None]
    assert "trust_leader_to_assistant" not in found  # the leader never submitted
