"""The API benchmark: the main lists through gunicorn on loopback, against their baselines.

For each dataset (large, small) one gunicorn (one sync worker) serves the app plus the
baseline and reference views of `bench/urls.py`. One client sends requests one after the
other; in every round each (list, dataset, API or baseline) gets `per_round` requests, in an
order that alternates between rounds. Figures:

- throughput of the API / of its baseline on the same server, per round → median;
- p50 / p95 latency of the API on the large dataset / on the small one (p50: median of the
  rounds' ratios; p95: of all rounds' samples);
- the API's JSON == the stock code path's JSON (`/bench/reference/…`), by SHA-256 of the
  canonical form, and the queries per request (header `X-Bench-Queries`).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    BIN,
    env_for,
    fail,
    median,
    percentile,
    start,
    stop,
    wait_until,
)
from devtools.processes import free_port


@dataclass(frozen=True)
class Endpoint:
    name: str
    api: str  # path under /api/v1/
    baseline: str  # path of the baseline view


def endpoints(probe: dict[str, Any]) -> list[Endpoint]:
    t, s = probe["tandem"], probe["series"]
    return [
        Endpoint("decision log", f"tandems/{t}/decisions/", f"tandems/{t}/decisions/"),
        Endpoint("review queue", f"tandems/{t}/review-queue/", f"tandems/{t}/review-queue/"),
        Endpoint(
            "occurrences (next 50)",
            f"tandems/{t}/checkins/{s}/occurrences/?next=50",
            f"tandems/{t}/checkins/{s}/occurrences/",
        ),
        Endpoint("inbox", "notices/", "notices/"),
        Endpoint(
            "feedback history", f"tandems/{t}/feedback/history/", f"tandems/{t}/feedback/history/"
        ),
    ]


class Server:
    """gunicorn with one sync worker on a free loopback port, against one database."""

    def __init__(self, label: str, database_url: str, var_dir: Path, token: str) -> None:
        self.label = label
        self.token = token  # the probe leader's API token in this dataset
        self.port = free_port()
        var_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(BIN / "gunicorn"),
            "tandem.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        args += ["--workers", "1", "--timeout", "120", "--log-level", "warning"]
        self.process = start(
            args, env_for(database_url, var_dir), var_dir / f"gunicorn-{label}.log"
        )
        wait_until(self._answers, timeout=60, what=f"gunicorn ({label})")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            fail(f"gunicorn ({self.label}) exited; see its log")
        try:
            return self.get("/api/health/", "")[0] in (200, 503)
        except OSError:
            return False

    def get(self, path: str, token: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        token = self.token if token is None else token
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": f"Token {token}"} if token else {}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()

    def stop(self) -> None:
        stop(self.process)


def canonical_hash(body: bytes) -> str:
    data = json.loads(body)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _items(data: Any) -> int:
    if isinstance(data, dict) and "results" in data:
        return len(data["results"])
    if isinstance(data, dict) and "cycles" in data:
        return len(data["cycles"])
    return len(data) if isinstance(data, list) else 1


@dataclass
class Figures:
    """Per endpoint: ratios and latencies of one run (one pair of datasets)."""

    rounds: int
    per_round: int
    ratio: dict[str, dict[str, float]] = field(default_factory=dict)  # name → dataset → ratio
    latency: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    base_latency: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    growth: dict[str, tuple[float, float]] = field(default_factory=dict)  # p50, p95 ratios
    identical: dict[str, bool] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    base_queries: dict[str, int] = field(default_factory=dict)  # the baseline's, same answer
    items: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # name → bytes of the API answer


def check(servers: list[Server], eps: list[Endpoint], figures: Figures) -> None:
    """Every answer is 200, the API's JSON is the stock path's, and the baseline's answer is
    the API's byte for byte (else the run stops: its ratio would mean nothing), on every
    dataset."""
    for server in servers:
        server.get(f"/api/v1/{eps[0].api}")  # the token's "last used" write (once a minute)
        for ep in eps:
            status, body, headers = server.get(f"/api/v1/{ep.api}")
            if status != 200:
                fail(f"{ep.name} on {server.label}: HTTP {status}: {body[:300]!r}")
            ref_status, reference, _ = server.get(f"/bench/reference/{ep.api}")
            if ref_status != 200:
                fail(f"reference {ep.name} on {server.label}: HTTP {ref_status}")
            same = canonical_hash(body) == canonical_hash(reference)
            figures.identical[ep.name] = figures.identical.get(ep.name, True) and same
            figures.queries[ep.name] = int(headers.get("X-Bench-Queries", "-1"))
            figures.items[ep.name] = _items(json.loads(body))
            figures.sizes[ep.name] = len(body)
            base_status, base, base_headers = server.get(f"/bench/baseline/{ep.baseline}")
            if base_status != 200:
                fail(f"baseline {ep.name} on {server.label}: HTTP {base_status}: {base[:300]!r}")
            if base != body:
                at = next(
                    (i for i, (a, b) in enumerate(zip(base, body, strict=False)) if a != b),
                    min(len(base), len(body)),
                )
                fail(
                    f"the baseline of {ep.name} on {server.label} does not answer the API's "
                    f"bytes (bench/views.py must follow the API's output), from byte {at}: "
                    f"API {body[at - 40 : at + 80]!r}, baseline {base[at - 40 : at + 80]!r}"
                )
            figures.base_queries[ep.name] = int(base_headers.get("X-Bench-Queries", "-1"))


def measure(servers: list[Server], eps: list[Endpoint], *, rounds: int, per_round: int) -> Figures:
    figures = Figures(rounds=rounds, per_round=per_round)
    check(servers, eps, figures)
    for server in servers:  # warm-up: imports, caches, the database's buffers
        for ep in eps:
            for _ in range(3):
                server.get(f"/api/v1/{ep.api}")
                server.get(f"/bench/baseline/{ep.baseline}")

    latencies: dict[tuple[str, str, str], list[float]] = {}
    per_round_samples: dict[tuple[str, str, str], list[list[float]]] = {}
    ratios: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        order = servers if r % 2 == 0 else servers[::-1]
        variants = ("api", "baseline") if r % 2 == 0 else ("baseline", "api")
        for ep in eps:
            for server in order:
                throughput: dict[str, float] = {}
                for variant in variants:
                    path = (
                        f"/api/v1/{ep.api}"
                        if variant == "api"
                        else f"/bench/baseline/{ep.baseline}"
                    )
                    samples = latencies.setdefault((ep.name, server.label, variant), [])
                    per_round_samples.setdefault((ep.name, server.label, variant), []).append([])
                    this_round = per_round_samples[(ep.name, server.label, variant)][-1]
                    began = time.perf_counter()
                    for _ in range(per_round):
                        t0 = time.perf_counter()
                        status, _body, _ = server.get(path)
                        samples.append(time.perf_counter() - t0)
                        this_round.append(samples[-1])
                        if status != 200:
                            fail(f"{path} on {server.label}: HTTP {status}")
                    throughput[variant] = per_round / (time.perf_counter() - began)
                ratios.setdefault((ep.name, server.label), []).append(
                    throughput["api"] / throughput["baseline"]
                )

    for ep in eps:
        for server in servers:
            api = latencies[(ep.name, server.label, "api")]
            base = latencies[(ep.name, server.label, "baseline")]
            figures.ratio.setdefault(ep.name, {})[server.label] = median(
                ratios[(ep.name, server.label)]
            )
            figures.latency.setdefault(ep.name, {})[server.label] = (
                percentile(api, 0.5),
                percentile(api, 0.95),
            )
            figures.base_latency.setdefault(ep.name, {})[server.label] = (
                percentile(base, 0.5),
                percentile(base, 0.95),
            )
        if len(servers) == 2:
            # p50: the median over rounds of each round's large / small ratio (the two were
            # measured seconds apart); p95: all rounds' samples, which a round alone has too
            # few of.
            large, small = servers
            per_round = [
                median(a) / median(b)
                for a, b in zip(
                    per_round_samples[(ep.name, large.label, "api")],
                    per_round_samples[(ep.name, small.label, "api")],
                    strict=True,
                )
            ]
            p95 = (
                figures.latency[ep.name][large.label][1] / figures.latency[ep.name][small.label][1]
            )
            figures.growth[ep.name] = (median(per_round), p95)
    return figures
