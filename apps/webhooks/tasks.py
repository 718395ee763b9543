"""Celery entry points for webhooks: one line each into a service. Names are pinned (a test
checks them). No task retries itself: a failed try goes back to `pending` with a later
`deliver_at`, and a later dispatch pass picks it up."""

from celery import shared_task

from apps.webhooks import services


@shared_task(name="webhooks.dispatch", ignore_result=True)
def dispatch() -> None:
    services.dispatch()


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int, token: str) -> None:
    services.delivery_send(delivery_id=delivery_id, token=token)
