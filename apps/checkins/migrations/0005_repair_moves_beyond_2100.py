"""Moves to an instant after 2100 were accepted before dates were bounded (apps.core.dates);
one such row (e.g. 9999-12-31T22:00Z with a five-hour meeting) overflowed every list, page
and feed that showed it. They go back to their computed start."""

from datetime import UTC, datetime

from django.db import migrations

LIMIT = datetime(2101, 1, 1, tzinfo=UTC)


def repair(apps, schema_editor):
    Occurrence = apps.get_model("checkins", "Occurrence")
    Occurrence.objects.filter(status="moved", moved_to__gte=LIMIT).update(
        status="scheduled", moved_to=None
    )
    Occurrence.objects.filter(moved_to__gte=LIMIT).update(moved_to=None)


class Migration(migrations.Migration):
    dependencies = [("checkins", "0004_series_stopped_at_sequence")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
