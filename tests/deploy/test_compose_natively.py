"""Every command and health check of docker-compose.yml, run natively (no Docker here).

The app's processes run the compose file's own command lines with the environment Compose
would give them for a real domain (so ALLOWED_HOSTS is `tandem.example.org`, not a loopback
address), and each service's health check runs as Compose would run it, within its timeout.
Adapted, and only where the container world differs, each adaptation asserted to apply:
- host names and ports of the other containers (`db`, `redis`, `mail`) become this machine's:
  a fresh database on the suite's PostgreSQL, a private redis-server started with the redis
  service's command line, `127.0.0.1` for the mail catcher (nothing is mailed here);
- gunicorn's port 8000 inside its container becomes a free loopback port (GUNICORN_CMD_ARGS,
  which gunicorn reads after its config file), and so does the web health check's URL;
- `$HOSTNAME`, which Docker sets to the container's host name, is this machine's;
- what the image provides: `python` & co. from the virtualenv, TANDEM_VAR_DIR (Dockerfile);
- TANDEM_HEARTBEAT_SECONDS=2, so beat's health check (3 intervals) decides in seconds.
Not run here: Caddy and Mailpit (images without a native program here; tests/deploy/
test_compose.py reads the Caddyfile), and PostgreSQL's own image (the suite's server stands
in for it). About 30 s.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from devtools.processes import BIN, free_port, running, wait_for
from tests.deploy.compose import ROOT, interpolated

pytestmark = pytest.mark.server

DOMAIN = "tandem.example.org"
APP_SERVICES = ("migrate", "web", "worker", "beat")
HEARTBEAT_SECONDS = 2


def server_url(database: str) -> str:
    """A database on the PostgreSQL server the suite uses."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{s.get('USER') or 'postgres'}{password}@{host}:{port}/{database}"


@contextmanager
def fresh_database() -> Iterator[str]:
    name = f"tandem_compose_{secrets.token_hex(4)}"
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seconds(duration: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    number = duration.rstrip("smh")
    return float(number) * units[duration[len(number) :]]


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"the adaptation no longer applies: {old!r} is not in {text!r}"
    return text.replace(old, new)


class Stack:
    """The compose file for a real domain, and what differs outside containers."""

    def __init__(self, tmp_path: Path, database: str) -> None:
        self.config: dict[str, Any] = interpolated(
            {"SECRET_KEY": secrets.token_urlsafe(60), "TANDEM_DOMAIN": DOMAIN}
        )
        self.services: dict[str, Any] = self.config["services"]
        self.tmp = tmp_path
        self.database = database
        self.redis_port = free_port()
        self.web_port = free_port()
        self.host = connection.settings_dict.get("HOST") or "127.0.0.1"
        self.pg_port = str(connection.settings_dict.get("PORT") or 5432)
        self.pg_user = connection.settings_dict.get("USER") or "postgres"
        (tmp_path / "redis").mkdir()

    def env(self, service: str) -> dict[str, str]:
        env = {
            # What the image gives every process (Dockerfile): its programs, TANDEM_VAR_DIR.
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", str(self.tmp)),
            "PYTHONUNBUFFERED": "1",
            "TANDEM_VAR_DIR": str(self.tmp),
            "HOSTNAME": socket.gethostname(),
        }
        if service not in APP_SERVICES:
            return env
        env.update(self.services[service]["environment"])
        env["TANDEM_HEARTBEAT_SECONDS"] = str(HEARTBEAT_SECONDS)
        env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{self.web_port}"
        container_db = "postgres://tandem:tandem@db:5432/tandem"
        env["DATABASE_URL"] = replaced(env["DATABASE_URL"], container_db, server_url(self.database))
        env["REDIS_URL"] = replaced(
            env["REDIS_URL"], "redis://redis:6379/", f"redis://127.0.0.1:{self.redis_port}/"
        )
        env["EMAIL_HOST"] = replaced(env["EMAIL_HOST"], "mail", "127.0.0.1")
        return env

    def command(self, service: str) -> list[str]:
        command: list[str] = self.services[service]["command"]
        if service == "redis":  # its own port and folder instead of the container's
            return [*command, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                    "--dir", str(self.tmp / "redis")]  # fmt: skip
        return command

    def health_check(self, service: str) -> tuple[list[str], float]:
        check = self.services[service]["healthcheck"]
        kind, *rest = check["test"]
        args = ["sh", "-c", rest[0]] if kind == "CMD-SHELL" else rest
        assert kind in {"CMD", "CMD-SHELL"}, kind
        if service == "web":
            *program, code = args
            args = [*program, replaced(code, "127.0.0.1:8000", f"127.0.0.1:{self.web_port}")]
        elif service == "db":
            args = ["sh", "-c", replaced(
                args[2], "-U tandem -d tandem",
                f"-h {self.host} -p {self.pg_port} -U {self.pg_user} -d {self.database}",
            )]  # fmt: skip
        elif service == "redis":
            args = [*args[:1], "-p", str(self.redis_port), *args[1:]]
        return args, seconds(check["timeout"])

    def healthy(self, service: str) -> bool:
        args, timeout = self.health_check(service)
        try:
            result = subprocess.run(
                args, cwd=ROOT, env=self.env(service), capture_output=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return False
        return result.returncode == 0


def status(url: str, host: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_every_command_and_health_check_of_the_compose_file_runs(tmp_path: Path) -> None:
    with fresh_database() as database:
        stack = Stack(tmp_path, database)
        with running("redis", stack.command("redis"), stack.env("redis"), tmp_path):
            wait_for(lambda: stack.healthy("redis"), timeout=20, what="redis' health check")
            assert stack.healthy("db")

            migrate = subprocess.run(
                stack.command("migrate"), cwd=ROOT, env=stack.env("migrate"),
                capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            assert migrate.returncode == 0, migrate.stdout + migrate.stderr
            assert "Applying core.0001_initial... OK" in migrate.stdout

            with (
                running("web", stack.command("web"), stack.env("web"), tmp_path),
                running("worker", stack.command("worker"), stack.env("worker"), tmp_path),
                running("beat", stack.command("beat"), stack.env("beat"), tmp_path) as beat,
            ):
                wait_for(lambda: stack.healthy("web"), timeout=60, what="web's health check")
                # The real ALLOWED_HOSTS is in force: the old check's Host is refused.
                health = f"http://127.0.0.1:{stack.web_port}/api/health/"
                assert (status(health), status(health, host=DOMAIN)) == (400, 200)
                wait_for(lambda: stack.healthy("worker"), timeout=60, what="worker's check")
                wait_for(lambda: stack.healthy("beat"), timeout=60, what="beat's check")

                # A hung beat: alive, scheduling nothing. Its check fails after 3 intervals.
                os.killpg(beat.pid, signal.SIGSTOP)
                try:
                    wait_for(
                        lambda: not stack.healthy("beat"),
                        timeout=10 * HEARTBEAT_SECONDS,
                        what="beat's check to notice the stopped beat",
                    )
                finally:
                    os.killpg(beat.pid, signal.SIGCONT)
                wait_for(lambda: stack.healthy("beat"), timeout=30, what="beat to recover")

    # Redis kept the broker's queue in its append-only file (the redis service's command).
    assert list((tmp_path / "redis").glob("appendonlydir/*.aof"))
