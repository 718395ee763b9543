"""Reads about one goal across the capabilities: "what did we do for this goal this quarter".

A goal lives in `apps.tandems` (a foundation); the decisions, areas, action items and agenda
items that link to it live in the capabilities above. This app sits above them (the layers in
docs/architecture.md) and gathers them, always starting from the person's seat, so another
tandem's goal is a 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.checkins.models import ActionItem, AgendaItem
from apps.core.errors import DomainError, NotFound
from apps.delegation.models import Decision, DecisionArea
from apps.insights.periods import local_midnight
from apps.tandems.models import Goal, GoalCheckIn, GoalMilestone, Membership
from apps.tandems.selectors import goal_progress, goals_with_progress

# The longest range one report may cover, and how many rows of each kind it lists (the
# newest; `GoalReport.more` says which kinds had more).
MAX_DAYS: Final = 732
ROWS: Final = 100


def goal_get(*, membership: Membership, goal_id: int) -> Goal:
    """The member's tandem's goal with its milestone counts (NotFound for any other)."""
    goal = goals_with_progress(tandem=membership.tandem).filter(pk=goal_id).first()
    if goal is None:
        raise NotFound(gettext_noop("Not found."))
    return goal


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter holding `day`: its first and last day."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = date(day.year, first_month, 1)
    following = date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def default_range(*, membership: Membership, now: datetime | None = None) -> tuple[date, date]:
    """This quarter in the tandem's timezone."""
    today = (now or timezone.now()).astimezone(ZoneInfo(membership.tandem.timezone)).date()
    return quarter_of(today)


def check_range(first: date, last: date) -> None:
    if last < first:
        raise DomainError(gettext_noop("The end comes before the start."), field="to")
    if (last - first).days > MAX_DAYS:
        raise DomainError(gettext_noop("Choose at most two years."), field="to")


def checkins_of(*, goal: Goal) -> QuerySet[GoalCheckIn]:
    """The goal's check-ins, newest first (`goal` comes from `goal_get`: already scoped)."""
    return (
        GoalCheckIn.objects.filter(goal=goal)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def milestones_of(*, goal: Goal) -> QuerySet[GoalMilestone]:
    return GoalMilestone.objects.filter(goal=goal).select_related("done_by")


def milestone_get(*, membership: Membership, goal: Goal, milestone_id: int) -> GoalMilestone:
    milestone = milestones_of(goal=goal).filter(pk=milestone_id).first()
    if milestone is None or goal.tandem_id != membership.tandem_id:
        raise NotFound(gettext_noop("Not found."))
    return milestone


@dataclass(frozen=True)
class GoalReport:
    """Everything that happened for a goal from `first` to `last` (local days of the tandem,
    both included): the check-ins written, the milestones (all, with when each was done), the
    areas that link to it now, the decisions taken towards it, the action items created or
    done, the agenda items of meetings in the range. Each list is the newest `ROWS`; `more`
    names the kinds that had more."""

    goal: Goal
    first: date
    last: date
    progress: int | None
    checkins: list[GoalCheckIn]
    milestones: list[GoalMilestone]
    milestones_done_in_range: int
    areas: list[DecisionArea]
    decisions: list[Decision]
    action_items: list[ActionItem]
    agenda_items: list[AgendaItem]
    more: list[str]


def _cut(rows: list, kind: str, more: list[str]) -> list:  # type: ignore[type-arg]
    if len(rows) > ROWS:
        more.append(kind)
    return rows[:ROWS]


def goal_report(*, membership: Membership, goal_id: int, first: date, last: date) -> GoalReport:
    """The goal page's and `GET …/goals/<id>/report/`'s content, in a constant number of
    queries (one per kind, whatever the rows)."""
    check_range(first, last)
    goal = goal_get(membership=membership, goal_id=goal_id)
    zone = ZoneInfo(membership.tandem.timezone)
    start, end = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    in_range = {"created_at__gte": start, "created_at__lt": end}
    more: list[str] = []
    checkins = _cut(list(checkins_of(goal=goal).filter(**in_range)[: ROWS + 1]), "checkins", more)
    milestones = list(milestones_of(goal=goal))
    areas = list(
        DecisionArea.objects.filter(tandem_id=membership.tandem_id, goal=goal).order_by(
            "archived_at", "name", "id"
        )
    )
    decisions = Decision.objects.filter(
        tandem_id=membership.tandem_id, goal=goal, decided_at__gte=start, decided_at__lt=end
    ).select_related("area", "author")
    action_items = ActionItem.objects.filter(
        Q(created_at__gte=start, created_at__lt=end) | Q(done_at__gte=start, done_at__lt=end),
        tandem_id=membership.tandem_id,
        goal=goal,
    ).select_related("owner")
    # A moved meeting counts when it really took place.
    agenda_items = (
        AgendaItem.objects.filter(occurrence__series__tandem_id=membership.tandem_id, goal=goal)
        .annotate(met_at=Coalesce("occurrence__moved_to", "occurrence__original_start"))
        .filter(met_at__gte=start, met_at__lt=end)
        .select_related("author", "occurrence", "occurrence__series")
    )
    return GoalReport(
        goal=goal,
        first=first,
        last=last,
        progress=goal_progress(goal),
        checkins=checkins,
        milestones=milestones,
        milestones_done_in_range=sum(
            1 for m in milestones if m.done and m.done_at and start <= m.done_at < end
        ),
        areas=areas,
        decisions=_cut(
            list(decisions.order_by("-decided_at", "-id")[: ROWS + 1]), "decisions", more
        ),
        action_items=_cut(
            list(action_items.order_by("-created_at", "-id")[: ROWS + 1]), "action_items", more
        ),
        agenda_items=_cut(
            list(agenda_items.order_by("-met_at", "position", "id")[: ROWS + 1]),
            "agenda_items",
            more,
        ),
        more=more,
    )
