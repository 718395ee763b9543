"""Demo data: goals that show progress. Lena & Alex measure the calendar goal by a number
(internal meeting hours a week, down from 12 to 4) and the vendor goal by milestones; both
check in on them, and some action and agenda items of their check-ins work towards them.
Lena has asked to be reminded of one item of her review queue tomorrow."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.checkins.models import ActionItem, AgendaItem
from apps.core.demo import Demo
from apps.delegation import services as delegation_services
from apps.delegation.models import NEEDS_ACTION, Decision
from apps.goals.services import goal_checkin_add
from apps.tandems import services as tandem_services
from apps.tandems.models import Goal, GoalCheckIn, GoalMilestone

CALENDAR = "Free Lena's calendar for client work"
VENDORS = "Vendors managed end to end"


def seed(demo: Demo) -> None:
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    goals = {g.title: g for g in Goal.objects.filter(tandem=demo.tandems["main"])}
    now = timezone.now()

    calendar = tandem_services.goal_update(
        membership=lena,
        goal_id=goals[CALENDAR].pk,
        measure="number",
        start_value=Decimal(12),
        target_value=Decimal(4),
        unit="internal h/week",
    )
    for days_ago, membership, text, confidence, value in (
        (
            20,
            alex,
            "Internal meetings are batched into Tuesday and Thursday afternoons: 9 hours "
            "this week.",
            "on_track",
            Decimal(9),
        ),
        (12, lena, "Two client days in a row without interruptions. Keep going.", "on_track", None),
        (
            3,
            alex,
            "Two new recurring meetings crept in; down to 7, but at risk of creeping back.",
            "at_risk",
            Decimal(7),
        ),
    ):
        checkin = goal_checkin_add(
            membership=membership,
            goal_id=calendar.pk,
            text=text,
            confidence=confidence,
            value=value,
        )
        GoalCheckIn.objects.filter(pk=checkin.pk).update(created_at=now - timedelta(days=days_ago))

    vendors = tandem_services.goal_update(
        membership=lena, goal_id=goals[VENDORS].pk, measure="milestones"
    )
    for title, done_days_ago in (
        ("List every office vendor with contract and contact", 25),
        ("All contracts in one shared folder", 9),
        ("Alex approves vendor invoices up to the limit", None),
        ("First quarterly vendor review", None),
    ):
        milestone = tandem_services.goal_milestone_add(
            membership=lena, goal_id=vendors.pk, title=title
        )
        if done_days_ago is not None:
            tandem_services.goal_milestone_update(
                membership=alex, milestone_id=milestone.pk, done=True
            )
            GoalMilestone.objects.filter(pk=milestone.pk).update(
                done_at=now - timedelta(days=done_days_ago)
            )
    goal_checkin_add(
        membership=alex,
        goal_id=vendors.pk,
        text="Half the milestones are done; the cleaning vendor comparison is next.",
        confidence="on_track",
    )

    # What the check-ins agreed that works towards the goals.
    tandem_id = demo.tandems["main"].pk
    for model, field, text, goal in (
        (ActionItem, "tandem_id", "Batch internal meetings", calendar),
        (ActionItem, "tandem_id", "Compare three cleaning vendors", vendors),
        (AgendaItem, "occurrence__series__tandem_id", "How is the vendor comparison", vendors),
        (AgendaItem, "occurrence__series__tandem_id", "Client pitch on Thursday", calendar),
    ):
        model.objects.filter(**{field: tandem_id, "text__startswith": text}).update(goal=goal)

    # Lena's own "remind me tomorrow" on the oldest item of her review queue.
    waiting = (
        Decision.objects.filter(tandem_id=tandem_id, status__in=NEEDS_ACTION)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is not None:
        delegation_services.decision_remind_me(membership=lena, decision_id=waiting.pk)
