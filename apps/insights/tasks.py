"""Celery entry points for Insights: one line each into a service."""

from celery import shared_task

from apps.insights import services


@shared_task(name="insights.send_monthly_look_backs", ignore_result=True)
def send_monthly_look_backs() -> int:
    """Periodic (hourly): the monthly look back of each tandem whose first working day of the
    month has come, once per person and month."""
    return services.lookbacks_send()
