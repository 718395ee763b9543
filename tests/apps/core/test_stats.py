"""The one percentile: the same as the standard library's inclusive quantiles."""

from __future__ import annotations

import statistics

import pytest

from apps.core.stats import percentile, percentiles


@pytest.mark.parametrize("values", [[7.0], [1.0, 2.0], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]])
def test_the_percentile_agrees_with_the_inclusive_quantiles(values):
    deciles = statistics.quantiles(
        values * 2 if len(values) == 1 else values, n=10, method="inclusive"
    )
    if len(values) > 1:
        assert percentile(values, 0.9) == pytest.approx(deciles[8])
        assert percentile(values, 0.5) == pytest.approx(statistics.median(values))
    assert percentile(values, 0) == min(values)
    assert percentile(values, 1) == max(values)


def test_no_values_have_no_percentile():
    assert percentile([], 0.5) is None


@pytest.mark.parametrize("values", [[], [7.0], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]])
def test_several_percentiles_at_once_are_each_percentile(values):
    qs = (0.0, 0.25, 0.5, 0.9, 1.0)
    assert percentiles(values, qs) == [percentile(values, q) for q in qs]
