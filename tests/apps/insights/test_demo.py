"""The demo gives every chart of Lena & Alex's Insights page something to say: a year of
appreciation, action items kept and late, requests answered, safety topics raised by both and
the Calendar area raised over the year, consistent with the matrix in force."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from apps.checkins.models import ActionItem, AgendaItem, AgendaKind
from apps.delegation.models import Decision, MatrixChange, MatrixChangeKind
from apps.feedback.models import Appreciation
from apps.insights import periods, selectors
from apps.insights.models import LookBack
from apps.notifications.models import Notice
from apps.tandems.models import Membership, Tandem

pytestmark = pytest.mark.django_db


def test_a_year_of_history_for_every_chart() -> None:
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    year_ago = timezone.now() - timedelta(days=330)
    old = {"tandem": tandem, "created_at__lt": year_ago}
    assert Appreciation.objects.filter(**old).exists()
    kept = ActionItem.objects.filter(tandem=tandem, due_date__lt=year_ago.date())
    assert set(kept.values_list("kept", flat=True)) == {True, False}
    answered = Decision.objects.filter(tandem=tandem, decided_at__lt=year_ago)
    assert answered.exclude(answered_at=None).count() >= 2
    safety = AgendaItem.objects.filter(
        occurrence__series__tandem=tandem,
        kind__in=[AgendaKind.DISAGREEMENT, AgendaKind.MISTAKE_LEARNING],
        occurrence__original_start__lt=year_ago,
    )
    assert safety.values("author_id").annotate(n=Count("id")).count() == 2  # both raise them
    changes = MatrixChange.objects.filter(
        tandem=tandem,
        kind=MatrixChangeKind.UPDATED,
        changed_at__lt=timezone.now() - timedelta(days=30),
    )
    assert changes.count() >= 2
    # The terms in force follow on: old of each change is new of the one before.
    calendar = changes.first().area  # type: ignore[union-attr]
    chain = list(
        MatrixChange.objects.filter(area=calendar, kind__in=["created", "updated"]).order_by(
            "changed_at", "id"
        )
    )
    for before, after in pairwise(chain):
        assert after.old == before.new

    # Last month's look back is there for both, with its suggestion.
    assert LookBack.objects.filter(tandem=tandem).count() == 2
    assert Notice.objects.filter(tandem=tandem, kind="insights.monthly").count() == 2

    membership = Membership.objects.filter(tandem=tandem).first()
    assert membership is not None
    today = periods.today_in(tandem.timezone)
    first, last = periods.default_range(today)
    found = selectors.insights_for(membership=membership, first=first, last=last)
    appreciation = found.figure("appreciation_sent")
    assert all(
        any(v for v in s.values[:-1]) for s in appreciation.series
    )  # every person, some month
