"""Faults and load on the real parts, short form: the scenarios of bench/faults/, small.

Each test runs a stack of its own — a fresh database on a PRIVATE PostgreSQL cluster (initdb
into a temporary folder) and a PRIVATE redis-server, both on free loopback ports, with
gunicorn, a Celery worker and beat on production settings — breaks a part of it on purpose
and checks what the product promised. The shared servers are never stopped. The long form
(`.venv/bin/python -m bench.faults`) runs the same code with the sizes of the issue and writes
the figures to docs/reliability.md.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import faults
from devtools.processes import PrivatePostgres, private_postgres_available

available, reason = private_postgres_available()
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not available, reason=reason),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    """One private cluster with a migrated template for the module (each test gets a copy)."""
    with faults.cluster() as cluster:
        yield cluster


def passed(result: faults.Result) -> faults.Result:
    sys.stderr.write(result.summary() + "\n")  # the figures, in the log of a failed run
    assert result.problems == []
    return result


def test_with_redis_stopped_under_load_no_request_fails_and_each_notice_arrives_once(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    result = passed(
        faults.redis_outage(postgres=postgres, folder=tmp_path, **faults.QUICK["redis"])
    )
    figures = result.figures
    assert figures["API 5xx"] == 0
    assert figures["notices recorded during the outage"] > 0
    assert (figures["in-app lost"], figures["in-app duplicated"], figures["e-mails lost"]) == (
        0,
        0,
        0,
    )
    # Extra copies only where a worker ended mid-send (the broker outage can end it, see
    # bench/faults/scenarios.py), each counted as a suspected duplicate.
    assert figures["e-mail copies beyond one"] <= figures["suspected duplicates counted"]


def test_a_worker_killed_again_and_again_loses_nothing_and_duplicates_nothing_in_app(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    sizes = faults.QUICK["worker"]
    result = passed(faults.worker_kills(postgres=postgres, folder=tmp_path, **sizes))
    figures = result.figures
    assert figures["SIGKILLs during the batch"] == sizes["kills"]
    assert figures["in-app delivered"] == figures["notices"] == sizes["notices"]
    assert (figures["in-app lost"], figures["in-app duplicated"], figures["e-mails lost"]) == (
        0,
        0,
        0,
    )
    assert figures["e-mail copies beyond one"] <= figures["suspected duplicates counted"]


def test_postgres_restarted_under_load_fails_fast_with_503_recovers_and_loses_no_write(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    result = passed(
        faults.postgres_restart(postgres=postgres, folder=tmp_path, **faults.QUICK["postgres"])
    )
    assert result.figures["acknowledged writes (lost)"].endswith("(0)")
    assert result.figures["gunicorn workers booted (of them restarts)"].endswith("(0)")


def test_concurrent_clients_against_gunicorn_get_no_error(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    result = passed(faults.load_run(postgres=postgres, folder=tmp_path, **faults.QUICK["load"]))
    assert result.figures["errors"] == 0
