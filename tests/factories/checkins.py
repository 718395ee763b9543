"""Check-in series obey rules (the rule, first and last date agree), so helpers call services."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from apps.checkins import services
from apps.checkins.models import CheckInSeries
from apps.tandems.models import Membership


def series_for(
    membership: Membership,
    *,
    title: str = "Weekly check-in",
    frequency: str = "weekly",
    weekdays: tuple[int, ...] = (0,),
    start_date: date = date(2026, 3, 2),
    local_time: time = time(9, 0),
    timezone_name: str = "Europe/Berlin",
    duration: timedelta = timedelta(minutes=30),
    reminder_lead: timedelta = timedelta(hours=1),
    **recurrence: Any,
) -> CheckInSeries:
    """A series created through the service: weekly on Mondays at 09:00 Berlin by default."""
    return services.series_create(
        membership=membership,
        title=title,
        recurrence=services.recurrence_build(frequency=frequency, weekdays=weekdays, **recurrence),
        start_date=start_date,
        local_time=local_time,
        timezone_name=timezone_name,
        duration=duration,
        reminder_lead=reminder_lead,
    )
