"""Fault injection and load on the real parts: PostgreSQL, Redis, gunicorn, Celery worker and beat.

    .venv/bin/python bench/faults.py [--quick] [--only redis,worker,postgres,load]

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
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.apps.notifications.backends import mailed_notice_ids  # noqa: E402
from tests.integration.processes import (  # noqa: E402
    BIN,
    PrivatePostgres,
    celery,
    free_port,
    gunicorn,
    private_postgres,
    redis_server,
    running,
    wait_for,
)

DOC = ROOT / "docs" / "reliability.md"
TEMPLATE = "faults_template"
SECTION = "## Faults and load"
PASSWORD = "faults-and-load-42"  # noqa: S105 - a throwaway account on a throwaway cluster
WEB_WORKERS = 3  # as docker-compose.yml
FAIL_FAST_SECONDS = 6.0

# The sizes of a full run and of the short CI form (also `--quick`).
FULL = {
    "redis": {"outage": 60.0, "clients": 20},
    "worker": {"kills": 25, "notices": 2500},
    "postgres": {"outage": 20.0, "clients": 20, "modes": ("fast", "immediate")},
    "load": {"clients": 50, "seconds": 60.0},
}
QUICK = {
    "redis": {"outage": 10.0, "clients": 6},
    "worker": {"kills": 5, "notices": 500},
    "postgres": {"outage": 5.0, "clients": 6, "modes": ("fast",)},
    "load": {"clients": 10, "seconds": 10.0},
}


# --- results --------------------------------------------------------------------------------


@dataclass
class Result:
    """What a scenario measured (`figures`) and what went wrong (`problems`, empty if none)."""

    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list, repr=False)
    target: str = ""
    measured: str = ""

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def summary(self) -> str:
        lines = [f"[{self.name}] {'OK' if not self.problems else 'FAILED'}: {self.measured}"]
        lines += [f"    {key}: {value}" for key, value in self.figures.items()]
        lines += [f"    PROBLEM: {problem}" for problem in self.problems]
        return "\n".join(lines)


# --- seeding, inside a Django process pointed at the stack's database -------------------------


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings.local")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def _seed_tandems(count: int) -> dict[str, Any]:
    """`count` full tandems (leader + assistant, an area at level 4 — an assistant's decision
    there asks the leader for agreement, one notice — and a daily check-in), plus one tandem
    whose assistant seat is free (its leader sends invitations)."""
    from datetime import date, time, timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from apps.accounts.models import User
    from apps.accounts.services import api_token_create
    from apps.checkins import rules
    from apps.checkins import services as checkins
    from apps.delegation.services import area_create
    from apps.tandems.models import Membership, Role
    from apps.tandems.services import tandem_create

    password = make_password(PASSWORD)  # hashed once: people share it
    confirmed = datetime.now(tz=UTC)  # their addresses count as confirmed: they sign in
    first = date.today() + timedelta(days=1)  # noqa: DTZ011 - the series is in UTC anyway
    occurrence = rules.occurrence_key(datetime.combine(first, time(9, 0), tzinfo=UTC))
    people: list[dict[str, Any]] = []
    with transaction.atomic():
        for n in range(count):
            leader, assistant = (
                User.objects.create(
                    email=f"faults-{n}-{role}@example.org",
                    display_name=f"{role.title()} {n}",
                    password=password,
                    timezone="UTC",
                    email_verified_at=confirmed,
                )
                for role in ("leader", "assistant")
            )
            tandem = tandem_create(creator=leader, name=f"Faults {n}", role=Role.LEADER)
            Membership.objects.create(tandem=tandem, user=assistant, role=Role.ASSISTANT)
            seat = Membership.objects.get(tandem=tandem, user=leader)
            area = area_create(membership=seat, name="Vendors", level=4)
            series = checkins.series_create(
                membership=seat,
                title="Daily",
                recurrence=checkins.recurrence_build(frequency="daily"),
                start_date=first,
                local_time=time(9, 0),
                timezone_name="UTC",
                duration=timedelta(minutes=30),
            )
            for user, role in ((leader, "leader"), (assistant, "assistant")):
                people.append(
                    {
                        "email": user.email,
                        "role": role,
                        "token": api_token_create(user=user, name="bench")[1],
                        "tandem": tandem.pk,
                        "area": area.pk,
                        "series": series.pk,
                        "occurrence": occurrence,
                    }
                )
        host = User.objects.create(
            email="faults-host@example.org",
            password=password,
            timezone="UTC",
            email_verified_at=confirmed,
        )
        open_tandem = tandem_create(creator=host, name="Faults, open seat", role=Role.LEADER)
    return {
        "people": people,
        "host": {
            "email": host.email,
            "token": api_token_create(user=host, name="bench")[1],
            "tandem": open_tandem.pk,
        },
    }


def _seed_notices(notices: int) -> dict[str, Any]:
    """`notices` due notices, two per person (below the digest threshold: one e-mail each)."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction

    from apps.accounts.models import User
    from apps.notifications.services import notify

    with transaction.atomic():
        people = User.objects.bulk_create(
            User(email=f"faults-batch-{n}@example.org", password=UNUSABLE_PASSWORD_PREFIX)
            for n in range((notices + 1) // 2)
        )
        ids = [
            notify(
                recipient=people[n // 2],
                tandem=None,
                kind="faults",
                key=f"faults:{n}",
                title=f"Batch notice {n}",
                body="Delivered while the worker is killed again and again.",
            ).pk
            for n in range(notices)
        ]
    return {"notices": ids}


# --- the stack ------------------------------------------------------------------------------

# Every transition of a delivery to `sent` and every change of a notice's inbox time, logged
# by triggers in the private database: a second delivery of the same row would show as a
# second line, whatever the final state looks like.
_SENT_LOG = """
CREATE TABLE faults_sent_log (
    delivery_id bigint NOT NULL, channel text NOT NULL, at timestamptz DEFAULT clock_timestamp()
);
CREATE TABLE faults_inbox_log (
    notice_id bigint NOT NULL, at timestamptz DEFAULT clock_timestamp()
);
CREATE FUNCTION faults_log_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'sent' AND (OLD.state <> 'sent' OR NEW.sent_at IS DISTINCT FROM OLD.sent_at)
    THEN INSERT INTO faults_sent_log (delivery_id, channel) VALUES (NEW.id, NEW.channel);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER faults_log_sent AFTER UPDATE ON notifications_delivery
    FOR EACH ROW EXECUTE FUNCTION faults_log_sent();
CREATE FUNCTION faults_log_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.delivered_at IS NOT NULL AND NEW.delivered_at IS DISTINCT FROM OLD.delivered_at
    THEN INSERT INTO faults_inbox_log (notice_id) VALUES (NEW.id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER faults_log_inbox AFTER UPDATE ON notifications_notice
    FOR EACH ROW EXECUTE FUNCTION faults_log_inbox();
"""


class Stack:
    """A private PostgreSQL database and a private Redis, and the processes started on them."""

    def __init__(
        self, folder: Path, postgres: PrivatePostgres, database: str, exits: ExitStack
    ) -> None:
        self.folder = folder
        self.postgres = postgres
        self.exits = exits
        self.database_url = postgres.create_database(database, template=TEMPLATE)
        exits.callback(_quietly, postgres.drop_database, database)  # runs last
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.redis: subprocess.Popen[bytes] | None = None
        self.mail = folder / "mail"
        self.secret = secrets.token_urlsafe(60)
        self._redis_starts = 0

    # environment and one-off commands

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tandem.settings.production",
            SECRET_KEY=self.secret,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=self.database_url,
            DATABASE_CONN_MAX_AGE="60",  # as docker-compose.yml
            REDIS_URL=self.redis_url,
            CELERY_BROKER_URL=self.redis_url,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail),
            TANDEM_VAR_DIR=str(self.folder),
            # The auth throttles are still consulted (the cache, i.e. Redis) but never hit.
            TANDEM_AUTH_THROTTLE="100000/minute",
            TANDEM_AUTH_THROTTLE_PER_PERSON="100000/minute",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def seed(self, what: str, size: int) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), f"seed-{what}", str(size)],
            cwd=ROOT,
            env=self.env(DJANGO_SETTINGS_MODULE="tandem.settings.local"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"seeding {what} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def sql(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        return _sql(self.database_url, query, params)

    # Redis

    def start_redis(self) -> None:
        self._redis_starts += 1
        log = open(self.folder / f"redis-{self._redis_starts}.log", "wb")  # noqa: SIM115
        self.exits.callback(log.close)
        self.redis = subprocess.Popen(
            redis_server(self.redis_port, self.folder),
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.exits.callback(self.stop_redis)
        wait_for(self.redis_answers, timeout=10, what="the private Redis to answer")

    def stop_redis(self) -> None:
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=10)

    def redis_answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.redis_url, socket_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    # processes

    def web(self, **env: str) -> str:
        """gunicorn with production settings for the rest of the stack's life; its base URL."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        self.exits.enter_context(
            running("web", gunicorn(port, workers=WEB_WORKERS), self.env(**env), self.folder)
        )
        wait_for(lambda: _healthy(base), timeout=90, what="gunicorn to answer /api/health/")
        return base

    def beat(self, **env: str) -> None:
        args = celery("beat", "--loglevel=INFO", f"--schedule={self.folder / 'beat-schedule'}")
        self.exits.enter_context(running("beat", args, self.env(**env), self.folder))

    @contextmanager
    def worker(self, name: str, concurrency: int = 2, **env: str) -> Iterator[subprocess.Popen]:
        args = celery(
            "worker",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "-n",
            f"{name}@%h",
        )
        with running(name, args, self.env(**env), self.folder) as process:
            yield process

    @contextmanager
    def supervised_worker(self, name: str, **env: str) -> Iterator[list[int]]:
        """The worker under a supervisor, as docker-compose.yml's `restart: unless-stopped`:
        when it exits by itself it is started again a second later. Yields the exit codes of
        the lives that ended by themselves (the first life logs to `<name>.log`)."""
        ended: list[int] = []
        stop = threading.Event()

        def supervise() -> None:
            life = 0
            while not stop.is_set():
                life += 1
                with self.worker(name if life == 1 else f"{name}-{life}", **env) as process:
                    while process.poll() is None and not stop.is_set():
                        time.sleep(0.2)
                    if process.poll() is not None:
                        ended.append(process.returncode)
                stop.wait(1)

        thread = threading.Thread(target=supervise, name=f"supervise-{name}", daemon=True)
        thread.start()
        try:
            yield ended
        finally:
            stop.set()
            thread.join(timeout=60)

    def worker_ready(self, name: str) -> bool:
        log = self.folder / f"{name}.log"
        return log.exists() and b" ready." in log.read_bytes()

    # notices

    def unfinished_deliveries(self) -> int:
        return self.sql("SELECT count(*) FROM notifications_delivery WHERE state <> 'sent'")[0][0]

    def sent_deliveries(self) -> int:
        return self.sql("SELECT count(*) FROM notifications_delivery WHERE state = 'sent'")[0][0]

    def check_each_notice_delivered_once(self, result: Result) -> None:
        """Every notice in the database: in the inbox once, its in-app delivery sent once, its
        e-mail written; extra e-mail copies at most the counted suspected duplicates."""
        notices = {row[0] for row in self.sql("SELECT id FROM notifications_notice")}
        states = Counter(self.sql("SELECT channel, state FROM notifications_delivery ORDER BY id"))
        sent = Counter(self.sql("SELECT delivery_id, channel FROM faults_sent_log"))
        inbox = Counter(row[0] for row in self.sql("SELECT notice_id FROM faults_inbox_log"))
        mismatched = self.sql(
            "SELECT count(*) FROM notifications_delivery d JOIN notifications_notice n"
            " ON n.id = d.notice_id WHERE d.channel = 'in_app'"
            " AND d.sent_at IS DISTINCT FROM n.delivered_at"
        )[0][0]
        mailed = Counter(mailed_notice_ids(self.mail))
        suspected = self.sql(
            "SELECT coalesce(sum(suspected_duplicates), 0) FROM notifications_delivery"
        )[0][0]
        in_app_twice = sum(n - 1 for (_, channel), n in sent.items() if channel == "in_app")
        email_twice = sum(n - 1 for (_, channel), n in sent.items() if channel == "email")
        lost_in_app = len(notices) - states[("in_app", "sent")]
        lost_email = len(notices - set(mailed))
        extra_email = sum(mailed.values()) - len(set(mailed))
        result.figures.update(
            {
                "notices": len(notices),
                "in-app delivered": states[("in_app", "sent")],
                "in-app lost": lost_in_app,
                "in-app duplicated": in_app_twice + sum(n - 1 for n in inbox.values()),
                "e-mails lost": lost_email,
                "e-mail copies beyond one": extra_email,
                "suspected duplicates counted": suspected,
            }
        )
        result.check(lost_in_app == 0, f"{lost_in_app} in-app deliveries not sent: {states}")
        result.check(set(inbox) == notices, "a notice never reached the inbox")
        result.check(
            in_app_twice == 0 and all(n == 1 for n in inbox.values()),
            "an in-app notice was delivered more than once",
        )
        result.check(mismatched == 0, f"{mismatched} in-app sent_at differ from the inbox time")
        result.check(email_twice == 0, "an e-mail delivery went to sent twice")
        result.check(lost_email == 0, f"{lost_email} notices were never e-mailed")
        result.check(
            extra_email <= suspected,
            f"{extra_email} extra e-mail copies, only {suspected} counted as suspected",
        )


def _sql(database_url: str, query: str, params: Any = None) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _quietly(function: Callable[..., object], *args: object) -> None:
    try:
        function(*args)
    except Exception as exc:  # cleaning up after a scenario must not hide its result
        print(f"bench/faults.py: cleanup {function.__name__}: {exc}", file=sys.stderr)


@contextmanager
def cluster() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL cluster with a migrated template database (the logging triggers
    included); each scenario works on a copy of it."""
    with private_postgres() as postgres:
        url = postgres.create_database(TEMPLATE)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        with tempfile.TemporaryDirectory(prefix="tandem-faults-migrate-") as var:
            env.update(
                DJANGO_SETTINGS_MODULE="tandem.settings.local",
                DEBUG="false",
                DATABASE_URL=url,
                TANDEM_VAR_DIR=var,
            )
            done = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
        if done.returncode:
            raise RuntimeError(f"migrating the template failed:\n{done.stderr[-3000:]}")
        _sql(url, _SENT_LOG)
        yield postgres


@contextmanager
def stack(postgres: PrivatePostgres, name: str, folder: Path | None = None) -> Iterator[Stack]:
    """A fresh database `faults_<name>` on the private cluster and a private Redis; every
    process started on them stops at the end, and the database is dropped."""
    own = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix=f"tandem-faults-{name}-"))
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as exits:
        built = Stack(folder, postgres, f"faults_{name}", exits)
        built.start_redis()
        yield built
    if own:  # kept when the block raised, for its process logs
        shutil.rmtree(folder, ignore_errors=True)


# --- HTTP clients ---------------------------------------------------------------------------


def _healthy(base: str) -> bool:
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


def _call(
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
            sample = _call(session, self.base, op, method, path, body, self.started)
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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else float("nan")


def _latency(samples: list[Sample]) -> str:
    seconds = [s.seconds for s in samples]
    return (
        " / ".join(f"{percentile(seconds, q) * 1000:.0f}" for q in (50, 95, 99))
        + f" ms (max {max(seconds) * 1000:.0f})"
    )


def _statuses(samples: list[Sample]) -> str:
    counts = sorted(Counter(s.status for s in samples).items())
    return ", ".join(f"{status or 'no answer'} ×{n:,}" for status, n in counts) or "none"


# --- (1) Redis stopped under load -----------------------------------------------------------


def _examples(samples: list[Sample], n: int = 5) -> str:
    shown = Counter(" ".join(f"{x.op} → {x.status} {x.detail}".split())[:160] for x in samples)
    return "; ".join(f"{text} (×{count})" for text, count in shown.most_common(n))


def _probe_auth_and_invitations(load: Load, base: str, host: dict[str, Any]) -> None:
    """One more client: logs in (a throttled endpoint: it consults the cache, i.e. Redis) and
    invites someone (publishes the invitation e-mail task to the broker), in turns."""
    import requests

    def probe() -> None:
        session = requests.Session()
        auth = {"Authorization": f"Token {host['token']}"}
        n = 0
        while not load.stopping:
            n += 1
            if n % 2:
                body = {"email": host["email"], "password": PASSWORD}
                sample = _call(
                    session, base, "POST token (login)", "POST", "/api/v1/auth/token/",
                    body, load.started,
                )  # fmt: skip
            else:
                path = f"/api/v1/tandems/{host['tandem']}/invitations/"
                body = {"email": f"guest-{n}@example.org", "role": "assistant"}
                sample = _call(
                    session, base, "POST invitation", "POST", path, body, load.started, auth
                )
            load.record(sample)
            time.sleep(1)

    load.add("probe", probe)


def redis_outage(
    *,
    postgres: PrivatePostgres,
    outage: float,
    clients: int,
    before: float = 3.0,
    after: float = 3.0,
    folder: Path | None = None,
) -> Result:
    """Redis (broker and cache) stopped for `outage` seconds while `clients` work."""
    result = Result("redis")
    result.figures["run"] = f"Redis down {outage:.0f} s; {clients} clients + 1 login/invite probe"
    # Redis restarts empty (no persistence, as in docker-compose.yml): messages published
    # before the outage are gone and their leases free the rows; a short lease bounds the test
    # (production: NOTIFICATIONS_LEASE_SECONDS=600).
    fast = {"TANDEM_NOTIFICATIONS_DISPATCH_SECONDS": "1", "NOTIFICATIONS_LEASE_SECONDS": "20"}
    with stack(postgres, "redis", folder) as s:
        seeded = s.seed("tandems", max(clients // 2, 1))
        base = s.web()
        s.beat(**fast)
        with s.supervised_worker("worker", **fast) as worker_exits:
            wait_for(lambda: s.worker_ready("worker"), timeout=60, what="the worker")
            load = Load(base, seeded["people"], clients).start()
            _probe_auth_and_invitations(load, base, seeded["host"])
            time.sleep(before)
            down_wall = datetime.now(UTC)
            s.stop_redis()
            down = load.now()
            time.sleep(outage)
            up_wall = datetime.now(UTC)
            s.start_redis()
            up = load.now()
            back = time.monotonic()
            time.sleep(after)
            samples = load.stop()
            wait_for(
                lambda: s.unfinished_deliveries() == 0,
                timeout=120,
                what="every notice to be delivered after Redis is back",
            )
            result.figures["every notice delivered, after Redis was back"] = (
                f"{time.monotonic() - back:.1f} s"
            )
            time.sleep(3)  # three more dispatch ticks: nothing may go out again
            # kombu 5.x can end the worker when the broker goes away while it holds an
            # unacknowledged message ("Unrecoverable error: AttributeError … 'hostname'" in
            # restore_unacked): the supervisor (in production: the restart policy) starts it
            # again. Counted, not hidden.
            result.figures["worker exits during the outage (restarted by the supervisor)"] = len(
                worker_exits
            )

        result.samples = samples
        during = [x for x in samples if down <= x.at < up]
        failed = [x for x in samples if x.status >= 500 or x.status == 0]
        result.figures["API requests (during the outage)"] = f"{len(samples)} ({len(during)})"
        result.figures["statuses"] = _statuses(samples)
        result.figures["API 5xx"] = len(failed)
        for op in ("POST token (login)", "POST invitation"):
            probes = [x for x in during if x.op == op]
            outside = [x for x in samples if x.op == op and not down <= x.at < up]
            slowest = max((x.seconds for x in probes), default=0.0)
            usual = max((x.seconds for x in outside), default=0.0)
            result.figures[f"{op} during the outage"] = (
                f"{len(probes)}, statuses {_statuses(probes)}, slowest {slowest:.2f} s"
                f" (outside the outage: slowest {usual:.2f} s)"
            )
        result.check(not failed, f"{len(failed)} requests failed: {_examples(failed)}")
        others = [x for x in samples if not x.ok and 0 < x.status < 500]
        result.check(not others, f"other non-2xx answers: {_examples(others)}")
        result.check(
            any(x.op == "POST decision" and x.ok for x in during),
            "no decision was recorded during the outage",
        )

        # Each request an assistant made (acknowledged: the decision exists) has its notice.
        acknowledged = [x.created for x in samples if x.op == "POST decision" and x.created]
        missing = s.sql(
            "SELECT count(*) FROM delegation_decision d WHERE d.id = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM notifications_notice n"
            "  WHERE n.key = 'decision:' || d.id || ':request')"
            " AND d.status = 'awaiting_answer'",
            (acknowledged,),
        )[0][0]
        result.check(missing == 0, f"{missing} acknowledged requests have no notice")
        recorded = s.sql(
            "SELECT count(*) FROM notifications_notice WHERE created_at >= %s AND created_at < %s",
            (down_wall, up_wall),
        )[0][0]
        result.figures["notices recorded during the outage"] = recorded
        result.check(recorded > 0, "no notice was recorded during the outage")
        s.check_each_notice_delivered_once(result)
        f = result.figures
        result.target = "0 API 5xx; every notice recorded is delivered once after Redis is back"
        result.measured = (
            f"{len(failed)} 5xx of {len(samples):,} requests ({len(during):,} during the outage);"
            f" {recorded} notices recorded during it, {f['notices']} in all: in the inbox"
            f" {f['in-app lost']} lost / {f['in-app duplicated']} twice, e-mail"
            f" {f['e-mails lost']} lost / {f['e-mail copies beyond one']} extra"
        )
    return result


# --- (2) the Celery worker killed again and again during a large batch ------------------------


def worker_kills(
    *,
    postgres: PrivatePostgres,
    kills: int,
    notices: int,
    lease: float = 4.0,
    progress: tuple[int, int] = (1, 40),
    folder: Path | None = None,
    seed: int = 20,
) -> Result:
    """SIGKILL the worker (its whole process group) `kills` times while it delivers."""
    result = Result("worker")
    result.figures["run"] = f"{notices} notices (in-app + e-mail each), {kills} SIGKILLs"
    rng = random.Random(seed)
    env = {
        "TANDEM_NOTIFICATIONS_DISPATCH_SECONDS": "1",
        "NOTIFICATIONS_LEASE_SECONDS": str(int(lease)),
        "NOTIFICATIONS_DISPATCH_BATCH": "200",
        "EMAIL_BACKEND": "tests.apps.notifications.backends.SlowFileBackend",
        "NOTIFICATIONS_TEST_SEND_SECONDS": "0.01",
        "LOG_LEVEL": "INFO",
    }
    with stack(postgres, "worker", folder) as s:
        s.seed("notices", notices)
        total = 2 * notices
        s.beat(**env)
        started = time.monotonic()
        killed, lives = 0, 0
        mid_send: set[int] = set()
        while killed < kills:
            lives += 1
            name = f"worker-{lives}"
            with s.worker(name, **env) as worker:
                wait_for(lambda name=name: s.worker_ready(name), timeout=90, what=name)
                goal = s.sent_deliveries() + rng.randint(*progress)
                deadline = time.monotonic() + 60
                while s.sent_deliveries() < goal and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(rng.uniform(0, 0.3))
                if s.unfinished_deliveries() == 0:
                    break  # the batch is done: it was too small for this many kills
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
                killed += 1
                mid_send.update(
                    row[0]
                    for row in s.sql(
                        "SELECT id FROM notifications_delivery WHERE state = 'sending'"
                    )
                )
        left = s.unfinished_deliveries()
        result.figures["SIGKILLs during the batch"] = killed
        result.figures["deliveries unfinished at the last kill"] = f"{left} of {total}"
        result.figures["e-mail deliveries caught in `sending` by a kill"] = len(mid_send)
        result.check(killed >= kills, f"only {killed} kills before the batch was done")
        with s.worker("worker-last", **env):
            wait_for(
                lambda: s.unfinished_deliveries() == 0,
                timeout=120 + 4 * lease,
                what="every delivery to be finished after the kills",
            )
            result.figures["whole batch delivered in"] = f"{time.monotonic() - started:.1f} s"
            time.sleep(3)  # more dispatch ticks: nothing may go out again
        s.check_each_notice_delivered_once(result)
        f = result.figures
        result.target = (
            "0 lost, 0 duplicated in-app; e-mail copies beyond one ≤ counted suspected duplicates"
        )
        result.measured = (
            f"{killed} SIGKILLs; of {notices:,} notices in-app {f['in-app lost']} lost /"
            f" {f['in-app duplicated']} twice; e-mail {f['e-mails lost']} lost,"
            f" {f['e-mail copies beyond one']} extra copies ≤ {f['suspected duplicates counted']}"
            " counted"
        )
    return result


# --- (3) PostgreSQL restarted under load ----------------------------------------------------


def _signed_in(base: str, person: Persona) -> Any:
    """A `requests` session signed in through the web login form (a session cookie)."""
    import requests

    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=60)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": person["email"],
            "password": PASSWORD,
            "csrfmiddlewaretoken": found.group(1) if found else "",
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
    )
    if answer.url.rstrip("/") != base:  # still on the login page
        raise RuntimeError(f"the web sign-in failed: {answer.status_code}")
    return session


def _probe_session(load: Load, session: Any) -> None:
    """One more client, signed in on the web, alternating a page and the API: the session is
    loaded by a middleware, before the API's own error handling."""

    def probe() -> None:
        n = 0
        while not load.stopping:
            n += 1
            op, path = ("GET page (session)", "/") if n % 2 else ("GET me (session)", "/api/v1/me/")
            load.record(_call(session, load.base, op, "GET", path, None, load.started))
            time.sleep(0.3)

    load.add("session", probe)


def postgres_restart(
    *,
    postgres: PrivatePostgres,
    outage: float,
    clients: int,
    modes: tuple[str, ...] = ("fast",),
    before: float = 3.0,
    after: float = 5.0,
    grace: float = 3.0,
    folder: Path | None = None,
) -> Result:
    """PostgreSQL stopped (`fast` or `immediate`) for `outage` seconds, once per mode."""
    result = Result("postgres")
    result.figures["run"] = (
        f"PostgreSQL down {outage:.0f} s per restart ({', '.join(modes)}); {clients} clients"
        " + 1 signed in on the web"
    )
    with stack(postgres, "postgres", folder) as s:
        seeded = s.seed("tandems", max(clients // 2, 1))
        # Plain HTTP on loopback: the session and CSRF cookies may not be `Secure` here.
        base = s.web(SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false")
        web_session = _signed_in(base, seeded["people"][0])
        load = Load(base, seeded["people"], clients).start()
        _probe_session(load, web_session)
        # Per restart: the stop begins, it is down, the start begins, it is up again.
        windows: list[tuple[str, float, float, float, float]] = []
        for mode in modes:
            time.sleep(before)
            stopping = load.now()
            postgres.stop(mode)
            down = load.now()
            time.sleep(outage)
            starting = load.now()
            postgres.start()
            windows.append((mode, stopping, down, starting, load.now()))
            time.sleep(after)
        samples = load.stop()
        result.samples = samples

        def overlaps(x: Sample, begin: float, end: float) -> bool:
            return x.at < end and x.at + x.seconds >= begin

        def clean_503(x: Sample) -> bool:
            """503 with Retry-After, in the API's format (a page: the 503 page)."""
            page = x.op.startswith("GET page")
            return x.status == 503 and x.retry_after is not None and (x.json_error or page)

        result.figures["API requests"] = len(samples)
        result.figures["statuses"] = _statuses(samples)
        session = [x for x in samples if "(session)" in x.op]
        result.figures["of them signed in on the web (a page, the API)"] = (
            f"{len(session)}: {_statuses(session)}"
        )
        sent_while_down, clean_while_down, slowest_while_down, slowest_recovery = 0, 0, 0.0, 0.0
        for number, (mode, stopping, down, starting, up) in enumerate(windows):
            following = windows[number + 1][1] if number + 1 < len(windows) else math.inf
            # Sent while it was down: each must be refused with a clean 503, and quickly.
            while_down = [x for x in samples if down <= x.at < starting]
            slowest = max((x.seconds for x in while_down), default=0.0)
            # Around the stop and the start, a request may succeed or get a clean 503.
            around = [x for x in samples if overlaps(x, stopping, up + grace)]
            first_ok = min((x.at for x in samples if x.at >= up and x.ok), default=math.inf)
            late = [
                x
                for x in samples
                if not x.ok and x.at >= up + grace and x.at + x.seconds < following
            ]
            result.figures[f"{mode}: requests sent while down"] = (
                f"{len(while_down)}, of them a clean 503: {sum(map(clean_503, while_down))}"
                f", slowest answer {slowest:.2f} s"
            )
            result.figures[f"{mode}: first 2xx after PostgreSQL was back"] = (
                f"{first_ok - up:.2f} s"
            )
            sent_while_down += len(while_down)
            clean_while_down += sum(map(clean_503, while_down))
            slowest_while_down = max(slowest_while_down, slowest)
            slowest_recovery = max(slowest_recovery, first_ok - up)
            result.check(len(while_down) > 0, f"{mode}: no request was sent while it was down")
            result.check(
                {x.op for x in while_down} >= {"GET page (session)", "GET me (session)"},
                f"{mode}: the signed-in web client sent no page and API request while down",
            )
            result.check(
                all(map(clean_503, while_down)),
                f"{mode}: while down, answers other than a clean 503: "
                + _examples([x for x in while_down if not clean_503(x)]),
            )
            result.check(
                slowest < FAIL_FAST_SECONDS, f"{mode}: an answer took {slowest:.1f} s while down"
            )
            unclean = [x for x in around if not x.ok and not clean_503(x)]
            result.check(not unclean, f"{mode}: around the restart: {_examples(unclean)}")
            result.check(first_ok - up < grace, f"{mode}: no recovery within {grace:.0f} s")
            result.check(not late, f"{mode}: errors after recovery: {_examples(late)}")
        others = [
            x
            for x in samples
            if not x.ok and not any(overlaps(x, w[1], w[4] + grace) for w in windows)
        ]
        result.check(not others, f"errors outside the restarts: {_examples(others)}")

        # No acknowledged write is lost: every id a client got back with a 2xx exists.
        created = {
            "POST decision": "delegation_decision",
            "POST agenda item": "checkins_agendaitem",
        }
        acknowledged, lost = 0, 0
        for op, table in created.items():
            ids = [x.created for x in samples if x.op == op and x.ok]
            present = s.sql(f"SELECT count(*) FROM {table} WHERE id = ANY(%s)", (ids,))[0][0]  # noqa: S608
            acknowledged += len(ids)
            lost += len(ids) - present
            result.check(None not in ids, f"{op}: a 2xx without an id")
        result.figures["acknowledged writes (lost)"] = f"{acknowledged} ({lost})"
        result.check(lost == 0, f"{lost} acknowledged writes are missing")
        boots = (s.folder / "web.log").read_text(errors="replace").count("Booting worker")
        result.figures["gunicorn workers booted (of them restarts)"] = (
            f"{boots} ({boots - WEB_WORKERS})"
        )
        result.target = (
            "while down a fast, clear 503; recovers by itself; no acknowledged write lost"
        )
        result.measured = (
            f"{len(modes)} restarts ({', '.join(modes)}): {sent_while_down:,} requests sent while"
            f" down, {clean_while_down:,} answered 503 in the API's format (pages: the 503"
            f" page), slowest {slowest_while_down:.2f} s; first 2xx"
            f" ≤ {slowest_recovery:.2f} s after the restart, {boots - WEB_WORKERS} process"
            f" restarts; {acknowledged:,} acknowledged writes, {lost} lost"
        )
    return result


# --- (4) load ---------------------------------------------------------------------------------


def load_run(
    *,
    postgres: PrivatePostgres,
    clients: int,
    seconds: float,
    warmup: float = 2.0,
    folder: Path | None = None,
) -> Result:
    """`clients` concurrent clients for `seconds` against gunicorn; figures after a warm-up."""
    result = Result("load")
    result.figures["run"] = (
        f"{clients} clients × {seconds:.0f} s, gunicorn {WEB_WORKERS} sync workers"
    )
    with stack(postgres, "load", folder) as s:
        seeded = s.seed("tandems", max(clients // 2, 1))
        base = s.web()
        load = Load(base, seeded["people"], clients).start()
        time.sleep(warmup)
        begin = load.now()
        time.sleep(seconds)
        end = load.now()
        samples = [x for x in load.stop() if begin <= x.at < end]
        errors = [x for x in samples if not x.ok]
        reads = [x for x in samples if x.op.startswith("GET")]
        writes = [x for x in samples if not x.op.startswith("GET")]
        result.figures["requests"] = f"{len(samples)} ({len(reads)} reads, {len(writes)} writes)"
        result.figures["errors"] = len(errors)
        result.figures["throughput"] = f"{len(samples) / (end - begin):.1f} requests/s"
        result.figures["latency p50 / p95 / p99"] = _latency(samples)
        result.figures["reads p50 / p95 / p99"] = _latency(reads)
        result.figures["writes p50 / p95 / p99"] = _latency(writes)
        result.check(len(samples) > 0, "no request finished")
        result.check(not errors, f"{len(errors)} errors: {_examples(errors)}")
        result.target = f"{clients} clients × {seconds:.0f} s: 0 errors; report rate and latency"
        result.measured = (
            f"{len(samples):,} requests, {len(errors)} errors;"
            f" {result.figures['throughput']}; p50 / p95 / p99 {_latency(samples)}"
        )
    return result


SCENARIOS: dict[str, Callable[..., Result]] = {
    "redis": redis_outage,
    "worker": worker_kills,
    "postgres": postgres_restart,
    "load": load_run,
}


# --- report ---------------------------------------------------------------------------------


def _machine() -> str:
    memory = "?"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return f"nproc {os.cpu_count()}, memory {memory}"


def _kombu() -> str:
    from importlib.metadata import version

    return version("kombu")


def _versions() -> str:
    import requests

    from tests.integration.processes import postgres_bin

    def output(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    def version(text: str) -> str:
        found = re.search(r"\d+\.\d+(\.\d+)?", text)
        return found.group(0) if found else "?"

    pg = version(output(str(postgres_bin("postgres")), "--version"))
    redis = version(output("redis-server", "--version"))
    web = version(output(str(BIN / "gunicorn"), "--version"))
    return (
        f"PostgreSQL {pg}, Redis {redis}, gunicorn {web}, "
        f"client: Python threads with requests {requests.__version__}"
    )


def report(results: list[Result], command: str, load: tuple[float, float]) -> str:
    today = datetime.now(UTC).date().isoformat()
    summary = "\n".join(f"| {TITLES[r.name]} | {r.target} | {r.measured} |" for r in results)
    blocks = []
    for result in results:
        rows = "\n".join(f"| {key} | {value} |" for key, value in result.figures.items())
        blocks.append(f"### {TITLES[result.name]}\n\n| what | figure |\n|---|---|\n{rows}\n")
    body = "\n".join(blocks)
    return f"""{SECTION}

Measured {today} with `{command}` (the long form; its exit status is 0 only when every
check passed). One machine: {_machine()}, load average {load[0]:.1f} before and
{load[1]:.1f} after the run (other jobs shared it); {_versions()}.

| scenario | target | measured |
|---|---|---|
{summary}

Each scenario runs on a stack of its own: a database copied from a migrated template on a
private PostgreSQL cluster and a private redis-server, both on free loopback ports, with
gunicorn ({WEB_WORKERS} sync workers, `DATABASE_CONN_MAX_AGE=60`), Celery worker and beat on
production settings, as in `docker-compose.yml`; the shared servers are never touched. The
short form runs in CI as part of the suite, `tests/integration/test_faults.py` (marked
`server`: the same code with small sizes — Redis down 10 s, 5 kills in 500 notices, one
5 s restart, 10 clients × 10 s — about 3 minutes), or by hand:
`.venv/bin/python bench/faults.py --quick`.

{body}
How it is checked:

- Clients: Python threads with `requests`, each a member of a seeded tandem with an API
  token, sending back to back a mix of reads (decisions, matrix, inbox, unread count,
  occurrences, profile) and writes (a decision — an assistant's asks the leader for
  agreement, one notice —, an agenda item, mark all read); after an error a client waits
  0.2 s. Latency is measured at the client, from sending to the whole answer.
- Exactly once: triggers in the scenario's database log every transition of a delivery to
  `sent` and every change of a notice's inbox time, so a second delivery shows whatever the
  final rows look like; e-mails are counted in the files the e-mail backend wrote.
- Redis: notices are rows in PostgreSQL, so recording one never needs Redis; the dispatcher
  catches up when the broker is back. Redis restarts empty (no persistence, as in
  `docker-compose.yml`): a message published just before the outage is lost and its rows
  are freed when the claim lease runs out (20 s in this run; 600 s in production, so such a
  row may wait up to 10 minutes). The cache (the auth throttles) answers "nothing cached"
  while Redis is down (`apps.core.cache.ResilientRedisCache`, logged once a minute), so
  sign-in is not throttled during an outage (django-axes' lockout, kept in the database,
  still applies); an invitation is recorded and answered with its link while its e-mail
  task cannot be enqueued (logged; `email_sent_at` stays empty). A login probe and an
  invitation probe run beside the clients for this.
- The Celery worker may exit when Redis goes away while it holds an unacknowledged message
  (kombu {_kombu()}: "Unrecoverable error: AttributeError … 'hostname'" while restoring it).
  Run it under a restart policy — `docker-compose.yml` has `restart: unless-stopped` — as
  the scenario does (a supervisor starts it again a second later; the exits are counted).
  Nothing is lost: the rows it held come back when their lease runs out.
- Worker kills: the worker's whole process group (main process and pool children) gets
  SIGKILL a random moment after the batch moved on, and a new worker starts; rows the dead
  one held come back when their lease (4 s here) runs out. An e-mail can go out twice only
  if its worker died after moving it to `sending` and before `sent`; each such row counts a
  suspected duplicate (see docs/notifications.md), and extra copies are at most that count.
  Deliveries go out in chunks (`NOTIFICATIONS_DELIVERY_CHUNK`, 50 per task) whose e-mails
  are marked `sent` together after the last one, so a kill while a chunk is being sent may
  repeat up to a chunk of e-mails — each of them counted.
- PostgreSQL: `pg_ctl stop -m fast` (clients disconnected, clean shutdown) and
  `-m immediate` (a crash, recovered from the WAL at the next start), each for the time
  shown, then `pg_ctl start`. A request sent while it is down must be answered `503` with
  `{{"detail": …}}` and `Retry-After` within {FAIL_FAST_SECONDS:.0f} s; around the stop and
  the start a request may also succeed. Connection attempts are refused at once on
  loopback; `DATABASE_CONNECT_TIMEOUT` (5 s) bounds them when a host does not answer at
  all. gunicorn workers keep persistent connections (`CONN_MAX_AGE`) with
  `CONN_HEALTH_CHECKS`, so the first request after the restart reconnects and nothing is
  restarted. Every id a client got back with a 2xx is looked up afterwards. A client
  signed in on the web (session cookie) gets the same: the site's error handler answers a
  database outage met before the API's own handler (loading the session) with 503 — JSON
  under `/api/`, a 503 page elsewhere (`apps.core.api.views.server_error`).
- Load: a closed loop (a client sends its next request when the previous answer arrived),
  counted after a 2 s warm-up. {WEB_WORKERS} sync gunicorn workers share the 2 cores with
  PostgreSQL, the clients and the other jobs on the machine (load average above): the rate
  is bound by the CPU; no request failed or timed out.
- Not covered: a PostgreSQL that hangs without refusing (a frozen host) — a query on an
  open connection then waits for gunicorn's 30 s timeout.
"""


TITLES = {
    "redis": "Redis stopped under load",
    "worker": "Celery worker SIGKILLed during a large delivery batch",
    "postgres": "PostgreSQL restarted under load",
    "load": "Load: concurrent clients against gunicorn",
}


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Reliability and security\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1].startswith("seed-"):
        _django(os.environ["DATABASE_URL"])
        seeders = {"seed-tandems": _seed_tandems, "seed-notices": _seed_notices}
        print(json.dumps(seeders[sys.argv[1]](int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short CI sizes; only print")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="comma-separated: " + ",".join(SCENARIOS)
    )
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench/faults.py: stopped"))
    names = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    sizes = QUICK if options.quick else FULL
    results = []
    logs = Path(tempfile.mkdtemp(prefix="tandem-faults-"))
    load_before = os.getloadavg()[0]
    print("creating a private PostgreSQL cluster and migrating its template …", flush=True)
    with cluster() as postgres:
        for name in names:
            print(f"== {TITLES[name]} ({sizes[name]}) …", flush=True)
            started = time.monotonic()
            result = SCENARIOS[name](postgres=postgres, folder=logs / name, **sizes[name])
            result.figures["scenario took"] = f"{time.monotonic() - started:.0f} s"
            print(result.summary(), flush=True)
            results.append(result)
    command = shlex.join([".venv/bin/python", "bench/faults.py", *sys.argv[1:]])
    failed = [r.name for r in results if r.problems]
    if not options.quick and names == list(SCENARIOS):
        write_doc(report(results, command, load=(load_before, os.getloadavg()[0])))
        print(f"wrote {DOC.relative_to(ROOT)}")
    if failed:
        sys.exit(f"bench/faults.py: problems in {', '.join(failed)}; process logs in {logs}")
    shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
