"""Check-in reminders on the real parts: PostgreSQL, Redis and a Celery worker process.

The scan and the dispatcher are triggered through the broker, each twice (as a beat tick
that overlaps a retry would), on real time, since no clock can be frozen across processes:
a series whose next occurrence starts in about 40 minutes and is reminded one hour ahead.
Every member then has exactly one reminder for that occurrence, delivered once on each
channel; a paused member has none."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import User
from apps.checkins import rules
from apps.checkins.models import CheckInSeries
from apps.checkins.tasks import schedule_reminders
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.tasks import dispatch
from devtools.mail import mailed_notice_ids
from devtools.processes import celery, running, wait_for
from tests.factories import TandemFactory, UserFactory
from tests.factories.checkins import series_for
from tests.integration.workers import succeeded, worker_env

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

ZONE = "Europe/Berlin"
LEAD = timedelta(hours=1)
AHEAD = timedelta(minutes=40)  # inside the lead: the reminder is due now


def person(**extra: object) -> User:
    # No quiet hours, no weekly window: the reminder may go out the moment it is due.
    return UserFactory(quiet_hours_start=None, quiet_hours_end=None, window_weekday=None, **extra)


def series_starting_soon(tandem_members: tuple[User, User]) -> tuple[CheckInSeries, datetime]:
    """A daily series of a new tandem whose next occurrence starts about 40 minutes from now."""
    leader, assistant = tandem_members
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    local = (datetime.now(UTC) + AHEAD).astimezone(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
    series = series_for(
        tandem.memberships.get(user=leader),
        frequency="daily",
        weekdays=(),
        start_date=local.date(),
        local_time=local.time().replace(tzinfo=None),
        timezone_name=ZONE,
        reminder_lead=LEAD,
    )
    start = local.astimezone(UTC)
    assert timedelta(minutes=30) < start - datetime.now(UTC) < LEAD  # not in a DST gap
    return series, start


def test_each_member_gets_one_reminder_delivered_once_through_a_real_worker(
    tmp_path: Path,
) -> None:
    leader, assistant = person(), person()
    series, start = series_starting_soon((leader, assistant))
    other_leader = person()
    away = person(paused_from=datetime.now(UTC) - timedelta(days=1))
    other_series, other_start = series_starting_soon((other_leader, away))
    log = tmp_path / "worker.log"
    command = celery(
        "worker", "--without-mingle", "--without-gossip", "--loglevel=INFO", "--concurrency=2"
    )

    # Bounded: the waits add up to 50 s; stopping the worker takes a second or two.
    with running("worker", command, worker_env(tmp_path), tmp_path):
        scans = [schedule_reminders.delay().id, schedule_reminders.delay().id]
        wait_for(lambda: succeeded(log, scans), timeout=25, what="both reminder scans")
        dispatches = [dispatch.delay().id, dispatch.delay().id]
        wait_for(lambda: succeeded(log, dispatches), timeout=15, what="both dispatch passes")
        wait_for(
            lambda: (
                Delivery.objects.exists()
                and not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
            ),
            timeout=10,
            what="the worker to deliver every reminder",
        )

    expected = [
        (user.pk, f"checkin:{s.pk}:{rules.occurrence_key(at)}:reminder:{user.pk}")
        for s, at, users in (
            (series, start, (leader, assistant)),
            (other_series, other_start, (other_leader,)),
        )
        for user in users
    ]
    notices = Notice.objects.filter(kind="checkin_reminder")
    assert sorted(notices.values_list("recipient_id", "key")) == sorted(expected)
    assert not Notice.objects.exclude(kind="checkin_reminder").exists()
    assert not Notice.objects.filter(recipient=away).exists()
    assert all(n.delivered_at is not None and n.not_after in (start, other_start) for n in notices)
    assert Counter(Delivery.objects.values_list("notice_id", "channel", "state", "attempts")) == {
        (notice_id, channel, DeliveryState.SENT, 1): 1
        for notice_id in notices.values_list("pk", flat=True)
        for channel in Channel
    }
    assert Counter(mailed_notice_ids(tmp_path / "mail")) == {n.pk: 1 for n in notices}
