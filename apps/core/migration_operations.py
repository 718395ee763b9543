"""Migration operations of our own."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation


class _Online:
    """On PostgreSQL the concurrent operation (the class this is mixed into), which neither
    blocks writes to a large table nor runs inside a transaction (the migration sets
    `atomic = False`); elsewhere (SQLite, whose one writer waits anyway) the `plain` one. The
    migration state is the plain operation's, so the autodetector sees no change."""

    plain: type[Operation]

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._on(schema_editor).database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._on(schema_editor).database_backwards(app_label, schema_editor, from_state, to_state)

    def _on(self, schema_editor: Any) -> Any:
        """The operation that runs on this database."""
        if schema_editor.connection.vendor == "postgresql":
            return super()
        _, args, kwargs = self.deconstruct()  # type: ignore[attr-defined]
        return self.plain(*args, **kwargs)


class AddIndexOnline(_Online, AddIndexConcurrently):
    """`AddIndex`, built concurrently on PostgreSQL."""

    plain = AddIndex


class RemoveIndexOnline(_Online, RemoveIndexConcurrently):
    """`RemoveIndex`, dropped concurrently on PostgreSQL."""

    plain = RemoveIndex
