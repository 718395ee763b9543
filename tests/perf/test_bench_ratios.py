"""The benchmark's CPU ratios are medians of the rounds' ratios: a burst of the neighbours'
load that slows one block of requests does not move them, as it moved a ratio of totals."""

from __future__ import annotations

import math

import pytest

from bench.api import VARIANTS, Figures
from bench.common import median_ratio
from bench.own import Measured

# Five rounds; in the third the machine was busy while the API's block ran.
API = [1.2, 1.2, 3.0, 1.2, 1.2]
BASELINE = [1.0, 1.0, 1.0, 1.0, 1.0]


def test_the_api_against_its_baseline_is_the_median_of_the_rounds() -> None:
    figures = Figures(rounds=5, per_round=10)
    figures.cpu_rounds["inbox"] = {"large": {"api": API, "stock": [2.0] * 5, "baseline": BASELINE}}
    assert sorted(figures.cpu_rounds["inbox"]["large"]) == sorted(VARIANTS)

    assert figures.cpu_ratio("inbox", "large") == pytest.approx(1.2)
    assert figures.cpu_ratio("inbox", "large", "stock") == pytest.approx(2.0)
    assert sum(API) / sum(BASELINE) == pytest.approx(1.56)  # what the totals said


def test_a_median_ratio_pairs_the_rounds_and_skips_a_round_without_a_reading() -> None:
    assert median_ratio([3.0, 1.0, 2.0], [1.0, 1.0, 1.0]) == 2.0
    assert median_ratio([6.0, 9.0, 5.0], [3.0, 0.0, 5.0]) == pytest.approx(1.5)
    assert math.isnan(median_ratio([1.0], [0.0]))
    with pytest.raises(ValueError):
        median_ratio([1.0, 2.0], [1.0])  # rounds are paired, never shifted


def test_one_tandems_growth_is_read_from_the_rounds_median() -> None:
    figures = Measured(rounds=5, per_round=5)
    figures.queries["contacts/"] = {"1x": 9, "100x": 9}
    figures.cpu_ms["contacts/"] = {"1x": 10.0, "100x": 15.6}  # the totals' means
    figures.cpu_growth["contacts/"] = median_ratio(API, BASELINE)

    assert figures.ratio("contacts/", "cpu") == pytest.approx(1.2)
    assert figures.ratio("contacts/", "queries") == 1.0
