"""`manage.py check_heartbeat`, beat's health check: the heartbeat's age decides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.models import Heartbeat
from tandem.celery import HEARTBEAT_SECONDS

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
LIMIT = 3 * HEARTBEAT_SECONDS  # 180 s with the default heartbeat every 60 s


def check(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("check_heartbeat", *args, stdout=out)
    return out.getvalue()


def beat_ago(seconds: float) -> None:
    Heartbeat.objects.create(name="beat", beat_at=NOW - timedelta(seconds=seconds))


def test_a_heartbeat_within_three_intervals_is_healthy() -> None:
    beat_ago(LIMIT)

    assert check() == f"Beat ticked {LIMIT:.0f} s ago (limit {LIMIT:.0f} s).\n"


def test_a_heartbeat_older_than_three_intervals_fails() -> None:
    beat_ago(LIMIT + 1)

    with pytest.raises(CommandError, match=rf"^Stale heartbeat: beat last ticked {LIMIT + 1:.0f} "):
        check()


def test_no_heartbeat_at_all_fails() -> None:
    with pytest.raises(CommandError, match=r"^No heartbeat"):
        check()


def test_the_limit_can_be_given() -> None:
    beat_ago(30)

    assert check("--max-age", "45") == "Beat ticked 30 s ago (limit 45 s).\n"
    with pytest.raises(CommandError, match="limit 20 s"):
        check("--max-age", "20")


def test_only_the_beat_heartbeat_counts() -> None:
    Heartbeat.objects.create(name="something-else", beat_at=NOW)

    with pytest.raises(CommandError, match=r"^No heartbeat"):
        check()
