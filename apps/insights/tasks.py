"""Celery entry points for Insights: one line each into a service."""

from celery import shared_task

from apps.insights import rollup, services


@shared_task(name="insights.send_monthly_look_backs", ignore_result=True)
def send_monthly_look_backs() -> int:
    """Periodic (hourly): the monthly look back of each tandem whose first working day of the
    month has come, once per person and month."""
    return services.lookbacks_send()


@shared_task(name="insights.roll_up_months", ignore_result=True)
def roll_up_months() -> int:
    """Periodic (hourly by default, `TANDEM_INSIGHTS_ROLLUP_SECONDS`): every tandem's closed
    months counted again and kept as rows, so the Insights of a long range read one row per
    month (safe to run twice)."""
    return rollup.roll_up()
