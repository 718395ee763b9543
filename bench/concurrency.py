"""Concurrency: every API list under wrk (a C load generator) at 1, 8 and 32 connections.

gunicorn as docker-compose.yml runs it (deploy/gunicorn.conf.py: three sync workers) serves
the large dataset; for each list of `bench.api.endpoints`, wrk sends its first page, the
API's and its honest baseline's (`bench/views.py`), alternately, for a few seconds per
(connections, variant), in rounds. Figures per connection count: requests per second of
each (wrk's count), and the server CPU per request (the workers and their PostgreSQL
backends, as in `bench/api.py`, read once they are idle again; the requests still in
flight when wrk stops, one per connection, are answered too and counted), as ratios API /
baseline. wrk is Debian's package `wrk`; without it the part is skipped with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.api import Endpoint, Server
from bench.common import fail, median

CONNECTIONS = (1, 8, 32)
VARIANTS = ("api", "baseline")


@dataclass
class Concurrency:
    """Per connection count (as a string: the figures are saved as JSON)."""

    list_name: str
    seconds: float  # per (round, connections, variant)
    rounds: int
    per_second: dict[str, dict[str, float]] = field(default_factory=dict)  # conns → variant
    cpu_ms: dict[str, dict[str, float]] = field(default_factory=dict)  # conns → variant
    skipped: str = ""  # why nothing was measured


def _wrk(server: Server, path: str, connections: int, seconds: float) -> tuple[int, float]:
    """(requests answered, seconds) of one wrk run; every answer must be a 200."""
    args = [
        "wrk",
        f"--threads={min(connections, 2)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--header=Authorization: Token {server.token}",
        f"http://127.0.0.1:{server.port}{path}",
    ]
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if done is None or "Non-2xx" in out or "Socket errors" in out:
        fail(f"wrk on {path} at {connections} connections:\n{out}")
    assert done is not None
    elapsed = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    return int(done.group(1)), elapsed


def _idle(server: Server) -> dict[int, float]:
    """The serving processes' CPU times once they have finished what wrk left them (less
    than a millisecond of CPU in 100 ms), at most after 30 s."""
    last = server.cpu()
    for _ in range(300):
        time.sleep(0.1)
        now = server.cpu()
        if sum(now.values()) - sum(last.values()) < 1e-3:
            return now
        last = now
    return last


def measure(
    url: str, token: str, eps: list[Endpoint], var_dir: Path, *, rounds: int, seconds: float
) -> list[Concurrency]:
    """Each of `eps` in turn, on one deployed server."""
    if shutil.which("wrk") is None:
        return [
            Concurrency(
                ep.name, seconds, rounds, skipped="wrk is not installed (Debian package `wrk`)"
            )
            for ep in eps
        ]
    server = Server("deployed", url, var_dir, token, deployed=True)
    try:
        return [_measure_one(server, ep, rounds=rounds, seconds=seconds) for ep in eps]
    finally:
        server.stop()


def _measure_one(server: Server, ep: Endpoint, *, rounds: int, seconds: float) -> Concurrency:
    figures = Concurrency(ep.name, seconds, rounds)
    paths = {"api": f"/api/v1/{ep.api}", "baseline": f"/bench/baseline/{ep.baseline}"}
    for path in paths.values():  # every worker warm, every connection open
        _wrk(server, path, 8, 1)
    rates: dict[tuple[int, str], list[float]] = {}
    cpu: dict[tuple[int, str], float] = {}
    requests: dict[tuple[int, str], int] = {}
    for r in range(rounds):
        variants = VARIANTS if r % 2 == 0 else VARIANTS[::-1]
        for connections in CONNECTIONS:
            for variant in variants:
                key = (connections, variant)
                before = _idle(server)
                done, elapsed = _wrk(server, paths[variant], connections, seconds)
                after = _idle(server)
                used = sum(t - before.get(pid, 0.0) for pid, t in after.items())
                cpu[key] = cpu.get(key, 0.0) + used
                # When wrk stops, each connection has a request in flight (in a worker
                # or in the listen queue) that gunicorn still answers: served, and in
                # the CPU time, but not in wrk's count.
                requests[key] = requests.get(key, 0) + done + connections
                rates.setdefault(key, []).append(done / elapsed)
    for connections in CONNECTIONS:
        c = str(connections)
        figures.per_second[c] = {v: median(rates[(connections, v)]) for v in VARIANTS}
        figures.cpu_ms[c] = {
            v: cpu[(connections, v)] / requests[(connections, v)] * 1e3 for v in VARIANTS
        }
    return figures
