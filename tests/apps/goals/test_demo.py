"""The demo shows goals with progress and check-ins, what was done for them this quarter, and
one reminder Lena asked for on her review queue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.delegation.models import ReviewReminder
from apps.notifications.models import Delivery
from apps.tandems.models import Goal, GoalCheckIn, Tandem
from apps.tandems.selectors import goal_progress, goals_with_progress

pytestmark = pytest.mark.django_db


def test_the_demo_shows_goal_progress_check_ins_and_a_reminder(client: Client) -> None:
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    goals = {g.title: g for g in goals_with_progress(tandem=tandem)}
    calendar = goals["Free Lena's calendar for client work"]
    vendors = goals["Vendors managed end to end"]
    assert (calendar.measure, calendar.current_value, goal_progress(calendar)) == (
        "number",
        Decimal(7),
        62,
    )
    assert (vendors.milestones_done, vendors.milestones_total, goal_progress(vendors)) == (2, 4, 50)
    assert GoalCheckIn.objects.filter(goal=calendar).count() == 3
    assert calendar.action_items.exists() and vendors.agenda_items.exists()

    reminder = ReviewReminder.objects.get()
    assert reminder.user.email == "lena@demo.tandem.local"
    pending = Delivery.objects.filter(notice__key=reminder.notice_key, state="pending").count()
    assert pending == 2

    client.force_login(reminder.user)
    today = timezone.localdate()
    days = {"from": str(today - timedelta(days=60)), "to": str(today)}
    page = client.get(f"/t/{tandem.pk}/goals/{calendar.pk}/", days).content.decode()
    assert "62 %" in page and "Two new recurring meetings crept in" in page
    assert Goal.objects.filter(tandem=tandem, measure="none").count() == 1
