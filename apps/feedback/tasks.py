"""Celery entry points for feedback: one line each into a service."""

from celery import shared_task

from apps.feedback import services


@shared_task(name="feedback.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Periodic: open/closing reminders to non-submitters, and closing cycles past grace."""
    return services.reminders_send()
