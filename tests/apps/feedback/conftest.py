"""Fixtures of the feedback tests: an open cycle in `pair`'s tandem at a frozen time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from apps.feedback.models import FeedbackCycle
from tests.conftest import Pair
from tests.factories.feedback import make_cycle

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cycle(pair: Pair, frozen: time_machine.Coordinates) -> FeedbackCycle:
    """Opened a day ago, deadline in 13 days."""
    return make_cycle(pair.leader_membership, opens_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))


def url(pair: Pair, path: str) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/{path}"
