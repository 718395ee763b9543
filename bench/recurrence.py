"""Recurrence: the cost of computing occurrences must follow what is asked, not the series' age.

    python -m bench.recurrence OUT.json [--quick]

A weekly series (Mondays 09:00 Europe/Berlin) that started ten years ago against the same one
starting today: the next 10 occurrences, and the occurrences of the coming 400 days (the
longest window the API serves). Both questions have the same answers for both series.
Interleaved rounds of many calls each; the figure is the median per call.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEARS = 10


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from apps.checkins.recurrence import Schedule, next_occurrences, occurrences_between

    out = Path(sys.argv[1])
    quick = "--quick" in sys.argv[2:]
    rounds, per_round = (3, 20) if quick else (15, 200)
    now = datetime.now(UTC)

    def schedule(start: datetime) -> Schedule:
        return Schedule(
            rule="FREQ=WEEKLY;BYDAY=MO",
            start_date=start.date(),
            local_time=datetime.min.time().replace(hour=9),
            timezone="Europe/Berlin",
        )

    series = {"old": schedule(now - timedelta(days=365 * YEARS)), "new": schedule(now)}
    computations = {
        "next 10 occurrences": lambda s: next_occurrences(s, now, 10),
        "occurrences in the next 400 days": lambda s: occurrences_between(
            s, now, now + timedelta(days=400)
        ),
    }
    for compute in computations.values():  # the same work for both: the same answer
        assert compute(series["old"]) == compute(series["new"])

    samples: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        ages = ("old", "new") if r % 2 == 0 else ("new", "old")
        for name, compute in computations.items():
            for age in ages:
                began = time.perf_counter()
                for _ in range(per_round):
                    compute(series[age])
                per_call = (time.perf_counter() - began) / per_round
                samples.setdefault((name, age), []).append(per_call)
    old = {name: statistics.median(samples[(name, "old")]) * 1e6 for name in computations}
    new = {name: statistics.median(samples[(name, "new")]) * 1e6 for name in computations}
    ratios = {name: old[name] / new[name] for name in computations}
    out.write_text(
        json.dumps(
            {
                "years": YEARS,
                "rounds": rounds,
                "per_round": per_round,
                "old_us": old,
                "new_us": new,
                "ratios": ratios,
                "ratio": ratios["next 10 occurrences"],
            }
        )
    )
    print(f"  next 10: {old['next 10 occurrences']:.0f} µs vs {new['next 10 occurrences']:.0f} µs")


if __name__ == "__main__":
    main()
