"""The words of what a pair wrote, kept beside each row on PostgreSQL: a stored generated
`search_vector` column (English and German stemming together) with a GIN index on each
table the search reads, so a search neither recomputes the vectors of a tandem's every row
nor ranks them from scratch. SQLite has no full-text vectors: there the search matches
substrings (`apps.search.selectors`) and this migration does nothing.

The columns are the database's own (not fields of the models): they follow every write,
whoever writes, and the models never read or write them.
"""

from django.db import migrations

# table → the text columns searched, in `apps.search.selectors._SPECS`' order.
TABLES = {
    "delegation_decision": ("title", "rationale", "outcome", "lesson"),
    "checkins_agendaitem": ("text",),
    "checkins_occurrence": ("notes",),
    "checkins_actionitem": ("text",),
    "feedback_answer": ("text", "reply"),
    "tandems_goal": ("title", "description", "assistant_role"),
}


def _vector(columns: tuple[str, ...]) -> str:
    text = " || ' ' || ".join(f'COALESCE("{c}", \'\')' for c in columns)
    return f"to_tsvector('english'::regconfig, {text}) || to_tsvector('german'::regconfig, {text})"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in TABLES.items():
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN "search_vector" tsvector '
            f"GENERATED ALWAYS AS ({_vector(columns)}) STORED"
        )
        schema_editor.execute(
            f'CREATE INDEX "{table}_search" ON "{table}" USING gin ("search_vector")'
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "search_vector"')


class Migration(migrations.Migration):
    dependencies = [
        ("delegation", "0004_decision_moment_indexes"),
        ("checkins", "0006_occurrence_changed_by"),
        ("feedback", "0001_initial"),
        ("tandems", "0002_former_members"),
    ]

    operations = [migrations.RunPython(add, remove)]
