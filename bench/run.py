"""Tandem's benchmark suite: one command, figures as ratios measured in one run.

    DATABASE_URL=postgres://user@host:5432/any REDIS_URL=redis://host:6379/<db> \\
        .venv/bin/python bench/run.py [--quick] \\
        [--only api,sqlite,notifications,recurrence,contacts,insights,own,write]

Needs a PostgreSQL server (scratch databases `perf_bench_<pid>_*` are created on it and
dropped at the end; the database named in DATABASE_URL is not touched) and Redis (a queue of
its own). Every figure that matters is a ratio of two things measured in the same run, interleaved,
median of several rounds: the machine may be shared and noisy. Nothing here asserts a time.

- api            generate the large and the small dataset on PostgreSQL (bench/data.py), serve
                 each with gunicorn and measure the main lists, the API and the stock DRF
                 path against their honest baselines (bench/api.py, bench/views.py):
                 throughput and server CPU per request as ratios to the baseline, growth
                 large / small, queries per request, JSON identical to the stock code path.
- sqlite         the same on the embedded default, SQLite.
- notifications  delivery throughput through Redis and a real worker, and one dispatch pass
                 with a large vs a small backlog (bench/notifications.py).
- recurrence     the next 10 occurrences of a 10-year-old series vs a new one.
- contacts       contact care: the contact list and the window page of a person with 5,000
                 contacts against their bare queries, and one tick of the weekly window scan
                 over 100,000 people (bench/contacts.py).
- insights       the Insights API of a tandem with five years of history, for the last year
                 and for all five, against its decision log's first page (bench/insights.py).
- own            one tandem at 1× and at 100× its own history: every page and API read it
                 has, queries and server CPU per request, 100× / 1× (bench/own.py).
- write          the write path: the assistant logging a decision against the decision
                 log's GET, CPU per request and statements, on PostgreSQL and on SQLite
                 (bench/write.py).

A full run writes docs/performance.md; `--quick` (CI: tiny datasets, few rounds, < 2 min)
only prints the same report.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import api, concurrency, own
from bench.common import (
    PYTHON,
    ROOT,
    env_for,
    fail,
    log,
    machine,
    pg_clone,
    pg_create,
    pg_drop,
    run,
    sqlite_clone,
    sqlite_url,
)

DOC = ROOT / "docs" / "performance.md"
PARTS = ("api", "sqlite", "notifications", "recurrence", "contacts", "insights", "own", "write")
PREFIX = f"perf_bench_{os.getpid()}"  # scratch databases of this run (others may run too)


class Plan:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.sizes = ("quick-large", "quick-small") if quick else ("large", "small")
        self.rounds = 3 if quick else 15  # at least 3: each variant in each place once
        self.per_round = 2 if quick else 10
        self.wrk_rounds = 1 if quick else 5  # bench/concurrency.py
        self.wrk_seconds = 1.0 if quick else 3.0


def migrate(database_url: str, work: Path) -> None:
    run(
        [PYTHON, "manage.py", "migrate", "-v0"],
        env_for(database_url, work / "migrate"),
        what="migrate",
    )


def generate(database_url: str, size: str, work: Path) -> dict[str, Any]:
    manifest = work / f"manifest-{size}-{abs(hash(database_url))}.json"
    log(f"  generating the {size} dataset …")
    run(
        [PYTHON, "-m", "bench.data", size, str(manifest)],
        env_for(database_url, work / "data"),
        what=f"generating {size}",
    )
    return json.loads(manifest.read_text())


def api_part(plan: Plan, urls: dict[str, str], work: Path, backend: str) -> dict[str, Any]:
    """Generate both datasets into `urls` (size → URL), serve them, measure."""
    manifests = {size: generate(url, size, work) for size, url in urls.items()}
    probe = manifests[plan.sizes[0]]
    servers = []
    try:
        for size, url in urls.items():
            token = manifests[size]["token"]
            servers.append(api.Server(size, url, work / f"server-{backend}-{size}", token))
        log(f"  measuring {plan.rounds} rounds × {plan.per_round} requests …")
        figures = api.measure(
            servers,
            api.endpoints(probe),
            rounds=plan.rounds,
            per_round=plan.per_round,
        )
    finally:
        for server in servers:
            server.stop()
    result: dict[str, Any] = {"figures": figures, "manifests": manifests}
    if backend == "postgresql":
        size = plan.sizes[0]
        log(f"  concurrency (wrk): every list, {size} dataset …")
        result["concurrency"] = concurrency.measure(
            urls[size],
            manifests[size]["token"],
            api.endpoints(probe),
            work / "server-deployed",
            rounds=plan.wrk_rounds,
            seconds=plan.wrk_seconds,
        )
    return result


def own_part(plan: Plan, urls: dict[str, str], work: Path) -> dict[str, Any]:
    """Generate the tandem at both sizes, serve each, measure every route (bench/own.py)."""
    manifests = {}
    for label, url in urls.items():
        size = f"quick-{label}" if plan.quick else label
        out = work / f"own-{label}.json"
        log(f"  generating {size} …")
        run(
            [PYTHON, "-m", "bench.own", "generate", size, str(out)],
            env_for(url, work / "own-data"),
            what=f"generating {size}",
        )
        manifests[label] = json.loads(out.read_text())
    servers = {}
    try:
        for label, url in urls.items():
            servers[label] = api.Server(
                f"own-{label}", url, work / f"server-own-{label}", manifests[label]["token"]
            )
        rounds, per_round = (2, 1) if plan.quick else (9, 5)
        log(f"  measuring {rounds} rounds × {per_round} requests per route …")
        figures = own.measure(servers, manifests, rounds=rounds, per_round=per_round)
    finally:
        for started_server in servers.values():
            started_server.stop()
    report_own(figures)
    return {"figures": asdict(figures), "manifests": manifests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI); print only")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument(
        "--render", type=Path, help="only rewrite the report from a run's saved figures (JSON)"
    )
    options = parser.parse_args()
    if options.render:
        saved = json.loads(options.render.read_text())
        for part in ("api", "sqlite"):
            if part in saved["results"]:
                saved["results"][part]["figures"] = api.Figures(**saved["results"][part]["figures"])
                wrk = saved["results"][part].get("concurrency")
                if wrk is not None:  # one list per run before every list was measured
                    saved["results"][part]["concurrency"] = [
                        concurrency.Concurrency(**one)
                        for one in (wrk if isinstance(wrk, list) else [wrk])
                    ]
        document = report(saved["results"], Plan(False), *saved["header"])
        DOC.write_text(document)
        log(f"written to {DOC.relative_to(ROOT)}")
        return
    parts = [p for p in options.only.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        fail(f"unknown part(s): {', '.join(sorted(unknown))}")
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        fail("needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/<any database>")
    if "notifications" in parts and not os.environ.get("REDIS_URL", "").startswith("redis://"):
        fail("needs Redis: set REDIS_URL=redis://host:6379/<db>")

    plan = Plan(options.quick)
    started = time.monotonic()
    at_start = machine()
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    results: dict[str, Any] = {}
    created: list[str] = []
    try:
        if {"api", "notifications", "contacts", "insights", "own", "write"} & set(parts):
            log("migrating a template database …")
            created.append(f"{PREFIX}_template")
            template_url = pg_create(server, f"{PREFIX}_template")
            migrate(template_url, work)
        log(f"  ({time.monotonic() - started:.0f} s)")
        if "api" in parts:
            log("(api) PostgreSQL")
            urls = {}
            for size in plan.sizes:
                name = f"{PREFIX}_{size.replace('-', '_')}"
                created.append(name)
                urls[size] = pg_clone(server, f"{PREFIX}_template", name)
            results["api"] = api_part(plan, urls, work, "postgresql")
            report_api(results["api"], "PostgreSQL")
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "sqlite" in parts:
            log("(sqlite) SQLite")
            template = work / "template.sqlite3"
            migrate(sqlite_url(template), work)
            urls = {size: sqlite_clone(template, work / f"{size}.sqlite3") for size in plan.sizes}
            results["sqlite"] = api_part(plan, urls, work, "sqlite")
            report_api(results["sqlite"], "SQLite")
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "notifications" in parts:
            log("(notifications)")
            created.append(f"{PREFIX}_notifications")
            url = pg_clone(server, f"{PREFIX}_template", f"{PREFIX}_notifications")
            out = work / "notifications.json"
            run(
                [
                    PYTHON,
                    "-m",
                    "bench.notifications",
                    str(out),
                    *(["--quick"] if plan.quick else []),
                ],
                env_for(url, work / "notifications", REDIS_URL=os.environ["REDIS_URL"]),
                what="the notifications benchmark",
            )
            results["notifications"] = json.loads(out.read_text())
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "recurrence" in parts:
            log("(recurrence)")
            out = work / "recurrence.json"
            run(
                [PYTHON, "-m", "bench.recurrence", str(out), *(["--quick"] if plan.quick else [])],
                env_for(sqlite_url(work / "unused.sqlite3"), work / "recurrence"),
                what="the recurrence benchmark",
            )
            results["recurrence"] = json.loads(out.read_text())
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "contacts" in parts:
            log("(contacts)")
            created.append(f"{PREFIX}_contacts")
            url = pg_clone(server, f"{PREFIX}_template", f"{PREFIX}_contacts")
            out = work / "contacts.json"
            run(
                [PYTHON, "-m", "bench.contacts", str(out), *(["--quick"] if plan.quick else [])],
                env_for(url, work / "contacts"),
                what="the contacts benchmark",
            )
            results["contacts"] = json.loads(out.read_text())
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "insights" in parts:
            log("(insights)")
            created.append(f"{PREFIX}_insights")
            url = pg_clone(server, f"{PREFIX}_template", f"{PREFIX}_insights")
            out = work / "insights.json"
            run(
                [PYTHON, "-m", "bench.insights", str(out), *(["--quick"] if plan.quick else [])],
                env_for(url, work / "insights"),
                what="the insights benchmark",
            )
            results["insights"] = json.loads(out.read_text())
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "own" in parts:
            log("(own) one tandem at 1× and 100× its own history")
            urls = {}
            for size in ("1x", "100x"):
                name = f"{PREFIX}_own_{size}"
                created.append(name)
                urls[size] = pg_clone(server, f"{PREFIX}_template", name)
            results["own"] = own_part(plan, urls, work)
            log(f"  ({time.monotonic() - started:.0f} s)")
        if "write" in parts:
            log("(write) logging a decision against the decision log's GET")
            created.append(f"{PREFIX}_write")
            template = work / "write-template.sqlite3"
            migrate(sqlite_url(template), work)
            targets = {
                "postgresql": pg_clone(server, f"{PREFIX}_template", f"{PREFIX}_write"),
                "sqlite": sqlite_clone(template, work / "write.sqlite3"),
            }
            results["write"] = {}
            for vendor, url in targets.items():
                out = work / f"write-{vendor}.json"
                run(
                    [
                        PYTHON,
                        "-m",
                        "bench.write",
                        "--in-place",
                        "--out",
                        str(out),
                        *(["--quick"] if plan.quick else []),
                    ],
                    env_for(url, work / "write"),
                    what=f"the write benchmark ({vendor})",
                )
                results["write"][vendor] = json.loads(out.read_text())
            log(f"  ({time.monotonic() - started:.0f} s)")
    finally:
        if not options.keep:
            for name in created:
                pg_drop(server, name)
            for scratch in work.glob("*.sqlite3*"):  # with their -wal and -shm files
                scratch.unlink()

    command = shlex.join([".venv/bin/python", "bench/run.py", *sys.argv[1:]])
    header = (command, at_start, time.monotonic() - started)
    document = report(results, plan, *header)
    saved = work / "figures.json"
    saved.write_text(json.dumps({"results": results, "header": header}, default=_plain))
    log(f"figures saved to {saved} (re-render with --render {saved})")
    print(document)
    if not plan.quick and set(parts) == set(PARTS):
        DOC.write_text(document)
        log(f"written to {DOC.relative_to(ROOT)}")
    elif not plan.quick:
        log(f"{DOC.relative_to(ROOT)} not written: only a full run of every part writes it")


def _plain(value: object) -> object:
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot save {type(value).__name__}")


# --- the report -------------------------------------------------------------------------------

from bench.report import report, report_api, report_own  # noqa: E402

if __name__ == "__main__":
    main()
