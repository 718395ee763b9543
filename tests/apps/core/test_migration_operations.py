"""Indexes added and dropped online (`apps.core.migration_operations`): concurrently on
PostgreSQL, so writes to a large table go on; a plain `AddIndex`/`RemoveIndex` on SQLite.
Run with contact care's migration that uses them, back and forth on the test database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("contacts", "0004_page_indexes")
ONLINE = ("contacts", "0005_online_indexes")
ADDED = {"contacts_shared_by_owner", "contacts_owner_since"}
DROPPED = "contacts_co_owner_i_9d5e74_idx"


def _contact_indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "contacts_contact")


def _migrate(target: tuple[str, str]) -> list[str]:
    executor = MigrationExecutor(connection)
    with CaptureQueriesContext(connection) as ran:
        executor.migrate([target])
    return [q["sql"] for q in ran.captured_queries]


@pytest.fixture
def at_the_leaf():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("at_the_leaf")
def test_the_indexes_come_and_go_with_the_migration_concurrently_on_postgresql() -> None:
    backwards = _migrate(BEFORE)
    indexes = _contact_indexes()
    assert not ADDED & set(indexes)
    assert indexes[DROPPED]["columns"] == ["owner_id", "since_on"]

    forwards = _migrate(ONLINE)
    indexes = _contact_indexes()
    assert DROPPED not in indexes
    assert indexes["contacts_shared_by_owner"]["columns"] == ["shared_tandem_id", "owner_id"]
    assert indexes["contacts_owner_since"]["columns"][:2] == ["owner_id", "since_on"]

    ddl = [sql for sql in forwards + backwards if "INDEX" in sql]
    assert len(ddl) == 6
    if connection.vendor == "postgresql":
        assert all("INDEX CONCURRENTLY" in sql for sql in ddl), ddl
        assert any('INCLUDE ("overdue_after")' in sql for sql in forwards)
    else:
        assert not any("CONCURRENTLY" in sql for sql in ddl), ddl
