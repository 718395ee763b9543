"""Feedback reminders on the real parts: PostgreSQL, Redis and a Celery worker process.

A cycle has just opened; the assistant has already submitted, the leader has not. The scan
and the dispatcher run through the broker twice each (an overlapping beat tick): only the
leader gets the "open" reminder, once, delivered once on each channel."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from apps.feedback import services
from apps.feedback.tasks import remind_and_close_cycles
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.tasks import dispatch
from devtools.mail import mailed_notice_ids
from devtools.processes import celery, running, wait_for
from tests.factories import TandemFactory, UserFactory
from tests.factories.feedback import full_answers, make_cycle
from tests.integration.workers import succeeded, worker_env

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def test_only_the_member_who_has_not_submitted_is_reminded_once(tmp_path: Path) -> None:
    quiet = {"quiet_hours_start": None, "quiet_hours_end": None, "window_weekday": None}
    leader, assistant = UserFactory(**quiet), UserFactory(**quiet)
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    leader_seat = tandem.memberships.get(user=leader)
    cycle = make_cycle(leader_seat, opens_at=datetime.now(UTC) - timedelta(minutes=1), days=5)
    services.entry_submit(
        membership=tandem.memberships.get(user=assistant),
        cycle_id=cycle.pk,
        answers=full_answers(cycle),
    )
    log = tmp_path / "worker.log"
    command = celery(
        "worker", "--without-mingle", "--without-gossip", "--loglevel=INFO", "--concurrency=2"
    )

    with running("worker", command, worker_env(tmp_path), tmp_path):
        scans = [remind_and_close_cycles.delay().id, remind_and_close_cycles.delay().id]
        wait_for(lambda: succeeded(log, scans), timeout=25, what="both reminder scans")
        passes = [dispatch.delay().id, dispatch.delay().id]
        wait_for(lambda: succeeded(log, passes), timeout=15, what="both dispatch passes")
        wait_for(
            lambda: (
                Delivery.objects.exists()
                and not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
            ),
            timeout=10,
            what="the worker to deliver the reminder",
        )

    notice = Notice.objects.get()
    assert (notice.recipient_id, notice.kind, notice.key) == (
        leader.pk,
        "feedback.opened",
        f"feedback:{cycle.pk}:opened:{leader.pk}",
    )
    assert Counter(Delivery.objects.values_list("notice_id", "channel", "state", "attempts")) == {
        (notice.pk, channel, DeliveryState.SENT, 1): 1 for channel in Channel
    }
    assert Counter(mailed_notice_ids(tmp_path / "mail")) == {notice.pk: 1}
