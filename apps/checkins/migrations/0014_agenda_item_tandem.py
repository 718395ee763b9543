"""Each agenda item names its tandem (its occurrence's series' tandem), written for the rows
there are: a tandem's topics of a month are then read from an index on (tandem, created_at)
instead of joining every occurrence (`0015` makes it required and adds the index; two
migrations, so PostgreSQL checks the rows written here before the table is altered)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def name_the_tandem(apps, schema_editor):
    AgendaItem = apps.get_model("checkins", "AgendaItem")
    Occurrence = apps.get_model("checkins", "Occurrence")
    AgendaItem.objects.update(
        tandem_id=Subquery(
            Occurrence.objects.filter(pk=OuterRef("occurrence_id")).values("series__tandem_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0013_occurrence_met_index"),
        ("tandems", "0004_tandem_has_enabled_webhooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="tandem",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tandems.tandem",
            ),
        ),
        migrations.RunPython(name_the_tandem, migrations.RunPython.noop, elidable=True),
    ]
