"""Celery entry points for delegation: one line each into a service."""

from celery import shared_task

from apps.delegation import services


@shared_task(name="delegation.flag_overdue", ignore_result=True)
def flag_overdue() -> int:
    """Periodic: tell the leader once about each request past its due date."""
    return services.decisions_flag_overdue()
