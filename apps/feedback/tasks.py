"""Celery entry points for feedback: one line each into a service."""

from celery import shared_task

from apps.feedback import services


@shared_task(name="feedback.remind_and_close_cycles", ignore_result=True)
def remind_and_close_cycles() -> int:
    """Periodic: open/closing reminders to non-submitters, and closing cycles past grace."""
    return services.reminders_send()


# The task's name until it said that it closes cycles too: a message queued under it before
# an upgrade (a beat tick) still runs. Remove in the release after the rename.
@shared_task(name="feedback.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Deprecated alias of `remind_and_close_cycles`, for messages queued under the old name."""
    return services.reminders_send()
