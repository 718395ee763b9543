"""The demo tandem gets revealed cycles with trends and one open cycle; the admin renders."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.feedback.models import Appreciation, FeedbackCycle, FeedbackEntry
from apps.feedback.selectors import history_of, trends_of
from apps.insights.demo import THANKS as INSIGHTS_THANKS
from apps.tandems.models import Membership

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_revealed_cycles_with_trends_and_one_open_cycle() -> None:
    call_command("seed_demo", stdout=None)
    lena = Membership.objects.get(user__email="lena@demo.tandem.local", role="leader")
    cycles = FeedbackCycle.objects.filter(tandem=lena.tandem)
    assert cycles.filter(revealed_at__isnull=False, closed_at__isnull=False).count() == 3
    assert [c.title for c in cycles.filter(closed_at__isnull=True)] == ["Start, stop, continue"]
    trends = trends_of(membership=lena)
    assert len(trends) == 10 and all(len(t.points) == 3 for t in trends)
    _rows, totals = history_of(membership=lena)
    assert sorted(tuple(c.values()) for c in totals.values()) == [(2, 1, 0), (3, 0, 0)]
    assert FeedbackEntry.objects.filter(status="draft").count() == 1
    # Besides the year of thank-yous of the Insights demo (apps/insights/demo.py).
    thanks = (
        Appreciation.objects.exclude(text__in=INSIGHTS_THANKS)
        .order_by("id")
        .values_list("author__email", "recipient__email", "text")
    )
    assert list(thanks) == [
        (
            "lena@demo.tandem.local",
            "alex@demo.tandem.local",
            "Thank you for rescuing the Vienna trip on short notice.",
        ),
        (
            "alex@demo.tandem.local",
            "lena@demo.tandem.local",
            "Thank you for letting me choose the vendors myself.",
        ),
    ]


def test_the_admin_pages_render_for_staff() -> None:
    call_command("seed_demo", stdout=None)
    admin = User.objects.filter(is_staff=True, is_superuser=True).first()
    client = Client()
    client.force_login(admin)
    cycle = FeedbackCycle.objects.first()
    entry = FeedbackEntry.objects.first()
    for path in (
        "/admin/feedback/feedbackcycle/",
        f"/admin/feedback/feedbackcycle/{cycle.pk}/change/",
        "/admin/feedback/feedbackentry/",
        f"/admin/feedback/feedbackentry/{entry.pk}/change/",
        "/admin/feedback/appreciation/",
    ):
        assert client.get(path).status_code == 200, path
