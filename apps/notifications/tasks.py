"""Celery entry points for notifications: one line each into a service.

The names are pinned (a test checks them): queued messages and the beat schedule refer to
them, so renaming a function must never rename a task. No task retries itself with a
countdown: a failed e-mail goes back to `pending` with a later `deliver_at`, and the next
dispatch pass picks it up.
"""

from typing import Any

from celery import Task, shared_task
from celery.signals import task_prerun
from django.db import close_old_connections

from apps.notifications import services


@task_prerun.connect
def _reuse_database_connections(sender: Task | None = None, **_: Any) -> None:
    """Before every task in a worker, what Django does before every request: drop a
    connection that is broken or older than DATABASE_CONN_MAX_AGE, keep the others.

    Celery's own fix-up would close it around every task (a new PostgreSQL connection per
    delivery chunk, a third of the worker's time); CELERY_DB_REUSE_MAX turns that off.
    Eager tasks (tests) run inside the caller's transaction and are left alone.
    """
    if sender is not None and not getattr(sender.request, "is_eager", False):
        close_old_connections()


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch() -> None:
    """The one periodic task: sweep expired leases, claim what is due, enqueue deliveries
    (and, while a backlog lasts, the next pass behind them)."""
    services.dispatch(follow_up=True)


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver(delivery_id: int, token: str) -> None:
    services.delivery_send(delivery_id=delivery_id, token=token)


@shared_task(name="notifications.deliver_digest", ignore_result=True)
def deliver_digest(recipient_id: int, token: str) -> None:
    services.digest_send(recipient_id=recipient_id, token=token)


@shared_task(name="notifications.deliver_many", ignore_result=True)
def deliver_many(delivery_ids: list[int], token: str) -> None:
    """A chunk of one pass's deliveries (a backlog), in a few queries."""
    services.deliveries_send(delivery_ids=delivery_ids, token=token)


@shared_task(name="notifications.deliver_in_app", ignore_result=True)
def deliver_in_app(delivery_ids: list[int], token: str) -> None:
    """The in-app deliveries of one pass (a backlog), in a few statements."""
    services.in_app_deliveries_send(delivery_ids=delivery_ids, token=token)
