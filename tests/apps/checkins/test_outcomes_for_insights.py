"""The check-ins Insights counts (`occurrence_outcomes_for_insights`): a month's planned
starts are computed once per process and day for a short window, and are exactly the
schedule's, for any end inside that day and after the series' timing changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from apps.checkins.models import CheckInSeries
from apps.checkins.recurrence import occurrences_between
from apps.checkins.selectors import occurrences
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

MARCH = datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # 1 March, 00:00 in Berlin


def _starts(pair: Pair, start: datetime, end: datetime) -> list[datetime]:
    return [
        planned
        for planned, _outcome, _by in occurrences.occurrence_outcomes_for_insights(
            tandem=pair.tandem, window_start=start, window_end=end
        )
    ]


def test_a_months_starts_follow_the_end_asked_for(pair: Pair, series: CheckInSeries) -> None:
    occurrences._starts_until.cache_clear()
    mondays = [FIRST + timedelta(weeks=n) for n in range(5)]  # 2, 9, 16, 23, 30 March

    assert _starts(pair, MARCH, mondays[2]) == mondays[:2]  # before the third, not with it
    assert _starts(pair, MARCH, mondays[2] + timedelta(seconds=1)) == mondays[:3]
    assert _starts(pair, MARCH, mondays[2] + timedelta(hours=10)) == mondays[:3]
    # Three ends on the same UTC day: one expansion kept, the others read from it.
    info = occurrences._starts_until.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_a_new_timing_is_counted_at_once(pair: Pair, series: CheckInSeries) -> None:
    end = FIRST + timedelta(weeks=3)
    assert _starts(pair, MARCH, end) == [FIRST + timedelta(weeks=n) for n in range(3)]

    CheckInSeries.objects.filter(pk=series.pk).update(local_time=time(10, 30))

    moved = [FIRST + timedelta(weeks=n, hours=1, minutes=30) for n in range(3)]
    assert _starts(pair, MARCH, end + timedelta(hours=1)) == moved  # the same UTC day


def test_a_long_window_is_computed_not_kept(pair: Pair, series: CheckInSeries) -> None:
    occurrences._starts_until.cache_clear()
    end = FIRST + timedelta(days=200)

    found = _starts(pair, MARCH, end)

    assert found == occurrences_between(
        CheckInSeries.objects.get(pk=series.pk).schedule, MARCH, end
    )
    assert len(found) == 29
    assert occurrences._starts_until.cache_info().currsize == 0
