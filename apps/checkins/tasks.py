"""Celery entry points for check-ins: one line each into a service. Names never change."""

from celery import shared_task

from apps.checkins import services


@shared_task(name="checkins.schedule_reminders", ignore_result=True)
def schedule_reminders() -> int:
    """Record the reminders whose lead time has come (idempotent per person and occurrence)."""
    return services.reminders_schedule()


@shared_task(name="checkins.carry_over", ignore_result=True)
def carry_over() -> int:
    """Carry the open agenda of ended occurrences to the next one (idempotent)."""
    return services.agenda_carry_over_due()


@shared_task(name="checkins.pull_decisions_onto_agendas", ignore_result=True)
def pull_decisions_onto_agendas() -> int:
    """Put the decisions flagged for the next check-in (outside authority, or unanswered after
    their reminder) on its agenda (idempotent: each request is cleared once)."""
    return services.agenda_pull_decisions()


@shared_task(name="checkins.remind_due_and_carry_overdue_action_items", ignore_result=True)
def remind_due_and_carry_overdue_action_items() -> int:
    """One reminder per action item when it falls due, never a second: after that, an overdue
    item goes onto the next check-in's agenda."""
    return services.action_items_remind_due() + services.action_items_overdue_to_agenda()


# The task's name until it said that it carries overdue items too: a message queued under it
# before an upgrade (a beat tick) still runs. Remove in the release after the rename.
@shared_task(name="checkins.remind_due_action_items", ignore_result=True)
def remind_due_action_items() -> int:
    """Deprecated alias of `remind_due_and_carry_overdue_action_items`, for messages queued
    under the old name."""
    return services.action_items_remind_due() + services.action_items_overdue_to_agenda()
