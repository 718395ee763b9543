"""Areas of the matrix, their growth suggestions, the matrix history and elevations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_noop

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
    return int(settings.TANDEM_DELEGATION_GROWTH_WINDOW)


@dataclass(frozen=True)
class GrowthSuggestion:
    """The last `approved_in_a_row` requests at the area's level were all approved."""

    current_level: int
    suggested_level: int
    approved_in_a_row: int


def areas_of(*, membership: Membership) -> QuerySet[DecisionArea]:
    return DecisionArea.objects.filter(tandem_id=membership.tandem_id).select_related("goal")


def areas_at_a_glance(
    *,
    membership: Membership,
    since: datetime | None = None,
    now: datetime | None = None,
    archived: bool | None = None,
) -> QuerySet[DecisionArea]:
    """Areas with the counts of decisions taken since `since` and the elevation in force;
    only archived ones (`archived=True`), only those in force (False), or all (None).

    Counts are annotations and the elevation a prefetch, so the number of queries does not
    grow with areas or decisions. Attach growth suggestions with `with_growth_suggestions`.
    """
    now = now or timezone.now()
    since = since or now - timedelta(days=RECENT_DAYS_DEFAULT)

    def recent(**match: Any) -> Coalesce:
        # A subquery per area over its index (area, decided_at): the range since `since`
        # only, not a join with every decision the area ever had.
        counted = (
            Decision.objects.filter(area_id=OuterRef("pk"), decided_at__gte=since, **match)
            .order_by()
            .values("area_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    areas = areas_of(membership=membership)
    if archived is not None:
        areas = areas.filter(archived_at__isnull=not archived)
    return areas.annotate(
        recent_decisions=recent(),
        recent_needs_action=recent(status__in=NEEDS_ACTION),
        recent_outside_authority=recent(classification="outside_authority"),
    ).prefetch_related(
        Prefetch(
            "elevations",
            queryset=Elevation.objects.active_at(now).order_by("-level"),
            to_attr="active_elevations",
        )
    )


def growth_suggestions(
    *, areas: Iterable[DecisionArea], window: int | None = None
) -> dict[int, GrowthSuggestion]:
    """For each area in force whose last `window` requests at its current level (below the
    limit, not under an elevation, answered since the leader last dismissed a suggestion) were
    all approved, a suggestion to raise the level by one. One query.
    """
    window = window or growth_window()
    by_id = {area.pk: area for area in areas if area.level < 7 and area.archived_at is None}
    if not by_id:
        return {}
    rows: Iterable[tuple[int, str]]
    if connection.vendor == "postgresql":
        rows = _last_requests_lateral(list(by_id), window)
    else:
        rows = _last_requests_ranked(list(by_id), window)
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


def _last_requests_lateral(area_ids: list[int], window: int) -> list[tuple[int, str]]:
    """(area id, answer) of each area's last `window` counted requests (see
    `growth_suggestions`), on PostgreSQL: per area an index scan that stops after `window`
    rows, however many requests the area has had."""
    decision, area = Decision._meta.db_table, DecisionArea._meta.db_table
    sql = f"""
        SELECT a.id, d.answer FROM "{area}" a CROSS JOIN LATERAL (
            SELECT d.answer FROM "{decision}" d
            WHERE d.area_id = a.id AND d.status = %s AND d.classification = ANY(%s)
              AND NOT d.above_limit AND NOT d.under_elevation AND d.level_applied = a.level
              AND (a.growth_dismissed_at IS NULL OR d.answered_at > a.growth_dismissed_at)
            ORDER BY d.answered_at DESC, d.id DESC LIMIT %s
        ) d WHERE a.id = ANY(%s)
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [DecisionStatus.ANSWERED, list(REQUESTS), window, area_ids])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _last_requests_ranked(area_ids: list[int], window: int) -> QuerySet[Any]:
    """The same as `_last_requests_lateral` by a window function over all the areas'
    requests (SQLite, the embedded default for small installations)."""
    return (
        Decision.objects.filter(
            area_id__in=area_ids,
            classification__in=REQUESTS,
            status=DecisionStatus.ANSWERED,
            above_limit=False,
            under_elevation=False,
            level_applied=F("area__level"),
        )
        # After "not now", only what was answered since counts (`area_growth_dismiss`).
        .filter(
            Q(area__growth_dismissed_at__isnull=True)
            | Q(answered_at__gt=F("area__growth_dismissed_at"))
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
        raise NotFound(gettext_noop("Not found."))
    return with_growth_suggestions([area])[0]


def matrix_changes_of(*, membership: Membership) -> QuerySet[MatrixChange]:
    return MatrixChange.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "changed_by"
    )


def elevations_of(*, membership: Membership) -> QuerySet[Elevation]:
    return Elevation.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "created_by"
    )
