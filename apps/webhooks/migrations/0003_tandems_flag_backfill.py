"""`Tandem.has_enabled_webhooks` for the tandems that already have an enabled endpoint."""

from typing import Any

from django.db import migrations
from django.db.models import Exists, OuterRef


def backfill(apps: Any, schema_editor: Any) -> None:
    Tandem = apps.get_model("tandems", "Tandem")
    Endpoint = apps.get_model("webhooks", "Endpoint")
    Tandem.objects.update(
        has_enabled_webhooks=Exists(Endpoint.objects.filter(tandem_id=OuterRef("pk"), enabled=True))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_reseal_secrets_with_fernet"),
        ("tandems", "0004_tandem_has_enabled_webhooks"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
