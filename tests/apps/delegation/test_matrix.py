"""The matrix through its services: only the leader changes it, every change is recorded,
decisions keep the terms in force when they were taken, elevations expire by themselves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from apps.core.errors import DomainError, NotFound, PermissionDenied
from apps.delegation import services
from apps.delegation.models import DecisionArea, Elevation, MatrixChange
from tests.apps.delegation.conftest import aware, log, make_area
from tests.conftest import Pair
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

T0 = aware("2026-03-02T09:00:00+01:00")


def _history(area: DecisionArea) -> list[tuple[str, Any, Any, str]]:
    return [
        (c.kind, c.old, c.new, c.reason)
        for c in MatrixChange.objects.filter(area=area).order_by("changed_at", "id")
    ]


def test_creating_an_area_records_it_as_the_first_change(pair: Pair) -> None:
    goal = GoalFactory(tandem=pair.tandem)
    with time_machine.travel(T0, tick=False):
        area = services.area_create(
            membership=pair.leader_membership,
            name=" Travel ",
            level=6,
            limit_amount=Decimal("500"),
            limit_currency="EUR",
            level_above_limit=4,
            goal_id=goal.pk,
            reason="Start of our matrix",
        )

    change = MatrixChange.objects.get()
    assert (change.area, change.changed_by, change.changed_at) == (area, pair.leader, T0)
    assert _history(area) == [
        (
            "created",
            None,
            {
                "name": "Travel",
                "description": "",
                "boundaries": "",
                "level": 6,
                "limit_amount": "500.00",
                "limit_currency": "EUR",
                "level_above_limit": 4,
                "review_on": None,
                "goal": goal.pk,
            },
            "Start of our matrix",
        )
    ]


def test_an_update_records_old_and_new_terms_with_the_reason(
    pair: Pair, travel: DecisionArea
) -> None:
    services.area_update(
        membership=pair.leader_membership, area_id=travel.pk, level=7, reason="Alex knows it"
    )

    (_, (kind, old, new, reason)) = _history(travel)
    assert (kind, reason) == ("updated", "Alex knows it")
    assert (old["level"], new["level"]) == (6, 7)
    assert {k for k in new if new[k] != old[k]} == {"level"}
    travel.refresh_from_db()
    assert travel.level == 7


def test_an_update_that_changes_nothing_records_nothing(pair: Pair, travel: DecisionArea) -> None:
    services.area_update(
        membership=pair.leader_membership, area_id=travel.pk, level=6, limit_amount=Decimal("500")
    )

    assert [kind for kind, *_ in _history(travel)] == ["created"]


def test_clearing_the_limit_clears_its_currency_and_level(pair: Pair, travel: DecisionArea) -> None:
    services.area_update(membership=pair.leader_membership, area_id=travel.pk, limit_amount=None)

    travel.refresh_from_db()
    assert (travel.limit_amount, travel.limit_currency, travel.level_above_limit) == (
        None,
        "",
        None,
    )


def test_the_assistant_cannot_change_the_matrix(pair: Pair, travel: DecisionArea) -> None:
    with pytest.raises(PermissionDenied):
        services.area_create(membership=pair.assistant_membership, name="Mine", level=7)
    with pytest.raises(PermissionDenied):
        services.area_update(membership=pair.assistant_membership, area_id=travel.pk, level=7)
    with pytest.raises(PermissionDenied):
        services.elevation_create(
            membership=pair.assistant_membership,
            area_id=travel.pk,
            level=7,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(days=1),
        )

    assert list(DecisionArea.objects.values_list("name", "level")) == [("Travel", 6)]
    assert MatrixChange.objects.count() == 1
    assert not Elevation.objects.exists()


def test_another_tandems_area_cannot_be_updated(pair: Pair, other_pair: Pair) -> None:
    theirs = make_area(other_pair, name="Theirs", level=4)

    with pytest.raises(NotFound):
        services.area_update(membership=pair.leader_membership, area_id=theirs.pk, level=7)
    theirs.refresh_from_db()
    assert theirs.level == 4


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"level": 0}, "level"),
        ({"level": 8}, "level"),
        (
            {
                "level": 6,
                "limit_amount": Decimal("-1"),
                "limit_currency": "EUR",
                "level_above_limit": 4,
            },
            "limit_amount",
        ),
        ({"level": 6, "limit_amount": Decimal("100")}, "limit_currency"),
        (
            {"level": 6, "limit_amount": Decimal("100"), "limit_currency": "EUR"},
            "level_above_limit",
        ),
        ({"level": 6, "limit_currency": "EUR"}, "limit_currency"),
        ({"level": 6, "level_above_limit": 4}, "level_above_limit"),
        (
            {
                "level": 6,
                "limit_amount": Decimal("100"),
                "limit_currency": "eur",
                "level_above_limit": 4,
            },
            "limit_currency",
        ),
        (
            {
                "level": 4,
                "limit_amount": Decimal("100"),
                "limit_currency": "EUR",
                "level_above_limit": 6,
            },
            "level_above_limit",
        ),
        (
            {
                "level": 6,
                "limit_amount": Decimal("100"),
                "limit_currency": "EUR",
                "level_above_limit": 6,
            },
            "level_above_limit",
        ),
        ({"level": 6, "goal_id": 999999}, "goal"),
        ({"level": 6, "name": "travel"}, "name"),
        ({"level": 6, "name": "  "}, "name"),
    ],
)
def test_bad_area_terms_name_the_field_and_change_nothing(
    pair: Pair, travel: DecisionArea, terms: dict[str, Any], field: str
) -> None:
    terms.setdefault("name", "Spending")
    with pytest.raises(DomainError) as error:
        services.area_create(membership=pair.leader_membership, **terms)

    assert error.value.field == field
    assert list(DecisionArea.objects.values_list("name", flat=True)) == ["Travel"]
    assert MatrixChange.objects.count() == 1


def test_a_goal_of_another_tandem_cannot_be_linked(pair: Pair, other_pair: Pair) -> None:
    theirs = GoalFactory(tandem=other_pair.tandem)

    with pytest.raises(DomainError) as error:
        make_area(pair, goal_id=theirs.pk)
    assert error.value.field == "goal"


def test_a_decision_keeps_the_terms_in_force_when_the_matrix_changes(
    pair: Pair, travel: DecisionArea
) -> None:
    before = log(pair, area_id=travel.pk, amount=Decimal("600"), currency="EUR")

    services.area_update(
        membership=pair.leader_membership,
        area_id=travel.pk,
        level=7,
        limit_amount=Decimal("1000"),
        level_above_limit=5,
    )
    after = log(pair, area_id=travel.pk, amount=Decimal("600"), currency="EUR")

    before.refresh_from_db()
    assert (
        before.level_in_force,
        before.limit_amount_in_force,
        before.limit_currency_in_force,
        before.level_above_limit_in_force,
        before.level_applied,
        before.above_limit,
        before.classification,
    ) == (6, Decimal("500.00"), "EUR", 4, 4, True, "needs_agreement")
    assert (
        after.level_in_force,
        after.limit_amount_in_force,
        after.level_above_limit_in_force,
        after.level_applied,
        after.above_limit,
        after.classification,
    ) == (7, Decimal("1000"), 5, 7, False, "within_authority")


def test_a_decision_dated_earlier_is_classified_against_the_matrix_then(pair: Pair) -> None:
    with time_machine.travel(T0, tick=False):
        area = make_area(pair, name="Calendar", level=6)
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        services.area_update(membership=pair.leader_membership, area_id=area.pk, level=7)
        earlier = log(pair, area_id=area.pk, decided_at=T0 + timedelta(days=5))
        now = log(pair, area_id=area.pk)

    assert (earlier.level_in_force, earlier.classification) == (6, "inform")
    assert (now.level_in_force, now.classification) == (7, "within_authority")


def test_an_elevation_raises_the_level_until_it_expires(pair: Pair, vendors: DecisionArea) -> None:
    with time_machine.travel(T0, tick=False):
        elevation = services.elevation_create(
            membership=pair.leader_membership,
            area_id=vendors.pk,
            level=7,
            starts_at=T0,
            ends_at=T0 + timedelta(days=7),
            reason="Travelling",
        )
        during = log(pair, area_id=vendors.pk)
    with time_machine.travel(T0 + timedelta(days=7), tick=False):
        after = log(pair, area_id=vendors.pk)

    assert (
        during.classification,
        during.status,
        during.under_elevation,
        during.elevation,
        during.elevated_level_in_force,
        during.level_in_force,
    ) == ("within_authority", "no_action", True, elevation, 7, 4)
    assert (after.classification, after.under_elevation, after.elevation) == (
        "needs_agreement",
        False,
        None,
    )
    change = MatrixChange.objects.get(kind="elevated")
    assert (change.old, change.new, change.reason) == (
        {"level": 4},
        {
            "level": 7,
            "starts_at": T0.isoformat(),
            "ends_at": (T0 + timedelta(days=7)).isoformat(),
        },
        "Travelling",
    )


def test_an_elevation_does_not_lift_the_money_limit(pair: Pair, travel: DecisionArea) -> None:
    now = timezone.now()
    services.elevation_create(
        membership=pair.leader_membership,
        area_id=travel.pk,
        level=7,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
    )

    above = log(pair, area_id=travel.pk, amount=Decimal("900"), currency="EUR")

    assert (above.classification, above.under_elevation, above.elevated_level_in_force) == (
        "needs_agreement",
        False,
        7,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"level": 4}, "level"),
        ({"level": 3}, "level"),
        ({"level": 9}, "level"),
        ({"ends_at": T0 - timedelta(hours=1)}, "ends_at"),
        ({"starts_at": T0 - timedelta(days=3), "ends_at": T0 - timedelta(days=1)}, "ends_at"),
        ({"ends_at": T0 + timedelta(days=93)}, "ends_at"),
        ({"starts_at": T0 + timedelta(days=2), "ends_at": T0 + timedelta(days=3)}, "starts_at"),
        ({"starts_at": T0.replace(tzinfo=None)}, "starts_at"),
        ({"area_id": 999999}, "area"),
    ],
)
def test_bad_elevations_name_the_field_and_create_nothing(
    pair: Pair, vendors: DecisionArea, change: dict[str, Any], field: str
) -> None:
    with time_machine.travel(T0, tick=False):
        existing = services.elevation_create(
            membership=pair.leader_membership,
            area_id=vendors.pk,
            level=6,
            starts_at=T0 + timedelta(days=1),
            ends_at=T0 + timedelta(days=5),
        )
        args: dict[str, Any] = {
            "area_id": vendors.pk,
            "level": 6,
            "starts_at": T0,
            "ends_at": T0 + timedelta(hours=12),
        } | change
        with pytest.raises(DomainError) as error:
            services.elevation_create(membership=pair.leader_membership, **args)

    assert error.value.field == field
    assert list(Elevation.objects.all()) == [existing]
    assert MatrixChange.objects.filter(kind="elevated").count() == 1
