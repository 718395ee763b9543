"""E-mail verification: accounts made before it existed count as verified from the day they
joined (they signed in with their address all along); new sign-ups start unverified."""

from django.db import migrations, models
from django.db.models import F


def existing_accounts_are_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_email_normal_form"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="e-mail address confirmed"
            ),
        ),
        migrations.RunPython(existing_accounts_are_verified, migrations.RunPython.noop),
    ]
