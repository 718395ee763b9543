"""With the broker down, the API still records notices; delivery catches up when it is back.

The test runs a private redis-server on a free loopback port (the shared Redis other test
runs use is never touched), points a real Celery worker and this process's publishing at it,
stops it, works through the API and the dispatcher during the outage, starts it again on the
same port and counts what the worker delivered.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from apps.delegation.services import area_create
from apps.notifications import services
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from devtools.mail import mailed_notice_ids
from devtools.processes import base_env, celery, free_port, redis_server, running, wait_for
from tandem.celery import app
from tests.conftest import Pair

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="needs the redis-server binary to run a private Redis",
    ),
]

DECISIONS = 8  # each one a request to the leader: one notice, an in-app and an e-mail delivery


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except redis.exceptions.ConnectionError:
        return False


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Point this process's task publishing at `url` for the block, as the worker is.

    The Celery app read its broker from settings at import, and caches connection and
    producer pools bound to it: set the write URL and drop the pools, then put all back.
    """
    previous = (app.conf.broker_write_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_write_url = url
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_write_url, app._pool, app.amqp._producer_pool = previous


def worker_ready(log: Path) -> bool:
    return log.exists() and b" ready." in log.read_bytes()


def delivery_states() -> Counter[tuple[str, str]]:
    return Counter(Delivery.objects.values_list("channel", "state"))


def test_with_redis_stopped_the_api_records_notices_and_they_are_delivered_after_it_is_back(
    pair: Pair, tmp_path: Path
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    env = base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.local",
        DEBUG="false",
        REDIS_URL=url,
        CELERY_BROKER_URL=url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        TANDEM_VAR_DIR=str(tmp_path),
    )
    worker_args = celery(
        "worker", "--without-mingle", "--without-gossip", "--loglevel=INFO", "--concurrency=2"
    )
    vendors = area_create(membership=pair.leader_membership, name="Vendors", level=4)
    decisions_url = f"/api/v1/tandems/{pair.tandem.pk}/decisions/"

    with (
        running("redis", redis_server(port, tmp_path), env, tmp_path) as broker,
        publishing_to(url),
        running("worker", worker_args, env, tmp_path) as worker,
    ):
        wait_for(lambda: answers(url), timeout=5, what="the private Redis to answer")
        wait_for(lambda: worker_ready(tmp_path / "worker.log"), timeout=15, what="the worker")

        broker.terminate()
        broker.wait(timeout=10)
        assert not answers(url)

        # The outage, seen from the web: every request that records a notice succeeds.
        statuses = [
            pair.assistant_client.post(
                decisions_url,
                {"area": vendors.pk, "title": f"Vendor {n}", "rationale": "Best offer."},
            ).status_code
            for n in range(DECISIONS)
        ]
        assert statuses == [201] * DECISIONS
        notices = list(Notice.objects.filter(recipient=pair.leader, kind="decision.request"))
        assert len(notices) == DECISIONS
        assert delivery_states() == {
            (Channel.IN_APP, DeliveryState.PENDING): DECISIONS,
            (Channel.EMAIL, DeliveryState.PENDING): DECISIONS,
        }

        # The dispatcher claims, cannot publish, and gives every row back: nothing is lost
        # and nothing waits for a lease to run out.
        result = services.dispatch()
        assert (result.claimed, result.digests) == (2 * DECISIONS, 1)
        assert delivery_states() == {
            (Channel.IN_APP, DeliveryState.PENDING): DECISIONS,
            (Channel.EMAIL, DeliveryState.PENDING): DECISIONS,
        }
        assert set(Delivery.objects.values_list("claim_token", "attempts")) == {(None, 0)}

        wait_for(
            lambda: b"Connection to broker lost" in (tmp_path / "worker.log").read_bytes(),
            timeout=5,
            what="the worker to notice the outage",
        )
        with running("redis-again", redis_server(port, tmp_path), env, tmp_path):
            wait_for(lambda: answers(url), timeout=5, what="Redis to answer again")
            result = services.dispatch()
            assert (result.released, result.claimed) == (0, 2 * DECISIONS)
            wait_for(
                lambda: (
                    delivery_states()
                    == {
                        (Channel.IN_APP, DeliveryState.SENT): DECISIONS,
                        (Channel.EMAIL, DeliveryState.SENT): DECISIONS,
                    }
                ),
                timeout=20,
                what="the worker to deliver every notice after the outage",
            )
            assert services.dispatch() == services.DispatchResult()  # nothing left to do
            os.killpg(worker.pid, signal.SIGTERM)  # while its broker is up: a clean stop
            worker.wait(timeout=15)

    # Exactly once: one in-app transition per notice, whose time is the inbox time; the
    # e-mails went out as one digest carrying each notice once.
    in_app = Delivery.objects.filter(channel=Channel.IN_APP).select_related("notice")
    assert sorted((d.notice_id, d.attempts) for d in in_app) == sorted((n.pk, 1) for n in notices)
    assert all(d.sent_at == d.notice.delivered_at for d in in_app)
    assert Counter(mailed_notice_ids(tmp_path / "mail")) == {n.pk: 1 for n in notices}
    assert len(os.listdir(tmp_path / "mail")) == 1
    assert set(Delivery.objects.values_list("in_digest", "suspected_duplicates")) == {
        (False, 0),
        (True, 0),
    }
    unread = pair.leader_client.get("/api/v1/notices/unread-count/")
    assert (unread.status_code, unread.data) == (200, {"unread": DECISIONS})
