"""Fixtures for check-ins: a weekly Monday 09:00 Berlin series from 2026-03-02, time frozen
the day before it starts unless a test travels elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from apps.checkins.models import CheckInSeries
from tests.conftest import Pair
from tests.factories.checkins import series_for

# Sunday 2026-03-01 12:00 UTC; the series' first occurrence is Monday 2026-03-02 08:00 UTC.
BEFORE_START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FIRST = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def traveller() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(BEFORE_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def series(pair: Pair, traveller: time_machine.Coordinates) -> CheckInSeries:
    return series_for(pair.leader_membership)


def url(pair: Pair, tail: str = "") -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/{tail}"
