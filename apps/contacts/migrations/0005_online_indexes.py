from django.conf import settings
from django.db import migrations, models

from apps.core.migration_operations import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    """Indexes for a large contact book: what a partner shares with the tandem, by owner
    (`selectors._shared_with`); where the clock starts, now with the date past the rhythm's
    latest (`selectors.losing_touch` counts from the index alone), built before the old one
    on the same key is dropped.

    The contacts table is large: on PostgreSQL each index is built (and the old one dropped)
    concurrently, so writes go on meanwhile; that runs outside a transaction, hence
    `atomic = False`."""

    atomic = False

    dependencies = [
        ('contacts', '0004_page_indexes'),
        ('tandems', '0004_tandem_has_enabled_webhooks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name='contact',
            index=models.Index(fields=['shared_tandem', 'owner'], name='contacts_shared_by_owner'),
        ),
        AddIndexOnline(
            model_name='contact',
            index=models.Index(
                fields=['owner', 'since_on'], include=('overdue_after',), name='contacts_owner_since'
            ),
        ),
        RemoveIndexOnline(
            model_name='contact',
            name='contacts_co_owner_i_9d5e74_idx',
        ),
    ]
