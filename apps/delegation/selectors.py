"""Every read of the delegation app, scoped through the requesting person's membership.

Another tandem's area or decision is a NotFound, exactly like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from apps.core.errors import NotFound
from apps.delegation.models import (
    NEEDS_ACTION,
    REQUESTS,
    Answer,
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    MatrixChange,
)
from apps.tandems.models import Membership

RECENT_DAYS_DEFAULT = 30


def growth_window() -> int:
    """How many requests in a row must have been approved before a raise is suggested."""
    return int(getattr(settings, "TANDEM_DELEGATION_GROWTH_WINDOW", 5))


@dataclass(frozen=True)
class GrowthSuggestion:
    """The last `approved_in_a_row` requests at the area's level were all approved."""

    current_level: int
    suggested_level: int
    approved_in_a_row: int


def areas_of(*, membership: Membership) -> QuerySet[DecisionArea]:
    return DecisionArea.objects.filter(tandem_id=membership.tandem_id).select_related("goal")


def areas_at_a_glance(
    *, membership: Membership, since: datetime | None = None, now: datetime | None = None
) -> QuerySet[DecisionArea]:
    """Areas with the counts of decisions taken since `since` and the elevation in force.

    Counts are annotations and the elevation a prefetch, so the number of queries does not
    grow with areas or decisions. Attach growth suggestions with `with_growth_suggestions`.
    """
    now = now or timezone.now()
    since = since or now - timedelta(days=RECENT_DAYS_DEFAULT)
    recent = Q(decisions__decided_at__gte=since)
    return (
        areas_of(membership=membership)
        .annotate(
            recent_decisions=Count("decisions", filter=recent),
            recent_needs_action=Count(
                "decisions", filter=recent & Q(decisions__status__in=NEEDS_ACTION)
            ),
            recent_outside_authority=Count(
                "decisions", filter=recent & Q(decisions__classification="outside_authority")
            ),
        )
        .prefetch_related(
            Prefetch(
                "elevations",
                queryset=Elevation.objects.active_at(now).order_by("-level"),
                to_attr="active_elevations",
            )
        )
    )


def growth_suggestions(
    *, areas: Iterable[DecisionArea], window: int | None = None
) -> dict[int, GrowthSuggestion]:
    """For each area whose last `window` requests at its current level (below the limit, not
    under an elevation) were all approved, a suggestion to raise the level by one. One query.
    """
    window = window or growth_window()
    by_id = {area.pk: area for area in areas if area.level < 7}
    if not by_id:
        return {}
    rows = (
        Decision.objects.filter(
            area_id__in=by_id,
            classification__in=REQUESTS,
            status=DecisionStatus.ANSWERED,
            above_limit=False,
            under_elevation=False,
            level_applied=F("area__level"),
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("area_id")],
                order_by=[F("answered_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=window)
        .values_list("area_id", "answer")
    )
    answers: dict[int, list[str]] = defaultdict(list)
    for area_id, answer in rows:
        answers[area_id].append(answer)
    return {
        area_id: GrowthSuggestion(
            current_level=by_id[area_id].level,
            suggested_level=by_id[area_id].level + 1,
            approved_in_a_row=window,
        )
        for area_id, given in answers.items()
        if len(given) == window and all(a == Answer.APPROVE for a in given)
    }


def with_growth_suggestions(areas: Iterable[DecisionArea]) -> list[DecisionArea]:
    """Sets `growth_suggestion` (or None) on each area; one query for all of them."""
    areas = list(areas)
    suggestions = growth_suggestions(areas=areas)
    for area in areas:
        area.growth_suggestion = suggestions.get(area.pk)  # type: ignore[attr-defined]
    return areas


def area_get(*, membership: Membership, area_id: int) -> DecisionArea:
    area = areas_at_a_glance(membership=membership).filter(pk=area_id).first()
    if area is None:
        raise NotFound("Not found.")
    return with_growth_suggestions([area])[0]


def matrix_changes_of(*, membership: Membership) -> QuerySet[MatrixChange]:
    return MatrixChange.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "changed_by"
    )


def elevations_of(*, membership: Membership) -> QuerySet[Elevation]:
    return Elevation.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "created_by"
    )


def decisions_of(*, membership: Membership) -> QuerySet[Decision]:
    return Decision.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "goal", "author", "answered_by", "acknowledged_by", "outcome_recorded_by"
    )


def decision_get(*, membership: Membership, decision_id: int) -> Decision:
    decision = decisions_of(membership=membership).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("Not found.")
    return decision


def review_queue(*, membership: Membership) -> QuerySet[Decision]:
    """Everything the leader still has to acknowledge or answer, oldest first."""
    return (
        decisions_of(membership=membership)
        .filter(status__in=NEEDS_ACTION)
        .order_by("created_at", "id")
    )
