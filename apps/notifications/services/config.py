"""The dispatcher's settings (tandem/settings/base.py gives each its default; read at call
time, so a test's override_settings applies), and what the dispatcher and delivering share:
a person's hours as they are read, and the deliveries one claim holds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet

from apps.notifications.models import (
    Delivery,
    DeliveryState,
)


def lease_duration() -> timedelta:
    """How long a claimed delivery is held before the sweeper assumes its worker died.

    Longer than Celery's hard task time limit, so a live worker is always stopped before its
    lease runs out and another takes the row.
    """
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def dispatch_batch_size() -> int:
    return int(settings.NOTIFICATIONS_DISPATCH_BATCH)


def delivery_chunk_size() -> int:
    """How many deliveries one task delivers when a pass hands out a backlog."""
    return int(settings.NOTIFICATIONS_DELIVERY_CHUNK)


def max_attempts() -> int:
    return int(settings.NOTIFICATIONS_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed try: base, 2x, 4x, … capped at six hours."""
    base = timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS)
    delay: timedelta = base * 2 ** max(attempts - 1, 0)
    return min(delay, timedelta(hours=6))


# --- what the dispatcher and delivering share -----------------------------------------------

# A person's hours and choices, as deciding when to deliver reads them.
_HOURS = (
    "is_active", "timezone", "quiet_hours_start", "quiet_hours_end", "window_weekday",
    "window_start", "window_end", "paused_from", "paused_until",
    "notification_preferences__email_enabled", "notification_preferences__email_kinds",
    "notification_preferences__digest_enabled", "notification_preferences__digest_threshold",
)  # fmt: skip


def _held(token: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(claim_token=token, state=DeliveryState.CLAIMED)
