"""Notices obey rules (idempotency, delivery times), so the helpers call the services."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import time_machine
from django.test import TestCase
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.services import DispatchResult, dispatch, notify
from apps.tandems.models import Tandem
from tandem.celery import app

_keys = itertools.count(1)


def notice_for(recipient: User, tandem: Tandem | None = None, **fields: Any) -> Notice:
    """A recorded (not yet delivered) notice with a fresh key."""
    n = next(_keys)
    fields.setdefault("kind", "checkin_reminder")
    fields.setdefault("key", f"test:{n}")
    fields.setdefault("title", f"Notice {n}")
    return notify(recipient=recipient, tandem=tandem, **fields)


def delivered_notice(
    recipient: User, tandem: Tandem | None = None, *, at: datetime | None = None, **fields: Any
) -> Notice:
    """A notice already in the person's inbox (its in-app delivery sent at `at`)."""
    notice = notice_for(recipient, tandem, **fields)
    at = at or timezone.now()
    Delivery.objects.filter(notice=notice, channel=Channel.IN_APP).update(
        state=DeliveryState.SENT, sent_at=at, finished_at=at, attempts=1
    )
    Notice.objects.filter(pk=notice.pk).update(delivered_at=at)
    notice.refresh_from_db()
    return notice


def deliver_due(at: datetime) -> DispatchResult:
    """One dispatch pass at the frozen instant `at`, its deliveries run in this process as a
    worker would run them after the claim commits (for tests outside the notifications app,
    which has the `run_pass` fixture)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with time_machine.travel(at, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
            return dispatch()
    finally:
        app.conf.task_always_eager = eager
