"""Demo data: a weekly Monday 09:00 Berlin check-in for Lena & Alex, with a few weeks of
history (notes, retros, action items) and upcoming agendas."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.checkins import services
from apps.checkins.models import Occurrence, OccurrenceStatus, Retro
from apps.checkins.recurrence import next_occurrences
from apps.core.demo import Demo


def seed(demo: Demo) -> None:
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    now = timezone.now()
    today = now.astimezone(ZoneInfo("Europe/Berlin")).date()
    first_monday = today - timedelta(days=today.weekday() + 28)  # four weeks of history
    series = services.series_create(
        membership=lena,
        title="Weekly check-in",
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[0]),
        start_date=first_monday,
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=45),
        reminder_lead=timedelta(hours=2),
    )
    starts = next_occurrences(series.schedule, now - timedelta(days=35), 8)
    past = [start for start in starts if start + series.duration < now]
    upcoming = [start for start in starts if start > now]

    # The past is written directly (the services refuse to backdate retros and notes).
    for week, start in enumerate(past):
        row = Occurrence.objects.create(
            series=series,
            original_start=start,
            status=OccurrenceStatus.HELD,
            notes=f"Week {week + 1}: calendar review, vendor status, travel for next month.",
        )
        for membership, rating, help_text in (
            (lena, 3 + week % 3, ""),
            (alex, 4 - week % 2, "Agree the agenda a day earlier."),
        ):
            Retro.objects.create(
                occurrence=row,
                member_id=membership.user_id,
                effectiveness=min(rating, 5),
                what_would_help=help_text,
            )
    for text, owner, due_days, done in (
        ("Batch internal meetings into Tuesday and Thursday afternoons", alex, -10, True),
        ("Send the offsite options to the team", lena, -3, False),
        ("Compare three cleaning vendors", alex, 5, False),
    ):
        item = services.action_item_create(
            membership=lena,
            text=text,
            owner_id=owner.user_id,
            due_date=today + timedelta(days=due_days),
        )
        if done:
            services.action_item_update(membership=alex, item_id=item.pk, status="done")

    if upcoming:
        for membership, kind, text in (
            (alex, "decision_needed", "New travel agency: may I switch within the policy?"),
            (lena, "priority", "Client pitch on Thursday comes first this week"),
            (alex, "mistake_learning", "Double-booked the meeting room: what we change"),
            (lena, "question", "How is the vendor comparison going?"),
        ):
            services.agenda_item_add(
                membership=membership,
                series_id=series.pk,
                start=upcoming[0],
                kind=kind,
                text=text,
            )
