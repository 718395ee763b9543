"""bench/common.py's `sqlite_clone` copies a SQLite database with what its write-ahead log
still holds (a copy of the file alone would lose those rows)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bench.common import sqlite_clone


def test_the_clone_holds_the_rows_not_yet_checkpointed(tmp_path: Path) -> None:
    template = tmp_path / "template.sqlite3"
    with closing(sqlite3.connect(template)) as source:
        source.execute("PRAGMA journal_mode=WAL")
        source.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in the log
        source.execute("CREATE TABLE t (v INTEGER)")
        source.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
        source.commit()
        assert (tmp_path / "template.sqlite3-wal").stat().st_size > 0

        url = sqlite_clone(template, tmp_path / "copy.sqlite3")

    assert url == f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    with closing(sqlite3.connect(tmp_path / "copy.sqlite3")) as copy:
        assert copy.execute("SELECT v FROM t ORDER BY v").fetchall() == [(1,), (2,)]
