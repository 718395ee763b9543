"""Writes the ORM cannot say in one statement, and reads sent to the database together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import django.db.models.query
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, models, router

Rows = list[tuple[Any, ...]]
# (SQL, parameters, what turns the database's rows into the caller's values)
Statement = tuple[str, Sequence[Any], Callable[[Rows, Any], Rows]]


def run_together(statements: Sequence[Statement], using: str = DEFAULT_DB_ALIAS) -> list[Rows]:
    """Each statement's rows, in order. On PostgreSQL they are sent at once (psycopg's
    pipeline mode: one round trip instead of one each; the server runs them one after the
    other as always); elsewhere one after another."""
    connection = connections[using]
    connection.ensure_connection()
    found: list[Rows] = []
    with connection.cursor() as first:
        if len(statements) > 1 and connection.vendor == "postgresql" and _pipeline_supported():
            with connection.connection.pipeline():
                cursors = [first] + [connection.cursor() for _ in statements[1:]]
                try:
                    for cursor, (sql, params, _convert) in zip(cursors, statements, strict=True):
                        cursor.execute(sql, params)
                    for cursor, (_sql, _params, convert) in zip(cursors, statements, strict=True):
                        found.append(convert(cursor.fetchall(), connection))
                finally:
                    for cursor in cursors[1:]:
                        cursor.close()
        else:
            for sql, params, convert in statements:
                first.execute(sql, params)
                found.append(convert(first.fetchall(), connection))
    return found


def _pipeline_supported() -> bool:
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


def values_together(*querysets: models.QuerySet[Any]) -> list[Rows]:
    """The rows of several `values_list()` querysets (tuples, as iterating each gives them),
    sent to the database together (`run_together`). They must share a database."""
    using = {queryset.db for queryset in querysets}
    if len(using) != 1:
        raise ValueError("values_together reads one database")
    statements: list[Statement] = []
    empty: set[int] = set()
    for index, queryset in enumerate(querysets):
        if queryset._iterable_class is not django.db.models.query.ValuesListIterable:
            raise TypeError("values_together reads values_list() querysets (not flat, not named)")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            empty.add(index)
            continue
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        statements.append((sql, params, converting(list(compiler.get_converters(fields).items()))))
    found = iter(run_together(statements, using.pop()))
    return [[] if index in empty else next(found) for index in range(len(querysets))]


def converting(converters: list[tuple[int, tuple[list[Any], Any]]]) -> Callable[[Rows, Any], Rows]:
    """What turns a compiled query's raw rows into its values (the compiler's converters, as
    Django's own iteration applies them)."""

    def convert(rows: Rows, connection: Any) -> Rows:
        if not converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for position, (functions, expression) in converters:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            converted.append(tuple(values))
        return converted

    return convert


def insert_unless_exists(obj: models.Model, *, unique: Sequence[str]) -> bool:
    """Insert `obj` unless a row with the same values of the fields `unique` (the columns of
    a unique constraint) exists: one `INSERT … ON CONFLICT (…) DO NOTHING RETURNING pk`, on
    PostgreSQL and SQLite alike. True, with `obj.pk` set, when it was inserted; False when the
    row was there, `obj` unchanged but for the fields' `pre_save` (timestamps).

    Against a transaction inserting the same values concurrently, PostgreSQL makes the
    statement wait for it: if it commits, this one inserts nothing and a following read sees
    its row; if it rolls back, this one inserts. No IntegrityError, so no savepoint is needed
    around it. `bulk_create(ignore_conflicts=True)` would not tell which of the two happened.
    """
    model = type(obj)
    opts = model._meta
    if not isinstance(opts.pk, models.AutoField):
        raise TypeError("insert_unless_exists needs a model whose primary key the database sets")
    db = router.db_for_write(model, instance=obj)
    connection = connections[db]
    quote = connection.ops.quote_name
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    columns = ", ".join(quote(_column(field)) for field in fields)
    conflict = ", ".join(quote(_column(opts.get_field(name))) for name in unique)
    # Only the model's own table and column names go into the text, quoted; values are
    # parameters.
    statement = (
        f"INSERT INTO {quote(opts.db_table)} ({columns})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f" ON CONFLICT ({conflict}) DO NOTHING RETURNING {quote(_column(opts.pk))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = db
    return True


def _column(field: object) -> str:
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{field!r} is not a column")
    return column
