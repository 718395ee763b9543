"""The stack of a scenario: a private PostgreSQL cluster with a migrated template, a fresh
database copied from it, a private Redis, and gunicorn, worker and beat started on them."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.faults.load import healthy

if TYPE_CHECKING:
    from bench.faults.report import Result
from devtools.mail import mailed_notice_ids
from devtools.processes import (
    PrivatePostgres,
    celery,
    free_port,
    gunicorn,
    private_postgres,
    redis_server,
    running,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "faults_template"
PASSWORD = "faults-and-load-42"  # noqa: S105 - a throwaway account on a throwaway cluster
WEB_WORKERS = 3  # as docker-compose.yml


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
            # The probe invites someone every two seconds (the invitation's e-mail task goes
            # through the broker): the hourly limit per inviter is still counted, never hit.
            TANDEM_INVITATIONS_PER_HOUR="100000",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def seed(self, what: str, size: int) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "bench.faults.seed", what, str(size)],
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
        self.web_process = self.exits.enter_context(
            running("web", gunicorn(port, workers=WEB_WORKERS), self.env(**env), self.folder)
        )
        wait_for(lambda: healthy(base), timeout=90, what="gunicorn to answer /api/health/")
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

    def serving_cpu(self) -> dict[int, float]:
        """CPU seconds used so far by each process that serves a request: gunicorn's workers
        and the PostgreSQL backends of this stack's database (not the one asking)."""
        from bench.common import children, cpu_seconds

        pids = children(self.web_process.pid)
        pids += [
            pid
            for (pid,) in self.sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        ]
        found = {pid: cpu_seconds(pid) for pid in pids}
        return {pid: seconds for pid, seconds in found.items() if seconds is not None}

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
        print(f"bench.faults: cleanup {function.__name__}: {exc}", file=sys.stderr)


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
