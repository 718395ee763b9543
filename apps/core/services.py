"""Shared writes: the heartbeat of periodic processes."""

from __future__ import annotations

from django.utils import timezone

from apps.core.models import Heartbeat


def heartbeat_record(*, name: str) -> Heartbeat:
    beat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now()}
    )
    return beat
