from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.checkins.models import ActionItem, AgendaItem, CheckInSeries, Occurrence, Retro
from apps.checkins.services import reminders_schedule
from apps.notifications.models import Channel, Delivery

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_weekly_series_with_history_and_an_upcoming_agenda() -> None:
    call_command("seed_demo", verbosity=0)

    series = CheckInSeries.objects.get(tandem__name="Lena & Alex", title="Weekly check-in")
    assert (series.rule, series.local_time.isoformat(), series.timezone) == (
        "FREQ=WEEKLY;BYDAY=MO",
        "09:00:00",
        "Europe/Berlin",
    )
    assert Occurrence.objects.filter(series=series, status="held").count() >= 4
    assert Retro.objects.filter(occurrence__series=series).count() >= 8
    # Besides the year of monthly commitments of the Insights demo (apps/insights/demo.py).
    ours = ActionItem.objects.filter(tandem=series.tandem).exclude(text__startswith="Monthly ")
    assert ours.count() == 5
    assert Occurrence.objects.get(series=series, status="scheduled").agenda.count() == 5
    assert (
        AgendaItem.objects.filter(occurrence__series=series, carried_from__isnull=False).count()
        == 1
    )


def test_a_reminder_of_the_demo_falls_due_within_two_minutes_of_seeding() -> None:
    """A first scripts/run shows the reminder flow: beat scans for reminders every minute
    there, and the inbox shows a notice when it falls due, whatever the person's hours."""
    before = timezone.now()
    call_command("seed_demo", verbosity=0)
    seeded = timezone.now()
    soon = CheckInSeries.objects.get(title="Quick sync before the client pitch")

    def reminded() -> dict[str, datetime]:
        return dict(
            Delivery.objects.filter(
                channel=Channel.IN_APP,
                notice__key__startswith=f"checkin:{soon.pk}:",
                notice__key__contains=":reminder:",
            ).values_list("notice__recipient__email", "deliver_at")
        )

    reminders_schedule(now=seeded)
    assert reminded() == {}  # not yet: it arrives while one watches
    reminders_schedule(now=seeded + timedelta(minutes=2))
    found = reminded()
    assert set(found) == {"lena@demo.tandem.local", "alex@demo.tandem.local"}
    for deliver_at in found.values():
        assert before + timedelta(minutes=1) < deliver_at <= seeded + timedelta(minutes=2)
    assert soon.tandem.name == "Lena & Alex"


def test_the_demo_reminder_moves_clear_of_the_weekly_check_in() -> None:
    """Seeded on a Monday morning it would overlap the weekly check-in: it moves an hour."""
    monday = datetime(2026, 3, 2, 7, 40, tzinfo=UTC)  # 08:40 in Berlin
    with time_machine.travel(monday, tick=False):
        call_command("seed_demo", verbosity=0)
        soon = CheckInSeries.objects.get(title="Quick sync before the client pitch")
        reminders_schedule(now=monday + timedelta(minutes=2))

    assert soon.local_time.isoformat() == "09:57:00"
    assert soon.reminder_lead == timedelta(minutes=75)
    assert Delivery.objects.filter(notice__key__startswith=f"checkin:{soon.pk}:").exists()


@pytest.mark.parametrize(
    "model", ["checkinseries", "occurrence", "agendaitem", "actionitem", "retro", "calendarfeed"]
)
def test_admin_lists_open_after_the_demo(model: str) -> None:
    call_command("seed_demo", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(email="admin@demo.tandem.local"))

    assert client.get(f"/admin/checkins/{model}/").status_code == 200


def test_seed_demo_shows_standing_points_private_notes_and_comments() -> None:
    from apps.checkins import selectors
    from apps.checkins.models import AgendaComment, PrivateNote, TalkingPoint

    call_command("seed_demo", verbosity=0)

    series = CheckInSeries.objects.get(tandem__name="Lena & Alex", title="Weekly check-in")
    coming = Occurrence.objects.get(series=series, status="scheduled")
    held = Occurrence.objects.filter(series=series, status="held").order_by("original_start")
    standing_now = [p.text for p in selectors.standing_points_for(series=series, occurrence=coming)]
    standing_then = [
        p.text for p in selectors.standing_points_for(series=series, occurrence=held.first())
    ]
    assert len(standing_now) == 4 and "Anything blocking you, or about to?" in standing_now
    assert "Anything blocking you?" in standing_then  # the past keeps its words
    assert TalkingPoint.objects.filter(series=series, retired_at__isnull=False).count() == 1
    assert PrivateNote.objects.filter(occurrence__series=series).count() == 3
    assert AgendaComment.objects.filter(item__occurrence=coming).count() == 2
    second = CheckInSeries.objects.get(title="Fortnightly planning")
    # Each template in its creator's language: Alex's English, Markus's German.
    assert standing_then[0] == "Priorities this week"
    assert list(TalkingPoint.objects.filter(series=second).values_list("text", flat=True))[:1] == [
        "Was hast du diesen Monat gelernt?"
    ]
    assert TalkingPoint.objects.filter(series=second).count() == 5
