"""Writes the ORM cannot say in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router


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
