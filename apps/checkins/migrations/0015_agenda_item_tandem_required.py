import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0014_agenda_item_tandem"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agendaitem",
            name="tandem",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tandems.tandem",
            ),
        ),
        migrations.AddIndex(
            model_name="agendaitem",
            index=models.Index(fields=["tandem", "created_at"], name="checkins_agenda_item_raised"),
        ),
    ]
