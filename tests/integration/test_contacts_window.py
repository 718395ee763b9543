"""The weekly communication window on the real parts: PostgreSQL, Redis and a Celery worker.

A person's window opened two minutes ago. The scan and the dispatcher run through the broker
twice each (an overlapping beat tick): the person gets exactly one e-mail, with their few
suggestions. And two schedulers scanning at once on PostgreSQL announce each window once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.contacts import services
from apps.contacts.models import ContactPreferences, ContactWindow
from apps.contacts.tasks import announce_windows
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.tasks import dispatch
from devtools.mail import mailed_notice_ids
from devtools.processes import celery, running, wait_for
from tests.factories import UserFactory
from tests.factories.contacts import log_touch, make_contact
from tests.integration.workers import succeeded, worker_env

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def _person_whose_window_opened(minutes_ago: int = 2) -> User:
    """A person (UTC, no quiet hours) whose weekly window opened `minutes_ago`, scheduled as
    the scan of the week before left it."""
    opening = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    end = min(
        datetime.combine(opening.date(), time(23, 59)),
        opening.replace(tzinfo=None) + timedelta(minutes=20),
    ).time()
    person = UserFactory(
        timezone="UTC",
        quiet_hours_start=None,
        quiet_hours_end=None,
        window_weekday=opening.weekday(),
        window_start=opening.time(),
        window_end=end if end > opening.time() else time(23, 59, 59),
    )
    services.preferences_update(user=person)  # as their first contact does
    services.windows_reschedule(user=person, now=opening - timedelta(days=1))
    assert ContactPreferences.objects.get(user=person).next_window_at == opening
    return person


def _overdue(person: User, name: str, weeks: int) -> None:
    contact = make_contact(person, name, rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42)
    log_touch(contact, datetime.now(UTC).date() - timedelta(weeks=weeks))


def test_an_opened_window_reaches_the_person_in_one_email_with_its_suggestions(
    tmp_path: Path,
) -> None:
    person = _person_whose_window_opened()
    for weeks, name in ((8, "Ada Lovelace"), (10, "Grace Hopper"), (12, "Alan Turing")):
        _overdue(person, name, weeks)
    log = tmp_path / "worker.log"
    command = celery(
        "worker", "--without-mingle", "--without-gossip", "--loglevel=INFO", "--concurrency=2"
    )

    with running("worker", command, worker_env(tmp_path), tmp_path):
        scans = [announce_windows.delay().id, announce_windows.delay().id]
        wait_for(lambda: succeeded(log, scans), timeout=25, what="both window scans")
        passes = [dispatch.delay().id, dispatch.delay().id]
        wait_for(lambda: succeeded(log, passes), timeout=15, what="both dispatch passes")
        wait_for(
            lambda: (
                Delivery.objects.exists()
                and not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
            ),
            timeout=10,
            what="the worker to deliver the window's notice",
        )

    notice = Notice.objects.get()
    assert (notice.recipient_id, notice.kind) == (person.pk, "contacts.window")
    assert Counter(Delivery.objects.values_list("notice_id", "channel", "state", "attempts")) == {
        (notice.pk, channel, DeliveryState.SENT, 1): 1 for channel in Channel
    }
    assert Counter(mailed_notice_ids(tmp_path / "mail")) == {notice.pk: 1}
    mail_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "mail").iterdir())
    # The default two, the longest silent first, each with its reason; not the third.
    assert "Alan Turing: Last touch 12 weeks ago; at the latest every 6 weeks" in mail_text
    assert "Grace Hopper: Last touch 10 weeks ago; at the latest every 6 weeks" in mail_text
    assert "Ada Lovelace" not in mail_text
    assert ContactWindow.objects.filter(user=person).count() == 1


def test_two_schedulers_scanning_at_once_announce_each_window_once() -> None:
    people = [_person_whose_window_opened() for _ in range(12)]
    for person in people:
        _overdue(person, "Dana Weiss", 10)
    barrier = threading.Barrier(3)
    counts: list[int] = []

    def scan() -> None:
        barrier.wait()
        try:
            counts.append(services.windows_announce(batch=5))
            counts.append(services.windows_announce(batch=5))
            counts.append(services.windows_announce(batch=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(counts) == len(people)
    assert Counter(
        Notice.objects.filter(kind="contacts.window").values_list("recipient_id", flat=True)
    ) == {person.pk: 1 for person in people}
    assert ContactWindow.objects.count() == len(people)
