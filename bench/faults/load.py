"""The clients: threads with an API token each, sending a member's mix of reads and writes,
and the samples they record."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.common import percentile

# --- HTTP clients ---------------------------------------------------------------------------


# A request while a part is down must fail within this (with 503 and Retry-After).
FAIL_FAST_SECONDS = 6.0


def healthy(base: str) -> bool:
    import requests

    try:
        return requests.get(f"{base}/api/health/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@dataclass(frozen=True)
class Sample:
    """One request: what, when it started (seconds since the run began), how long, result."""

    op: str
    at: float
    seconds: float
    status: int  # 0: no HTTP answer at all (connection refused, reset, timed out)
    created: int | None = None
    detail: str = ""
    retry_after: str | None = None
    json_error: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


Persona = dict[str, Any]
Operation = Callable[[Persona, int], tuple[str, str, dict[str, Any] | None]]


def _t(p: Persona) -> str:
    return f"/api/v1/tandems/{p['tandem']}"


# The mix: reads and writes a member does all day. Each entry: (name, weight, request).
MIX: list[tuple[str, int, Operation]] = [
    ("GET decisions", 20, lambda p, n: ("GET", f"{_t(p)}/decisions/", None)),
    ("GET matrix", 8, lambda p, n: ("GET", f"{_t(p)}/matrix/", None)),
    ("GET notices", 12, lambda p, n: ("GET", "/api/v1/notices/", None)),
    ("GET unread-count", 10, lambda p, n: ("GET", "/api/v1/notices/unread-count/", None)),
    (
        "GET occurrences",
        8,
        lambda p, n: ("GET", f"{_t(p)}/checkins/{p['series']}/occurrences/?next=5", None),
    ),
    ("GET me", 6, lambda p, n: ("GET", "/api/v1/me/", None)),
    (
        "POST decision",
        20,
        lambda p, n: (
            "POST",
            f"{_t(p)}/decisions/",
            {"area": p["area"], "title": f"Offer {n}", "rationale": "Best price and terms."},
        ),
    ),
    (
        "POST agenda item",
        10,
        lambda p, n: (
            "POST",
            f"{_t(p)}/checkins/{p['series']}/occurrences/{p['occurrence']}/agenda/",
            {"kind": "update", "text": f"Status {n}"},
        ),
    ),
    ("POST read-all", 6, lambda p, n: ("POST", "/api/v1/notices/read-all/", {})),
]


def call(
    session: Any,
    base: str,
    op: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    started: float,
    headers: dict[str, str] | None = None,
) -> Sample:
    import requests

    at = time.monotonic()
    try:
        response = session.request(
            method, f"{base}{path}", json=body, timeout=30, headers=headers or {}
        )
    except requests.RequestException as exc:
        return Sample(op, at - started, time.monotonic() - at, 0, detail=type(exc).__name__)
    seconds = time.monotonic() - at
    payload: Any = None
    if response.headers.get("Content-Type", "").startswith("application/json"):
        try:
            payload = response.json()
        except ValueError:
            payload = None
    created = payload.get("id") if isinstance(payload, dict) and response.ok else None
    detail = ""
    if not response.ok:
        detail = (
            str(payload.get("detail", payload))[:200]
            if isinstance(payload, dict)
            else response.text[:200]
        )
    return Sample(
        op,
        at - started,
        seconds,
        response.status_code,
        created=created if method == "POST" and isinstance(created, int) else None,
        detail=detail,
        retry_after=response.headers.get("Retry-After"),
        json_error=isinstance(payload, dict) and isinstance(payload.get("detail"), str),
    )


class Load:
    """`clients` threads, each a member with an API token, sending the mix back to back."""

    def __init__(self, base: str, people: list[Persona], clients: int, seed: int = 8) -> None:
        self.base = base
        self.people = people
        self.clients = clients
        self.rng = random.Random(seed)
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.started = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.started

    def _client(self, number: int) -> None:
        import requests

        persona = self.people[number % len(self.people)]
        rng = random.Random(self.rng.random())
        names, weights = [m[0] for m in MIX], [m[1] for m in MIX]
        operations = {m[0]: m[2] for m in MIX}
        session = requests.Session()
        session.headers["Authorization"] = f"Token {persona['token']}"
        n = 0
        while not self._stop.is_set():
            n += 1
            op = rng.choices(names, weights)[0]
            method, path, body = operations[op](persona, number * 1_000_000 + n)
            sample = call(session, self.base, op, method, path, body, self.started)
            with self._lock:
                self.samples.append(sample)
            if not sample.ok:
                time.sleep(0.2)  # a client backs off a little after an error

    def add(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def record(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def start(self) -> Load:
        self.started = time.monotonic()
        for number in range(self.clients):
            self.add(f"client-{number}", lambda number=number: self._client(number))
        return self

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> list[Sample]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        return sorted(self.samples, key=lambda s: s.at)


def latency(samples: list[Sample]) -> str:
    seconds = [s.seconds for s in samples]
    return (
        " / ".join(f"{percentile(seconds, q) * 1000:.0f}" for q in (0.5, 0.95, 0.99))
        + f" ms (max {max(seconds) * 1000:.0f})"
    )


def statuses(samples: list[Sample]) -> str:
    counts = sorted(Counter(s.status for s in samples).items())
    return ", ".join(f"{status or 'no answer'} ×{n:,}" for status, n in counts) or "none"
