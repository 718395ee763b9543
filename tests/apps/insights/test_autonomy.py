"""Growing autonomy, against a hand-computed history in Los Angeles (January to May 2026):
a level change at 21:00 on 31 January local (February in UTC) is January's, a decision at
00:30 on 1 April local (07:30 UTC, PDT since 8 March) is April's, an archived area keeps its
months and is marked, a month with nothing counts 0 and has no share."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from apps.delegation import growth, selectors, services
from apps.delegation.models import Answer, Decision, DecisionArea
from apps.insights.sections import autonomy
from tests.apps.insights.trust_fixtures import at, figure_of, section_of, series_of, totals_of
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

JAN, JUN = date(2026, 1, 1), date(2026, 6, 30)


def _log(pair: Pair, area_id: int | None, *, by: str = "assistant") -> Decision:
    membership = pair.assistant_membership if by == "assistant" else pair.leader_membership
    return services.decision_log(
        membership=membership, title="Booked", rationale="Cheapest.", area_id=area_id
    )


@pytest.fixture
def history(pair: Pair, settings) -> Pair:  # type: ignore[no-untyped-def]
    # One approved request at an area's level suggests a raise (when the page is read, too).
    settings.TANDEM_DELEGATION_GROWTH_WINDOW = 1
    pair.tandem.timezone = "America/Los_Angeles"
    pair.tandem.save()
    leader = pair.leader_membership

    def area(name: str, level: int) -> int:
        return services.area_create(membership=leader, name=name, level=level).pk

    with at("2026-01-10T18:00:00+00:00"):
        travel, parking = area("Travel", 4), area("Parking", 3)
    with at("2026-01-20T18:00:00+00:00"):
        request = _log(pair, travel)  # needs agreement
        _log(pair, parking)  # outside authority
    with at("2026-01-21T18:00:00+00:00"):
        services.decision_answer(
            membership=leader, decision_id=request.pk, answer=Answer.REJECT, comment="Too dear"
        )
    with at("2026-02-01T05:00:00+00:00"):  # 31 January, 21:00 in Los Angeles
        services.area_update(membership=leader, area_id=travel, level=5)
    with at("2026-02-05T18:00:00+00:00"):
        budget = area("Budget", 6)
    with at("2026-02-10T18:00:00+00:00"):
        _log(pair, travel)  # needs advice, never answered
        _log(pair, budget)  # inform
        _log(pair, budget)  # inform
        _log(pair, None)  # no area
        _log(pair, budget, by="leader")  # the leader's own: not the assistant's share
    with at("2026-03-01T18:00:00+00:00"):
        services.elevation_create(
            membership=leader,
            area_id=budget,
            level=7,
            starts_at=datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
            ends_at=datetime.fromisoformat("2026-03-09T00:00:00+00:00"),
        )
    with at("2026-03-03T18:00:00+00:00"):
        _log(pair, budget)  # within authority, under the elevation
    with at("2026-03-10T18:00:00+00:00"):
        services.area_archive(membership=leader, area_id=parking)
    with at("2026-04-01T07:30:00+00:00"):  # 1 April, 00:30 PDT
        _log(pair, budget)  # inform
    with at("2026-04-10T18:00:00+00:00"):
        asked = _log(pair, travel)  # needs advice at level 5
    with at("2026-04-11T18:00:00+00:00"):
        # A suggestion to raise Travel to 6 shows; the leader says "not now" the next day.
        services.decision_answer(membership=leader, decision_id=asked.pk, answer=Answer.APPROVE)
    with at("2026-04-12T18:00:00+00:00"):
        services.area_growth_dismiss(membership=leader, area_id=travel)
    with at("2026-04-15T18:00:00+00:00"):
        services.area_update(membership=leader, area_id=budget, level=7)  # unprompted
    with at("2026-05-05T18:00:00+00:00"):
        asked = _log(pair, travel)
        services.decision_answer(membership=leader, decision_id=asked.pk, answer=Answer.APPROVE)
        assert list(_suggestions(travel)) == [travel]
    with at("2026-05-06T18:00:00+00:00"):
        services.area_update(membership=leader, area_id=travel, level=6)  # accepted
        assert _suggestions(travel) == {}
    return pair


def _suggestions(area_id: int) -> dict[int, selectors.GrowthSuggestion]:
    return dict(selectors.growth_suggestions(areas=[DecisionArea.objects.get(pk=area_id)]))


def test_each_areas_level_at_the_end_of_each_month(history: Pair):
    section = section_of(autonomy.section, history.leader_membership, JAN, JUN)
    figure = figure_of(section, "area_levels")
    assert [(s.label, s.who, s.values) for s in figure.series] == [
        ("Budget", "pair", [None, 6, 6, 7, 7, 7]),
        ("Parking (archived)", "pair", [3, 3, None, None, None, None]),
        ("Travel", "pair", [5, 5, 5, 5, 6, 6]),
    ]


def test_an_area_archived_before_the_range_is_left_out(history: Pair):
    section = section_of(autonomy.section, history.leader_membership, date(2026, 4, 1), JUN)
    labels = [s.label for s in figure_of(section, "area_levels").series]
    assert labels == ["Budget", "Travel"]


def test_share_of_the_assistants_decisions_within_authority(history: Pair):
    section = section_of(autonomy.section, history.leader_membership, JAN, JUN)
    assert series_of(section, "decisions_within_authority") == {
        "within_authority": [0.0, 66.7, 100.0, 50.0, 0.0, None]
    }
    assert totals_of(section, "decisions_within_authority") == {"within_authority": 44.4}
    assert series_of(section, "assistant_decisions") == {
        "within_authority": [0, 2, 1, 1, 0, 0],
        "needs_leader": [2, 1, 0, 1, 1, 0],
        "no_area": [0, 1, 0, 0, 0, 0],
    }
    assert totals_of(section, "assistant_decisions") == {
        "within_authority": 4,
        "needs_leader": 5,
        "no_area": 1,
    }


def test_elevations_and_growth_suggestions(history: Pair):
    section = section_of(autonomy.section, history.leader_membership, JAN, JUN)
    assert series_of(section, "elevations_used") == {
        "started": [0, 0, 1, 0, 0, 0],
        "decisions": [0, 0, 1, 0, 0, 0],
    }
    # Raising Travel in January and Budget in April followed no suggestion.
    assert series_of(section, "growth_suggestions") == {
        "raised": [0, 0, 0, 1, 1, 0],
        "accepted": [0, 0, 0, 0, 1, 0],
        "not_now": [0, 0, 0, 1, 0, 0],
    }


def test_both_members_see_the_same(history: Pair):
    def flat(membership):  # type: ignore[no-untyped-def]
        section = section_of(autonomy.section, membership, JAN, JUN)
        return [(f.key, [(s.key, s.values, s.total) for s in f.series]) for f in section.figures]

    assert flat(history.leader_membership) == flat(history.assistant_membership)


@pytest.mark.parametrize("seed", [1, 4, 8])  # seeds that take every path
def test_the_replayed_suggestions_match_what_the_matrix_page_showed(pair: Pair, settings, seed):  # type: ignore[no-untyped-def]
    """Step through approvals, rejections, "not now", accepting and lowering in a seeded
    random order, noting each time a live suggestion appears (as the matrix page would show
    it); the replay finds the same."""
    settings.TANDEM_DELEGATION_GROWTH_WINDOW = 2
    leader = pair.leader_membership
    moment = datetime.fromisoformat("2026-01-05T10:00:00+00:00")
    with at(moment.isoformat()):
        area = services.area_create(membership=leader, name="Travel", level=4).pk
    chooser = random.Random(seed)
    appeared = accepted = dismissed = 0
    shown: list[int] = []
    for _step in range(40):
        moment += timedelta(hours=20)
        with at(moment.isoformat()):
            level = DecisionArea.objects.get(pk=area).level
            step = chooser.choice(["approve", "approve", "reject", "settle", "lower"])
            if step in ("approve", "reject") and level < 6:  # requests only at 4 and 5
                asked = _log(pair, area)
                answer = Answer.APPROVE if step == "approve" else Answer.REJECT
                services.decision_answer(
                    membership=leader, decision_id=asked.pk, answer=answer, comment="Why"
                )
            elif step == "settle" and shown:
                if chooser.random() < 0.5:
                    services.area_growth_dismiss(membership=leader, area_id=area)
                    dismissed += 1
                else:
                    services.area_update(membership=leader, area_id=area, level=level + 1)
                    accepted += 1
            elif step == "lower" and level > 4:
                services.area_update(membership=leader, area_id=area, level=4)
            # A suggestion to raise to another level is another suggestion.
            suggested = [g.suggested_level for g in _suggestions(area).values()]
            appeared += bool(suggested) and suggested != shown
            shown = suggested
    history = growth.growth_history(membership=leader, before=moment + timedelta(hours=1))
    kinds = [event.kind for event in history]
    assert [kinds.count(kind) for kind in ("raised", "accepted", "not_now")] == [
        appeared,
        accepted,
        dismissed,
    ]
    assert appeared >= 3 and accepted >= 1 and dismissed >= 1
    # From any moment on, the replay that reads only the last requests before it (the
    # window's worth per area and level) finds the same events as the whole replay.
    start = datetime.fromisoformat("2026-01-05T10:00:00+00:00")
    for hours in range(0, 40 * 20, 50):
        since = start + timedelta(hours=hours)
        bounded = growth.growth_history(
            membership=leader, before=moment + timedelta(hours=1), since=since
        )
        assert bounded == [event for event in history if event.at >= since], hours


def test_each_figure_links_to_the_page_of_its_rows(history: Pair):
    section = section_of(autonomy.section, history.leader_membership, JAN, JUN)
    base = f"/t/{history.tandem.pk}/"
    assert {f.key: f.link.removeprefix(base) for f in section.figures} == {
        "area_levels": "matrix/history/",
        "decisions_within_authority": "decisions/",
        "assistant_decisions": "decisions/",
        "elevations_used": "matrix/history/",
        "growth_suggestions": "matrix/",
    }
