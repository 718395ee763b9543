"""docs/performance.md from one run's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bench.api import Figures
from bench.common import log

API_GOAL = 0.5  # API throughput at least half the baseline's
GROWTH_GOAL = 1.3  # large / small latency
DELIVERY_GOAL = 1000  # notices per second
BACKLOG_GOAL = 1.5  # one pass, large / small backlog
RECURRENCE_GOAL = 1.5  # old / new series


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report_api(result: dict[str, Any], backend: str) -> None:
    figures: Figures = result["figures"]
    for name in figures.ratio:
        ratios = ", ".join(f"{k} {v:.2f}" for k, v in figures.ratio[name].items())
        growth = figures.growth.get(name, (float("nan"),) * 2)
        log(
            f"  {backend} {name:24} API/baseline {ratios}; growth p50 {growth[0]:.2f} "
            f"p95 {growth[1]:.2f}; {figures.queries[name]} queries; "
            f"identical {figures.identical[name]}"
        )


def _sizes(manifests: dict[str, dict[str, Any]]) -> str:
    parts = []
    for size, m in manifests.items():
        s = m["size"]
        parts.append(
            f"{size}: {s['tandems'] + 1:,} tandems, {m['rows']:,} rows "
            f"(≈{s['tandems'] * s['decisions']:,} decisions, "
            f"{int(s['tandems'] * s['series']):,} check-in series, "
            f"{s['tandems'] * s['notices']:,} notices), generated in {m['seconds']:.0f} s"
        )
    return "; ".join(parts)


_API_HEADER = (
    "| list (first page, 50 a page) | items | queries | API p50 ms | baseline p50 ms "
    "| API / baseline throughput, {large} | same, {small} | JSON vs stock path |\n"
    "|---|---|---|---|---|---|---|---|"
)


def _api_section(result: dict[str, Any], backend: str) -> tuple[str, list[tuple[str, str, bool]]]:
    figures: Figures = result["figures"]
    sizes = list(result["manifests"])
    large, small = sizes
    goals: list[tuple[str, str, bool]] = []
    rows = []
    for name in figures.ratio:
        ratio_large = figures.ratio[name][large]
        ratio_small = figures.ratio[name][small]
        api_p50 = figures.latency[name][large][0]
        base_p50 = figures.base_latency[name][large][0]
        rows.append(
            f"| {name} | {figures.items[name]} | {figures.queries[name]} | {_ms(api_p50)} | "
            f"{_ms(base_p50)} | **{ratio_large:.2f}** | {ratio_small:.2f} | "
            f"{'identical' if figures.identical[name] else '**DIFFERENT**'} |"
        )
        worst = min(ratio_large, ratio_small)
        goals.append(
            (
                f"{backend}: {name}, API / baseline throughput ≥ {API_GOAL}",
                f"{worst:.2f}",
                worst >= API_GOAL,
            )
        )
    growth_rows = []
    for name, (p50, p95) in figures.growth.items():
        lg, sm = figures.latency[name][large], figures.latency[name][small]
        growth_rows.append(
            f"| {name} | {_ms(lg[0])} / {_ms(sm[0])} | {_ms(lg[1])} / {_ms(sm[1])} | "
            f"**{p50:.2f}** | **{p95:.2f}** |"
        )
        worst = max(p50, p95)
        goals.append(
            (
                f"{backend}: {name}, growth p50/p95 large / small ≤ {GROWTH_GOAL}",
                f"{p50:.2f} / {p95:.2f}",
                worst <= GROWTH_GOAL,
            )
        )
    identical = all(figures.identical.values())
    goals.append(
        (
            f"{backend}: JSON identical to the stock code path",
            "all five" if identical else "no",
            identical,
        )
    )
    text = f"""Datasets: {_sizes(result["manifests"])}.
{figures.rounds} interleaved rounds × {figures.per_round} requests per (list, dataset, API or
baseline); one gunicorn sync worker per dataset, one client on loopback, requests one after
the other (so throughput = 1 / latency).

{_API_HEADER.format(large=large, small=small)}
{chr(10).join(rows)}

Growth, p50 and p95 latency of the API on the {large} dataset / on the {small} one:

| list | p50 ms {large} / {small} | p95 ms {large} / {small} | p50 ratio | p95 ratio |
|---|---|---|---|---|
{chr(10).join(growth_rows)}
"""
    return text, goals


def _delivery(a: dict[str, Any]) -> str:
    return (
        f"**{a['per_second']:,.0f} notices/s** ({a['deliveries_per_second']:,.0f} deliveries/s;"
        f" all done in {a['seconds']:.1f} s)"
    )


def _cpu(a: dict[str, Any]) -> str:
    return (
        f"{a['worker_cpu_seconds']:.1f} s: {a['per_cpu_second']:,.0f} notices per CPU-second"
        f" ({1e3 / a['per_cpu_second']:.2f} ms each)"
    )


def _notifications_section(n: dict[str, Any]) -> tuple[str, list[tuple[str, str, bool]]]:
    a, b = n["throughput"], n["backlog"]
    goals = [
        (
            f"delivery ≥ {DELIVERY_GOAL:,} notices/s (Redis, one worker)",
            f"{a['per_second']:,.0f}/s",
            a["per_second"] >= DELIVERY_GOAL,
        ),
        (
            f"dispatch pass, backlog {b['large']:,} / {b['small']:,} ≤ {BACKLOG_GOAL}",
            f"{b['ratio']:.2f}",
            b["ratio"] <= BACKLOG_GOAL,
        ),
    ]
    text = f"""{n["servers"]}; e-mail to the locmem backend.

| what | figure |
|---|---|
| delivery, {a["notices"]:,} due notices (in-app + e-mail each) | {_delivery(a)} |
| the worker's CPU time for them (main process and children) | {_cpu(a)} |
| one dispatch pass, {b["small"]:,} notices pending | {_ms(b["small_seconds"])} ms |
| one dispatch pass, {b["large"]:,} notices pending | {_ms(b["large_seconds"])} ms |
| ratio {b["large"]:,} / {b["small"]:,} pending | **{b["ratio"]:.2f}×** |

- Delivery: one `notifications.dispatch` task is enqueued, as the beat does; from then on the
  worker does everything. A pass that finds a full batch ({b["batch"]:,} deliveries) due
  enqueues the next pass behind the deliveries it handed out, so a backlog drains at the
  worker's pace instead of one batch per beat tick. A backlog is handed out
  {n["chunk"]} deliveries per task (`NOTIFICATIONS_DELIVERY_CHUNK`), delivered in a few
  queries per chunk over a persistent database connection.
- A pass = sweep + expire + claim one batch ({b["batch"]:,} deliveries) + publish it to Redis;
  median of {b["rounds"]} interleaved rounds on the same table of {b["large"]:,} notices (those
  not pending already sent). Every step reads through an index (`notifications_due`,
  `notifications_leases`, `notifications_expiring`) and at most one batch of rows.
"""
    return text, goals


def _recurrence_section(r: dict[str, Any]) -> tuple[str, list[tuple[str, str, bool]]]:
    goals = [
        (
            f"recurrence: next 10, a {r['years']}-year-old series / a new one ≤ {RECURRENCE_GOAL}",
            f"{r['ratio']:.2f}",
            r["ratio"] <= RECURRENCE_GOAL,
        )
    ]
    rows = "\n".join(
        f"| {name} | {r['old_us'][name]:.0f} | {r['new_us'][name]:.0f}"
        f" | **{r['ratios'][name]:.2f}** |"
        for name in r["old_us"]
    )
    text = f"""Median of {r["rounds"]} interleaved rounds of {r["per_round"]} calls each, in one
process (`apps.checkins.recurrence`, weekly on Mondays at 09:00 Europe/Berlin).

| computation | started {r["years"]} years ago, µs | started today, µs | ratio |
|---|---|---|---|
{rows}
"""
    return text, goals


OPTIMISATIONS = """## What was changed for these figures

- **Persistent database connections** (`DATABASE_CONN_MAX_AGE`, default now 60 s, with the
  health check before reuse): a Celery task or request no longer opens a new PostgreSQL
  connection. This alone was most of the old 39 notices/s.
- **Dispatcher** (`apps/notifications/services.py`): the claim reads plain values (no model
  instances), the recipients' hours and preferences in one query, computes the delivery time
  once per person and notice, and moves rows with one conditional update per outcome.
  E-mail-off and inactive people are skipped as their rows come up in the claim (before, two
  extra updates joined every due row with the people on every pass). Expiry reads its own
  partial index on a copy of the notice's `expires_at` (`notifications_expiring`), so a pass
  never scans the backlog; `notifications_claims` indexes the claim tokens the tasks look up.
- **Delivery in chunks** (`notifications.deliver_many`): a backlog goes 50 deliveries per
  task; in-app deliveries of a chunk are moved to `sent` (and their notices into the inbox)
  in one transaction with three statements; e-mails of a chunk share one mail-server
  connection and are marked sent together. Exactly-once in-app is unchanged (rows locked,
  conditional updates on the claim token); the e-mail duplicate window now spans the chunk's
  SMTP calls and every e-mail in it is still counted in `suspected_duplicates`. Small passes
  still publish one task per delivery.
- **Follow-up passes**: while a full batch is due, a pass enqueues the next one behind its
  deliveries, so throughput no longer depends on the beat interval (before: 500 per 30 s,
  17 deliveries/s).
- **Queries per request**: `tests/perf/test_query_counts.py` checks every readable endpoint of
  the API (enumerated from the URLconf) at 1, 10 and 100 rows; the action-item detail read
  its owner and occurrence with extra queries (fixed with `select_related`).
"""


def report(
    results: dict[str, Any], plan: Any, command: str, machine_text: str, seconds: float
) -> str:
    today = datetime.now(UTC).date().isoformat()
    goals: list[tuple[str, str, bool]] = []
    sections = []
    if "api" in results:
        text, g = _api_section(results["api"], "PostgreSQL")
        sections.append(f"## API overhead and growth on PostgreSQL\n\n{text}")
        goals += g
    if "sqlite" in results:
        text, g = _api_section(results["sqlite"], "SQLite")
        sections.append(
            "## The same on SQLite (the embedded default)\n\n"
            f"{text}\nSQLite serves one writer at a time: these are single-client figures. "
            "Compare them with PostgreSQL's above to decide when to move.\n"
        )
        goals += g
    if "notifications" in results:
        text, g = _notifications_section(results["notifications"])
        sections.append(f"## Notifications\n\n{text}")
        goals += g
    if "recurrence" in results:
        text, g = _recurrence_section(results["recurrence"])
        sections.append(f"## Recurrence\n\n{text}")
        goals += g
    goal_rows = "\n".join(f"| {what} | {figure} | {_met(ok)} |" for what, figure, ok in goals)
    return f"""# Performance

Figures measured by the benchmarks in `bench/`, all in one run:

    DATABASE_URL=postgres://… REDIS_URL=redis://… {command}

Measured {today} on {machine_text}; the run took {seconds / 60:.0f} min. Every figure that
matters is a ratio of two things measured in the same run, interleaved, median of several
rounds: the machine is shared and noisy, so absolute times are only indicative. Nothing
asserts a time; `--quick` (CI) runs the same code on tiny data to show it still works.

## Goals

| goal | figure | |
|---|---|---|
{goal_rows}

## Queries per request

Every list and detail endpoint of the API makes the same number of queries at 1, 10 and 100
rows, at most 8 (authentication with a real token included): `tests/perf/test_query_counts.py`,
part of the suite, enumerates the endpoints from the URLconf, so a new endpoint without an
entry fails. The "queries" column below is the same count on the large dataset.

{chr(10).join(sections)}
{OPTIMISATIONS}"""
