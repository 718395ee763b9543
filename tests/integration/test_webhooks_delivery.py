"""Webhook delivery on the real parts: PostgreSQL, Redis and a Celery worker that is killed
with SIGKILL in the middle of a request, and a real HTTP receiver on loopback.

At least once, and no more than the documented window allows (docs/integrations.md): an
event whose request was under way when the worker died is sent again with the same
`webhook-id` (and counted as a possible duplicate); an event already recorded as delivered
is never sent again.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from standardwebhooks.webhooks import Webhook

from apps.tandems.models import Role
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery, WebhookState
from devtools.processes import base_env, celery, running, wait_for
from tests.apps.webhooks.receiver import receiving
from tests.factories import TandemFactory

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

# Short, for the test: what the worker's own dispatch passes (started by each event) use too.
LEASE = timedelta(seconds=5)


@pytest.fixture(autouse=True)
def loopback_allowed() -> Iterator[None]:
    with override_settings(TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"]):
        yield


def worker_env(tmp_path: Path) -> dict[str, str]:
    return base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.local",
        DEBUG="false",
        REDIS_URL=settings.CELERY_BROKER_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        TANDEM_VAR_DIR=str(tmp_path),
        TANDEM_WEBHOOK_ALLOW_NETWORKS="127.0.0.1/32",
        TANDEM_WEBHOOK_REQUIRE_HTTPS="false",
        TANDEM_WEBHOOK_READ_TIMEOUT="60",
        TANDEM_WEBHOOK_LEASE_SECONDS=str(int(LEASE.total_seconds())),
    )


def worker() -> list[str]:
    return celery(
        "worker", "--without-mingle", "--without-gossip", "--loglevel=INFO", "--concurrency=1"
    )


def emit(tandem_id: int, title: str) -> None:
    data = {"tandem": {"id": tandem_id, "name": "T"}, "subject": {"title": title}}
    services.event_emit(tandem=tandem_id, event_type="decision.logged", data=data)


def test_a_worker_killed_mid_request_sends_again_once_with_the_same_id(tmp_path: Path) -> None:
    leader = TandemFactory().memberships.get(role=Role.LEADER)
    # The first event is answered at once; the second request hangs until the worker dies.
    with receiving(["ok", "sleep:40"]) as receiver:
        _endpoint, secret = services.endpoint_create(
            membership=leader, url=receiver.url, events=["decision.logged"]
        )
        emit(leader.tandem_id, "first")
        emit(leader.tandem_id, "second")
        assert services.dispatch(lease=LEASE).claimed == 2
        env = worker_env(tmp_path)
        rows = WebhookDelivery.objects.order_by("id")

        def states() -> list[str]:
            return [row.state for row in rows.all()]

        with running("worker-1", worker(), env, tmp_path) as doomed:
            wait_for(
                lambda: len(receiver.received) == 2 and states() == ["sent", "sending"],
                timeout=60,
                what="the first event delivered and the second one under way",
            )
            os.killpg(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
        first, second = rows.all()
        assert (first.state, second.state) == ("sent", "sending")

        with running("worker-2", worker(), env, tmp_path):
            deadline = time.monotonic() + 60
            released = 0
            while WebhookDelivery.objects.exclude(state=WebhookState.SENT).exists():
                assert time.monotonic() < deadline, (
                    "the interrupted event was lost",
                    list(rows.values("state", "claimed_until", "attempts", "error")),
                )
                # Sweeps the dead worker's lease once it ran out, and claims the row again.
                released += services.dispatch(lease=LEASE).released
                time.sleep(0.5)
            time.sleep(LEASE.total_seconds() + 1)
            assert services.dispatch(lease=LEASE).claimed == 0  # nothing left to send
            time.sleep(1)

    assert released >= 1  # the dead worker's lease (and claims that waited for a worker)
    ids = Counter(got.headers["webhook-id"] for got in receiver.received)
    assert ids == {first.event_id: 1, second.event_id: 2}
    for got in receiver.received:
        Webhook(secret).verify(got.body, got.headers)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, first.suspected_duplicates) == (1, 0)
    assert (second.attempts, second.suspected_duplicates, second.status_code) == (2, 1, 200)
