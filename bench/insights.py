"""Insights on PostgreSQL: the figures of a tandem with five years of history, for the last
year and for all five years, against the decision log's first page, in one process.

    DATABASE_URL=<scratch, migrated> DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.insights OUT.json [--quick]

Run by bench/run.py, which gives it a scratch database of its own.

The tandem (bulk-written with explicit timestamps, in the shapes the services write, by
`bench.data`'s writers): about 10,000 decisions over five years (a quarter of them requests
answered after a few hours), a weekly check-in whose last 250 meetings have rows and an
agenda item each, 2,000 action items (done on time, late, open or dropped), 60 monthly
feedback cycles revealed, and 1,000 thank-yous; beside it 50 filler tandems with a year each,
so the tables hold other tandems' rows too.

Before measuring, the closed months are kept as rows by the task a deployment runs hourly
(`apps.insights.rollup.roll_up`, timed here too), so the state measured is a running
deployment's: every month that has ended is read from its row, the current one counted live.

Each call is a full request through the URLconf and DRF (`APIClient`, authenticated as the
leader, no HTTP server): `GET …/insights/?from=<a year ago>`, `?from=<five years ago>`, and
`GET …/decisions/` (the first page of 50). Interleaved rounds, median per call, and the
queries of each.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

YEARS = 5


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


class Sizes:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        scale = 10 if quick else 1
        self.decisions = 10_000 // scale
        self.meetings = 250
        self.action_items = 2_000 // scale
        self.cycles = 60
        self.thanks = 1_000 // scale
        self.fillers = 5 if quick else 50
        self.rounds = 3 if quick else 15
        self.per_round = 2 if quick else 5


def _decisions(t: Any, m: Any, trio: Any, count: int, span: timedelta) -> None:
    """`count` decisions spread evenly over `span` up to now, in `bench.data.decisions`'
    shapes: every fourth a request answered after 1 to 60 hours."""
    from decimal import Decimal

    from bench.data import NOW

    areas = [
        t[m.DecisionArea].add(tandem_id=trio.tandem, name=f"Area {a}", level=4 if a % 2 else 6)
        for a in range(8)
    ]
    step = span / count
    for n in range(count):
        level = 6 if n % 2 == 0 else 4
        decided = NOW - step * (count - n)
        by_leader = n % 3 == 0
        row: dict[str, Any] = {
            "tandem_id": trio.tandem,
            "area_id": areas[n % 8],
            "author_id": trio.leader if by_leader else trio.assistant,
            "author_role": "leader" if by_leader else "assistant",
            "title": f"Decision {n}: order supplies",
            "rationale": "The team needs them before the launch; three offers compared.",
            "amount": Decimal("120.00") if n % 2 else None,
            "currency": "EUR" if n % 2 else "",
            "decided_at": decided,
            "level_in_force": level,
            "level_applied": level,
            "classification": "within_authority",
            "status": "no_action",
        }
        if n % 4 == 1:
            row.update(
                classification="needs_agreement",
                status="answered",
                due_at=decided + timedelta(hours=48),
                answer="approve",
                answer_comment="Go ahead.",
                answered_by_id=trio.leader,
                answered_at=decided + timedelta(hours=1 + n % 60),
            )
        t[m.Decision].add(**row)


def _action_items(t: Any, trio: Any, count: int, span: timedelta) -> None:
    from apps.checkins.models import ActionItem
    from bench.data import NOW

    step = span / count
    for n in range(count):
        made = NOW - step * (count - n)
        due = (made + timedelta(days=10)).date()
        state = ("done", "done", "done", "open", "dropped")[n % 5]
        late = n % 7 == 0
        done_at = made + timedelta(days=12 if late else 8) if state == "done" else None
        t[ActionItem].add(
            tandem_id=trio.tandem,
            owner_id=trio.leader if n % 2 else trio.assistant,
            created_by_id=trio.leader,
            text=f"Commitment {n}",
            due_date=due,
            status=state,
            done_at=done_at,
            kept=(not late) if state == "done" else None,
            created_at=made,
        )


def _thanks(t: Any, trio: Any, count: int, span: timedelta) -> None:
    from apps.feedback.models import Appreciation
    from bench.data import NOW

    step = span / count
    for n in range(count):
        leader_writes = n % 2 == 0
        t[Appreciation].add(
            tandem_id=trio.tandem,
            author_id=trio.leader if leader_writes else trio.assistant,
            recipient_id=trio.assistant if leader_writes else trio.leader,
            text="Thank you!",
            created_at=NOW - step * (count - n),
        )


def generate(sizes: Sizes) -> dict[str, Any]:
    from bench import data
    from bench.data import NOW, Tables, models

    t, m = Tables(), models()
    span = timedelta(days=365 * YEARS)
    (probe,) = data.tandems(t, m, "insights", 1)
    _decisions(t, m, probe, sizes.decisions, span)
    start = (NOW - span - timedelta(days=14)).date()
    series_id, schedule = data.series(
        t, m, probe, rule="FREQ=WEEKLY;BYDAY=MO", start=start, title="Weekly check-in"
    )
    data.history(t, m, series_id, schedule, probe, sizes.meetings)
    _action_items(t, probe, sizes.action_items, span)
    data.cycles(t, m, probe, sizes.cycles)
    _thanks(t, probe, sizes.thanks, span)
    for filler in data.tandems(t, m, "insights-filler", sizes.fillers):
        _decisions(t, m, filler, sizes.decisions // 5, timedelta(days=365))
        _action_items(t, filler, sizes.action_items // 5, timedelta(days=365))
        _thanks(t, filler, sizes.thanks // 5, timedelta(days=365))
        data.cycles(t, m, filler, 12)
    t.flush()
    data.analyze()
    return {"tandem": probe.tandem, "leader": probe.leader}


def measure(sizes: Sizes, probe: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from rest_framework.test import APIClient

    from apps.accounts.models import User
    from apps.insights import periods
    from bench.contacts import QueryCounter

    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(User.objects.get(pk=probe["leader"]))
    base = f"/api/v1/tandems/{probe['tandem']}"
    today = periods.today_in("Europe/Berlin")
    one_year_from, _ = periods.default_range(today)
    five_from = date(today.year - YEARS, today.month, 1)
    calls = {
        "insights, last year": f"{base}/insights/?from={one_year_from}&to={today}",
        f"insights, {YEARS} years": f"{base}/insights/?from={five_from}&to={today}",
        "decision log (first page)": f"{base}/decisions/",
    }
    queries: dict[str, int] = {}
    sizes_bytes: dict[str, int] = {}
    for name, url in calls.items():  # warm-up, and the queries of each
        with QueryCounter(connection) as counted:
            answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code, answer.content[:300])
        queries[name] = len(counted)
        sizes_bytes[name] = len(answer.content)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for r in range(sizes.rounds):
        for name in names if r % 2 == 0 else reversed(names):
            began = time.perf_counter()
            for _ in range(sizes.per_round):
                client.get(calls[name])
            samples[name].append((time.perf_counter() - began) / sizes.per_round)
    ms = {name: statistics.median(v) * 1e3 for name, v in samples.items()}
    one, five, log = ms["insights, last year"], ms[f"insights, {YEARS} years"], ms[names[2]]
    result = {
        "ms": ms,
        "queries": queries,
        "bytes": sizes_bytes,
        "one_year_vs_log": one / log,
        "five_years_vs_log": five / log,
        "five_vs_one": five / one,
    }
    for name in names:
        print(f"  {name}: {ms[name]:.1f} ms, {queries[name]} queries", flush=True)
    return result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run by bench/run.py, which prepares a database.")
    parser.add_argument("out", type=Path, help="where to write the figures (JSON)")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    setup()
    sizes = Sizes(options.quick)
    began = time.monotonic()
    probe = generate(sizes)
    generated = time.monotonic() - began
    print(f"  generated in {generated:.0f} s", flush=True)
    from apps.insights import rollup

    began = time.monotonic()
    kept = rollup.roll_up()
    rolled = time.monotonic() - began
    print(f"  {kept} closed months kept as rows in {rolled:.1f} s", flush=True)
    figures = measure(sizes, probe)
    options.out.write_text(
        json.dumps(
            {
                "sizes": {
                    "decisions": sizes.decisions,
                    "meetings": sizes.meetings,
                    "action_items": sizes.action_items,
                    "cycles": sizes.cycles,
                    "thanks": sizes.thanks,
                    "fillers": sizes.fillers,
                    "years": YEARS,
                    "rounds": sizes.rounds,
                    "per_round": sizes.per_round,
                },
                "generated_seconds": generated,
                "rollup_seconds": rolled,
                "rollup_rows": kept,
                **figures,
            }
        )
    )


if __name__ == "__main__":
    main()
