"""The notifications engine on the real parts: PostgreSQL, Redis, Celery worker and beat.

Each test records notices, lets real processes deliver them, and then counts effects in the
database (in-app) and in the files the e-mail backend wrote (e-mail).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from apps.accounts.models import User
from apps.notifications import services
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from devtools.mail import mailed_notice_ids
from devtools.processes import base_env, celery, running, wait_for
from tests.factories import UserFactory
from tests.factories.notifications import notice_for

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

PEOPLE = 100
PER_PERSON = 2  # below the digest threshold: one e-mail per notice


def record_notices() -> list[Notice]:
    people = UserFactory.create_batch(PEOPLE)
    return [notice_for(person) for person in people for _ in range(PER_PERSON)]


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.local",
        DEBUG="false",
        REDIS_URL=settings.CELERY_BROKER_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        EMAIL_BACKEND="devtools.mail.SlowFileBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        TANDEM_VAR_DIR=str(tmp_path),
        **extra,
    )


def worker(*options: str) -> list[str]:
    return celery("worker", "--without-mingle", "--without-gossip", "--loglevel=INFO", *options)


def all_finished() -> bool:
    return not Delivery.objects.exclude(state=DeliveryState.SENT).exists()


def assert_each_delivered_once(notices: list[Notice], mail_dir: Path) -> None:
    ids = {n.pk for n in notices}
    deliveries = Delivery.objects.filter(notice__in=ids)
    assert Counter(deliveries.values_list("channel", "state")) == {
        (Channel.IN_APP, DeliveryState.SENT): len(ids),
        (Channel.EMAIL, DeliveryState.SENT): len(ids),
    }
    assert Notice.objects.filter(pk__in=ids, delivered_at__isnull=False).count() == len(ids)
    # In-app: one transition to sent per notice, and the inbox time is that transition's.
    in_app = deliveries.filter(channel=Channel.IN_APP).select_related("notice")
    assert all(d.sent_at == d.notice.delivered_at for d in in_app)
    mailed = Counter(mailed_notice_ids(mail_dir))
    assert set(mailed) == ids  # nothing lost
    extra = sum(mailed.values()) - len(ids)
    suspected = sum(deliveries.values_list("suspected_duplicates", flat=True))
    assert extra <= suspected  # an e-mail may repeat only where a lease ran out mid-send


def test_beat_and_a_worker_deliver_a_batch_exactly_once(tmp_path: Path) -> None:
    notices = record_notices()
    env = worker_env(tmp_path, TANDEM_NOTIFICATIONS_DISPATCH_SECONDS="1")
    beat = celery("beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat-schedule'}")

    with (
        running("worker", worker("--concurrency=4"), env, tmp_path),
        running("beat", beat, env, tmp_path),
    ):
        wait_for(all_finished, timeout=50, what="the worker to deliver every notice")
        time.sleep(2)  # two more dispatch ticks: nothing may be delivered again

    assert_each_delivered_once(notices, tmp_path / "mail")
    assert Counter(mailed_notice_ids(tmp_path / "mail")) == {n.pk: 1 for n in notices}
    assert set(Delivery.objects.values_list("attempts", "suspected_duplicates")) == {(1, 0)}


def test_two_dispatchers_at_once_claim_every_delivery_once(tmp_path: Path) -> None:
    notices = record_notices()
    start = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]

    def dispatch_loop(slot: int) -> None:
        try:
            start.wait()
            while True:
                result = services.dispatch(batch=25)
                claimed[slot].append(result.claimed)
                if (
                    result.claimed == 0
                    and not Delivery.objects.filter(state=DeliveryState.PENDING).exists()
                ):
                    return
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatch_loop, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=40)
    assert not any(thread.is_alive() for thread in threads)

    # Both loops took rows, and together they claimed each delivery exactly once.
    assert sum(claimed[0]) > 0 and sum(claimed[1]) > 0
    assert sum(claimed[0]) + sum(claimed[1]) == 2 * len(notices)

    with running("worker", worker("--concurrency=4"), worker_env(tmp_path), tmp_path):
        wait_for(all_finished, timeout=50, what="the worker to deliver every notice")
    assert_each_delivered_once(notices, tmp_path / "mail")
    assert sum(Delivery.objects.values_list("suspected_duplicates", flat=True)) == 0


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    notices = record_notices()
    lease = timedelta(seconds=4)
    env = worker_env(tmp_path, NOTIFICATIONS_TEST_SEND_SECONDS="0.02")
    total = 2 * len(notices)

    assert services.dispatch(lease=lease).claimed == total
    with running("worker-1", worker("--concurrency=2"), env, tmp_path) as first:
        # In-app deliveries are enqueued first; kill while the slow e-mails are going out.
        wait_for(
            lambda: (
                Delivery.objects.filter(channel=Channel.EMAIL, state=DeliveryState.SENT).count()
                >= len(notices) // 5
            ),
            timeout=40,
            what="the first worker to be in the middle of the batch",
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    left = Delivery.objects.exclude(state=DeliveryState.SENT).count()
    assert 0 < left < total  # killed in the middle, with work still claimed

    with running("worker-2", worker("--concurrency=2"), env, tmp_path):
        deadline = time.monotonic() + 45
        released = 0
        while not all_finished():
            assert time.monotonic() < deadline, "deliveries were lost"
            # Sweeps the leases of what the dead worker held, and claims it again.
            released += services.dispatch(lease=lease).released
            time.sleep(1)

    assert released > 0
    assert_each_delivered_once(notices, tmp_path / "mail")
    assert User.objects.count() == PEOPLE


def test_two_transactions_notifying_the_same_subject_record_one_notice() -> None:
    person = UserFactory()
    inserted, results = threading.Event(), []

    def notify_in_transaction(hold: float) -> None:
        try:
            with transaction.atomic():
                results.append(notice_for(person, key="consult:7").pk)
                inserted.set()
                time.sleep(hold)  # the second one's insert waits on the unique index
        finally:
            connection.close()

    first = threading.Thread(target=notify_in_transaction, args=(0.5,))
    first.start()
    assert inserted.wait(timeout=10)
    second = threading.Thread(target=notify_in_transaction, args=(0,))
    second.start()
    first.join(timeout=10)
    second.join(timeout=10)

    notice = Notice.objects.get(recipient=person)
    assert results == [notice.pk, notice.pk]
    assert Delivery.objects.filter(notice=notice).count() == 2
