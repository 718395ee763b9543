"""Celery entry points for contact care: one line each into a service."""

from celery import shared_task

from apps.contacts import services


@shared_task(name="contacts.announce_windows", ignore_result=True)
def announce_windows() -> int:
    """Periodic: the weekly windows that have opened get their few suggestions, once (and
    while a crowd is due, the next pass follows at once)."""
    return services.windows_announce(follow_up=True)
