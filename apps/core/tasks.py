from celery import shared_task

from apps.core import services


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat's proof of life, recorded by a worker: both must run for it to move."""
    services.heartbeat_record(name="beat")
