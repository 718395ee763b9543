"""The one percentile of the project (Insights' alignment times, the benchmarks' latencies)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-quantile (0 to 1) of `values`, interpolated between the two nearest ranks (as
    `statistics.quantiles(method="inclusive")`); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)
