"""The API benchmark: the main lists through gunicorn on loopback, against their baselines.

For each dataset (large, small) one gunicorn (one sync worker) serves the app plus the
baseline and reference views of `bench/urls.py`. One client sends requests one after the
other; in every round each (list, dataset, variant) gets `per_round` requests, in an order
that rotates between rounds. The variants:

- api       `/api/v1/…`, the fast path as deployed;
- stock     `/bench/reference/…`, the same view through DRF's stock serializers and renderer
            (`fast.stock()`): what the API would cost without `apps/core/api/fast/`;
- baseline  `/bench/baseline/…`, the honest floor: the same queries, rows and bytes by a
            hand-written view (bench/views.py).

Before measuring, every dataset's answers are checked: the API's JSON is the stock path's
(SHA-256 of the canonical form) and the baseline's is the API's, byte for byte (else the run
stops). Figures:

- throughput of the API (and of the stock path) / of the baseline on the same server, per
  round → median;
- server CPU per request: the CPU time of the gunicorn worker and of the PostgreSQL backend
  serving it (`bench.common.cpu_seconds`, read before and after each block of requests;
  SQLite runs inside the worker), summed over the rounds and divided by the requests. It
  does not count the neighbours' load, the steadiest figure on a shared machine; its ratio
  to the baseline's (per round → median, `Figures.cpu_ratio`) is the overhead the framework
  costs. The servers keep their database
  connection for the whole run (`DATABASE_CONN_MAX_AGE`), so no backend ends unseen;
- p50 / p95 latency of the API on the large dataset / on the small one (p50: median of the
  rounds' ratios; p95: of all rounds' samples);
- queries per request (header `X-Bench-Queries`), the API's and the baseline's.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.common import (
    BIN,
    children,
    cpu_seconds,
    database_url,
    env_for,
    fail,
    median,
    median_ratio,
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
        Endpoint("contact list", "contacts/", "contacts/"),
    ]


class Server:
    """gunicorn on a free loopback port, against one database."""

    def __init__(
        self, label: str, url: str, var_dir: Path, token: str, *, deployed: bool = False
    ) -> None:
        """`deployed`: gunicorn as docker-compose.yml runs it (deploy/gunicorn.conf.py: three
        workers, the JSON error worker, the access log), instead of one plain sync worker."""
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
        if deployed:
            args += ["--config", "deploy/gunicorn.conf.py", "--log-level", "warning"]
        else:
            args += ["--workers", "1", "--timeout", "120", "--log-level", "warning"]
        # The worker keeps its connection for the run: a backend that ended between two
        # readings would take its CPU time with it.
        env = env_for(url, var_dir, DATABASE_CONN_MAX_AGE="86400")
        self.process = start(args, env, var_dir / f"gunicorn-{label}.log")
        wait_until(self._answers, timeout=60, what=f"gunicorn ({label})")
        self._workers: list[int] = []
        # PostgreSQL's backends of this database, read through a connection to another one.
        self.database: str | None = None
        self._monitor: psycopg.Connection[Any] | None = None
        if url.startswith(("postgres://", "postgresql://")):
            self.database = url.rsplit("/", 1)[1]
            self._monitor = psycopg.connect(database_url(url, "postgres"), autocommit=True)

    def processes(self) -> list[int]:
        """The pids that serve a request: the gunicorn workers and their database backends."""
        if not self._workers or not all(Path(f"/proc/{pid}").exists() for pid in self._workers):
            self._workers = children(self.process.pid)  # (re)started since
        pids = list(self._workers)
        if self._monitor is not None:
            rows = self._monitor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = %s AND backend_type = 'client backend'",
                (self.database,),
            ).fetchall()
            pids += [row[0] for row in rows]
        return pids

    def cpu(self) -> dict[int, float]:
        """CPU seconds used so far by each serving process."""
        found = {pid: cpu_seconds(pid) for pid in self.processes()}
        return {pid: seconds for pid, seconds in found.items() if seconds is not None}

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            fail(f"gunicorn ({self.label}) exited; see its log")
        try:
            return self.get("/api/health/", "")[0] in (200, 503)
        except OSError:
            return False

    def get(
        self, path: str, token: str | None = None, *, cookie: str = ""
    ) -> tuple[int, bytes, dict[str, str]]:
        """GET `path` with the API token (`token`, else the server's; "" for none) and/or a
        Cookie header (a page's signed-in session)."""
        token = self.token if token is None else token
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": f"Token {token}"} if token else {}
            if cookie:
                headers["Cookie"] = cookie
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()

    def stop(self) -> None:
        stop(self.process)
        if self._monitor is not None:
            self._monitor.close()


def canonical_hash(body: bytes) -> str:
    data = json.loads(body)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _items(data: Any) -> int:
    if isinstance(data, dict) and "results" in data:
        return len(data["results"])
    if isinstance(data, dict) and "cycles" in data:
        return len(data["cycles"])
    return len(data) if isinstance(data, list) else 1


VARIANTS = ("api", "stock", "baseline")
_Key = tuple[str, str, str]  # list, dataset, variant


@dataclass
class Figures:
    """Per endpoint: ratios and latencies of one run (one pair of datasets)."""

    rounds: int
    per_round: int
    ratio: dict[str, dict[str, float]] = field(default_factory=dict)  # name → dataset → ratio
    stock_ratio: dict[str, dict[str, float]] = field(default_factory=dict)  # stock / baseline
    # name → dataset → variant → server CPU ms per request
    cpu_ms: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    cpu_scope: str = ""  # which processes the CPU figures count
    # name → dataset → variant → each round's block of requests, server CPU seconds
    cpu_rounds: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)
    latency: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    stock_latency: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    base_latency: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    growth: dict[str, tuple[float, float]] = field(default_factory=dict)  # p50, p95 ratios
    identical: dict[str, bool] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    base_queries: dict[str, int] = field(default_factory=dict)  # the baseline's, same answer
    items: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # name → bytes of the API answer

    def cpu_ratio(self, name: str, dataset: str, variant: str = "api") -> float:
        """Server CPU per request of `variant` / of the baseline: the median over the rounds
        of each round's ratio (the two blocks were measured seconds apart), as throughput's.
        A burst of the neighbours' load makes every process on the machine slower for a
        while; in a total it counts for whichever variant it hit, and moved a ratio by
        ±0.1 between runs of the same code."""
        rounds = self.cpu_rounds[name][dataset]
        return median_ratio(rounds[variant], rounds["baseline"])


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


def _path(ep: Endpoint, variant: str) -> str:
    if variant == "api":
        return f"/api/v1/{ep.api}"
    if variant == "stock":
        return f"/bench/reference/{ep.api}"
    return f"/bench/baseline/{ep.baseline}"


def measure(servers: list[Server], eps: list[Endpoint], *, rounds: int, per_round: int) -> Figures:
    figures = Figures(rounds=rounds, per_round=per_round)
    check(servers, eps, figures)
    for server in servers:  # warm-up: imports, caches, the database's buffers
        for ep in eps:
            for _ in range(min(3, per_round)):
                for variant in VARIANTS:
                    server.get(_path(ep, variant))
    postgres = any(server.database for server in servers)
    figures.cpu_scope = (
        "the gunicorn worker and its PostgreSQL backend" if postgres else "the gunicorn worker"
    )

    latencies: dict[_Key, list[float]] = {}
    per_round_samples: dict[_Key, list[list[float]]] = {}
    throughputs: dict[_Key, list[float]] = {}
    cpu: dict[_Key, float] = {}
    cpu_rounds: dict[_Key, list[float]] = {}
    for r in range(rounds):
        order = servers if r % 2 == 0 else servers[::-1]
        variants = VARIANTS[r % 3 :] + VARIANTS[: r % 3]
        for ep in eps:
            for server in order:
                for variant in variants:
                    key = (ep.name, server.label, variant)
                    path = _path(ep, variant)
                    samples = latencies.setdefault(key, [])
                    this_round: list[float] = []
                    per_round_samples.setdefault(key, []).append(this_round)
                    before = server.cpu()
                    began = time.perf_counter()
                    for _ in range(per_round):
                        t0 = time.perf_counter()
                        status, _body, _ = server.get(path)
                        samples.append(time.perf_counter() - t0)
                        this_round.append(samples[-1])
                        if status != 200:
                            fail(f"{path} on {server.label}: HTTP {status}")
                    elapsed = time.perf_counter() - began
                    after = server.cpu()
                    used = sum(t - before.get(pid, 0.0) for pid, t in after.items())
                    cpu[key] = cpu.get(key, 0.0) + used
                    cpu_rounds.setdefault(key, []).append(used)
                    throughputs.setdefault(key, []).append(per_round / elapsed)

    requests = rounds * per_round
    for ep in eps:
        for server in servers:
            name, label = ep.name, server.label
            base = throughputs[(name, label, "baseline")]
            figures.ratio.setdefault(name, {})[label] = median(
                [a / b for a, b in zip(throughputs[(name, label, "api")], base, strict=True)]
            )
            figures.stock_ratio.setdefault(name, {})[label] = median(
                [a / b for a, b in zip(throughputs[(name, label, "stock")], base, strict=True)]
            )
            figures.cpu_ms.setdefault(name, {})[label] = {
                variant: cpu[(name, label, variant)] / requests * 1e3 for variant in VARIANTS
            }
            figures.cpu_rounds.setdefault(name, {})[label] = {
                variant: cpu_rounds[(name, label, variant)] for variant in VARIANTS
            }
            for variant, target in (
                ("api", figures.latency),
                ("stock", figures.stock_latency),
                ("baseline", figures.base_latency),
            ):
                found = latencies[(name, label, variant)]
                target.setdefault(name, {})[label] = (
                    percentile(found, 0.5),
                    percentile(found, 0.95),
                )
        if len(servers) == 2:
            # p50: the median over rounds of each round's large / small ratio (the two were
            # measured seconds apart); p95: all rounds' samples, which a round alone has too
            # few of.
            large, small = servers
            round_ratios = [
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
            figures.growth[ep.name] = (median(round_ratios), p95)
    return figures
