from django.db import migrations
from django.db.models import OuterRef, Subquery


def release_held_in_app(apps, schema_editor):
    """In-app deliveries no longer wait for the person's hours (only e-mail does): those
    recorded before this migration and still pending are due when their notice is."""
    Delivery = apps.get_model("notifications", "Delivery")
    Notice = apps.get_model("notifications", "Notice")
    Delivery.objects.filter(channel="in_app", state="pending").update(
        deliver_at=Subquery(Notice.objects.filter(pk=OuterRef("notice_id")).values("due_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_delivery_expires_at_and_claim_indexes"),
    ]

    operations = [
        migrations.RunPython(release_held_in_app, migrations.RunPython.noop, elidable=True),
    ]
