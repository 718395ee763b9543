from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.core import tasks
from apps.core.models import Heartbeat
from tandem.celery import app

pytestmark = pytest.mark.django_db


def test_health_is_200_when_database_and_broker_answer(api_client: APIClient) -> None:
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.data["status"] == "ok"
    assert response.data["database"]["ok"] is True
    assert response.data["broker"]["ok"] is True
    assert response.data["scheduler_last_tick_seconds_ago"] is None


def test_health_is_503_when_the_broker_is_unreachable(api_client: APIClient) -> None:
    previous = app.conf.broker_write_url
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    app.conf.broker_write_url = "redis://127.0.0.1:9/0"
    try:
        response = api_client.get("/api/health/")
    finally:
        app.conf.broker_write_url = previous

    assert response.status_code == 503
    assert response.data["status"] == "unavailable"
    assert response.data["broker"]["ok"] is False
    assert response.data["database"]["ok"] is True


def test_heartbeat_task_runs_twice_with_one_row() -> None:
    tasks.heartbeat.run()
    first = Heartbeat.objects.get().beat_at
    tasks.heartbeat.run()

    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().beat_at >= first


def test_task_names_are_pinned() -> None:
    assert tasks.heartbeat.name == "core.heartbeat"


def test_every_beat_entry_expires_before_its_next_tick() -> None:
    for name, entry in app.conf.beat_schedule.items():
        assert entry["options"]["expires"] < entry["schedule"], name
