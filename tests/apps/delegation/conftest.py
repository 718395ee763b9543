"""Fixtures of the delegation tests: a tandem's matrix built through the services."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from apps.delegation import services
from apps.delegation.models import Decision, DecisionArea
from tests.apps.notifications.conftest import eager, run_pass  # noqa: F401 (fixtures)
from tests.conftest import Pair
from tests.factories import TANDEMS_MADE_AT


def make_area(pair: Pair, *, name: str = "Travel", level: int = 6, **terms: Any) -> DecisionArea:
    return services.area_create(membership=pair.leader_membership, name=name, level=level, **terms)


def old_area(pair: Pair, *, name: str, level: int, **terms: Any) -> DecisionArea:
    """An area the leader made with the tandem, long ago (its history entry too): decisions
    of any date in these tests fall after it."""
    with time_machine.travel(TANDEMS_MADE_AT, tick=False):
        return make_area(pair, name=name, level=level, **terms)


def log(
    pair: Pair, *, by: str = "assistant", title: str = "Booked the train", **kwargs: Any
) -> Decision:
    membership = pair.assistant_membership if by == "assistant" else pair.leader_membership
    kwargs.setdefault("rationale", "Cheapest flexible fare.")
    return services.decision_log(membership=membership, title=title, **kwargs)


@pytest.fixture
def travel(pair: Pair) -> DecisionArea:
    """Inquire below 500 EUR, Agree above."""
    return old_area(
        pair,
        name="Travel",
        level=6,
        limit_amount=Decimal("500.00"),
        limit_currency="EUR",
        level_above_limit=4,
    )


@pytest.fixture
def hiring(pair: Pair) -> DecisionArea:
    return old_area(pair, name="Hiring", level=3)


@pytest.fixture
def vendors(pair: Pair) -> DecisionArea:
    """Agree: every vendor decision of the assistant is a request."""
    return old_area(pair, name="Vendors", level=4)


def aware(text: str) -> datetime:
    return datetime.fromisoformat(text)
