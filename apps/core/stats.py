"""The one percentile of the project (Insights' alignment times, the benchmarks' latencies)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-quantile (0 to 1) of `values`, interpolated between the two nearest ranks (as
    `statistics.quantiles(method="inclusive")`); None for no values."""
    return percentiles(values, (q,))[0]


def percentiles(values: Sequence[float], qs: Sequence[float]) -> list[float | None]:
    """`percentile` of `values` for each of `qs`, sorting them once."""
    ordered = sorted(values)
    if not ordered:
        return [None] * len(qs)
    last = len(ordered) - 1
    found: list[float | None] = []
    for q in qs:
        k = last * q
        low, high = int(k), min(int(k) + 1, last)
        found.append(ordered[low] + (ordered[high] - ordered[low]) * (k - low))
    return found
