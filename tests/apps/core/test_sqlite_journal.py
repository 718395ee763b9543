"""The embedded default's SQLite database is opened with write-ahead logging (settings'
`init_command`): readers go on while the worker writes, and a commit syncs once."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime

import pytest
from django.db import connection

from apps.core.models import Heartbeat

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's journal mode only"),
]


def test_every_connection_logs_ahead() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_another_connection_finds_the_file_in_that_mode_and_reads_a_committed_write() -> None:
    Heartbeat.objects.create(name="beat", beat_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    name = connection.settings_dict["NAME"]
    with closing(sqlite3.connect(name)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # it stays so
        assert other.execute("SELECT name FROM core_heartbeat").fetchall() == [("beat",)]
