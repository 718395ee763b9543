"""Fault injection and load on the real parts: PostgreSQL, Redis, gunicorn, Celery worker and beat.

    .venv/bin/python -m bench.faults [--quick] [--only redis,worker,postgres,load]

Four scenarios, each on a stack of its own: a fresh database (a copy of a migrated template)
on a PRIVATE PostgreSQL cluster (initdb into a temporary folder, free loopback port; as root it
runs as the `postgres` OS user) and a PRIVATE redis-server on a free loopback port, with
gunicorn, a Celery worker and beat started as in docker-compose.yml (production settings).
The shared servers on 5432/6379 are never touched.

redis     Redis stopped for 60 s while clients create decisions (which notify) and agenda
          items and read: 0 API 5xx; every notice recorded is delivered exactly once after
          Redis is back (a trigger logs every transition to `sent`; e-mails are counted in
          the files the e-mail backend wrote).
worker    The Celery worker SIGKILLed 25 times while it delivers a batch of 2,500 notices:
          0 lost, 0 duplicated in-app; e-mail copies beyond one at most the counted
          `suspected_duplicates` (the documented window).
postgres  PostgreSQL stopped (fast, then immediate = a crash) for 20 s each under load:
          requests fail fast with 503 in the API's error format, recover without restarting
          anything, and every acknowledged (2xx) write is in the database afterwards.
load      50 concurrent clients for 60 s against gunicorn over read and write endpoints:
          0 errors; requests/s and latency percentiles.

A full run writes the figures to the section "## Faults and load" of docs/reliability.md;
`--quick` uses the short sizes of the CI tests (tests/integration/test_faults.py) and only
prints. The process exits non-zero when a scenario found a problem.

The package: `stack` (a private cluster, Redis and the processes on them), `seed` (the data,
inside a Django process), `load` (the clients and their samples), `scenarios` (the four
above), `report` (what a run measured, and the section of docs/reliability.md).
"""

from __future__ import annotations

from bench.faults.report import Result
from bench.faults.scenarios import (
    FULL,
    QUICK,
    SCENARIOS,
    load_run,
    postgres_restart,
    redis_outage,
    worker_kills,
)
from bench.faults.stack import cluster

__all__ = [
    "FULL",
    "QUICK",
    "SCENARIOS",
    "Result",
    "cluster",
    "load_run",
    "postgres_restart",
    "redis_outage",
    "worker_kills",
]
