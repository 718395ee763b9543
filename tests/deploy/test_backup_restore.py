"""A backup restored, as docs/deploy.md ("Backups and restore") tells an operator to do it.

The demo is seeded into a database of its own, dumped with `pg_dump --format=custom`,
restored with `pg_restore` into a fresh database; there `migrate` has nothing to do, every
table holds the rows the original holds, and the API signs a demo person in (a write) and
lists their tandems exactly as the original does. On the suite's PostgreSQL server, databases
made with psql and dropped afterwards; about 15 s.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from apps.core.demo import DEMO_PASSWORD, Demo
from tests.helpers.python import python

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)",
    ),
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
        reason="needs PostgreSQL's client programs (pg_dump, pg_restore, psql)",
    ),
]

# Through the API as the demo's leader: sign in for a token (a write), then the tandem list.
API_READ = f"""
import json
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
signed_in = client.post(
    "/api/v1/auth/token/",
    {{"email": {Demo.LOGINS[0][0]!r}, "password": {DEMO_PASSWORD!r}}},
    content_type="application/json",
)
assert signed_in.status_code == 200, (signed_in.status_code, signed_in.content)
listed = client.get(
    "/api/v1/tandems/", HTTP_AUTHORIZATION="Token " + signed_in.json()["token"]
)
print(json.dumps({{"status": listed.status_code, "body": listed.json()}}))
"""


class Server:
    """The suite's PostgreSQL server, reached by its client programs."""

    def __init__(self) -> None:
        s = connection.settings_dict
        self.host = s.get("HOST") or "127.0.0.1"
        self.port = str(s.get("PORT") or 5432)
        self.user = s.get("USER") or "postgres"
        self.env = {**os.environ, **({"PGPASSWORD": s["PASSWORD"]} if s.get("PASSWORD") else {})}

    @property
    def options(self) -> list[str]:
        return ["--host", self.host, "--port", self.port, "--username", self.user]

    def url(self, database: str) -> str:
        password = f":{connection.settings_dict['PASSWORD']}" if self.env.get("PGPASSWORD") else ""
        return f"postgres://{self.user}{password}@{self.host}:{self.port}/{database}"

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [program, *self.options, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    def psql(self, sql: str) -> None:
        self.run("psql", "--dbname", "postgres", "--set", "ON_ERROR_STOP=1", "--command", sql)

    @contextmanager
    def database(self, name: str) -> Iterator[str]:
        self.psql(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def row_counts(self, database: str) -> dict[str, int]:
        with psycopg.connect(self.url(database)) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            count = sql.SQL("SELECT count(*) FROM {}")
            return {
                table: conn.execute(count.format(sql.Identifier(table))).fetchone()[0]  # type: ignore[index]
                for table in tables
            }


def manage(server: Server, database: str, tmp_path: Path, *args: str) -> str:
    """manage.py against one database, with the embedded defaults otherwise (no Redis)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DATABASE_", "REDIS_", "CELERY_", "DJANGO_SETTINGS"))
    }
    env.update(DATABASE_URL=server.url(database), TANDEM_VAR_DIR=str(tmp_path))
    result = python("manage.py", *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def api_read(server: Server, database: str, tmp_path: Path) -> dict[str, object]:
    printed = manage(server, database, tmp_path, "shell", "--no-imports", "-c", API_READ)
    found: dict[str, object] = json.loads(printed)
    return found


def test_a_dump_of_the_demo_restores_into_a_fresh_database(tmp_path: Path) -> None:
    server = Server()
    suffix = secrets.token_hex(4)
    dump = tmp_path / "tandem.dump"

    with (
        server.database(f"tandem_backup_{suffix}") as original,
        server.database(f"tandem_restored_{suffix}") as restored,
    ):
        manage(server, original, tmp_path, "migrate", "--noinput")
        manage(server, original, tmp_path, "seed_demo")
        server.run("pg_dump", "--format=custom", "--file", str(dump), "--dbname", original)
        server.run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump))

        migrated = manage(server, restored, tmp_path, "migrate", "--noinput")
        counts = server.row_counts(restored)
        assert counts == server.row_counts(original)
        read = api_read(server, restored, tmp_path)
        assert read == api_read(server, original, tmp_path)

    assert "No migrations to apply." in migrated
    assert counts["accounts_user"] == len(Demo.LOGINS)
    assert counts["django_migrations"] > 0
    assert read["status"] == 200
    assert {tandem["name"] for tandem in read["body"]["results"]} == {"Lena & Alex"}
