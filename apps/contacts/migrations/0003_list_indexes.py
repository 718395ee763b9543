# The contact list's orders served by an index on a person's own contacts (issue #21).

import django.db.models.functions.text
from django.db import migrations, models

import apps.contacts.models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0002_care_dates'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(models.F('owner'), django.db.models.functions.text.Lower('name'), models.F('id'), name='contacts_owner_name'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=apps.contacts.models.NullsFirstIndex(models.F('owner'), models.OrderBy(models.F('last_touch_on'), nulls_first=True), django.db.models.functions.text.Lower('name'), models.F('id'), name='contacts_owner_last_touch'),
        ),
    ]
