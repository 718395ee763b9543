"""Writes the ORM cannot say in one statement, and reads sent to the database together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import django.db.models.query
from django.conf import settings
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


class CompiledQuery:
    """A `values_list()` read built and compiled once per process and database, then run
    with each call's values: for the hot reads whose building and compiling through the ORM
    costs more than running them (the logged decision's area with its terms in force: 2.4 ms
    of Python for a 0.3 ms query).

    `build(**values)` makes the queryset. It is called once with `stand_ins` (values no real
    call passes: ids far beyond any table, instants of 1901); the SQL is kept with which of
    its parameters are which stand-in (as it is, or as the database backend adapts dates and
    instants), and each call binds its own values there. A builder must therefore hand its
    values to the ORM untouched: no arithmetic and no `if` on them. Under the test settings
    (`TANDEM_CHECK_COMPILED_QUERIES`) every call is checked against the query built afresh
    (the same SQL and the same parameters), so a builder that breaks the rule fails the tests
    that reach it. The rows are converted as Django's own iteration would convert them.
    """

    def __init__(self, build: Callable[..., models.QuerySet[Any]], **stand_ins: Any) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self._plans: dict[str, tuple[str, list[tuple[str | None, Any]], Any]] = {}

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Rows:
        if set(values) != set(self.stand_ins):
            raise TypeError(f"a compiled query takes {sorted(self.stand_ins)}")
        plan = self._plans.get(using)
        if plan is None:
            plan = self._plans[using] = self._compile(using)
        sql, slots, convert = plan
        params = [how if name is None else how(values[name]) for name, how in slots]
        if getattr(settings, "TANDEM_CHECK_COMPILED_QUERIES", False):
            fresh_sql, fresh = self.build(**values).query.get_compiler(using=using).as_sql()
            if fresh_sql != sql or list(fresh) != params:
                raise AssertionError(
                    f"{self.build.__qualname__} does not bind its values as compiled: "
                    f"{sql} {params} != {fresh_sql} {list(fresh)}"
                )
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found: Rows = convert(cursor.fetchall(), connection)
        return found

    def _compile(self, using: str) -> tuple[str, list[tuple[str | None, Any]], Any]:
        connection = connections[using]
        ops = connection.ops
        known: dict[Any, tuple[str, Any]] = {}
        for name, value in self.stand_ins.items():
            known[value] = (name, _same)
            if isinstance(value, datetime):
                known[ops.adapt_datetimefield_value(value)] = (name, ops.adapt_datetimefield_value)
            elif isinstance(value, date):
                known[ops.adapt_datefield_value(value)] = (name, ops.adapt_datefield_value)
        queryset = self.build(**self.stand_ins)
        if queryset._iterable_class is not django.db.models.query.ValuesListIterable:
            raise TypeError("a compiled query is a values_list() query (not flat, not named)")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots: list[tuple[str | None, Any]] = []
        for param in params:
            try:
                slots.append(known[param] if not isinstance(param, bool) else (None, param))
            except (KeyError, TypeError):  # a constant (or an unhashable one)
                slots.append((None, param))
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        return sql, slots, converting(list(compiler.get_converters(fields).items()))


def _same(value: Any) -> Any:
    return value
