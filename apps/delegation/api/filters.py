"""Filters of the decision log and the matrix history.

Areas, authors and goals are filtered by id with plain number filters: a choice filter over
all areas would answer differently for another tandem's id than for a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from apps.core.api.filters import BooleanFilter, DateTimeFilter, FilterBackend, IdFilter
from apps.delegation.models import (
    NEEDS_ACTION,
    ClassificationChoice,
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    Level,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.selectors import overdue_q


class ReviewQueueFilter(filters.FilterSet):
    """The review queue's filters, the same as its page's (`selectors.review_queue`)."""

    area = IdFilter(field_name="area_id", help_text="Decisions in this area.")
    no_area = filters.BooleanFilter(
        field_name="area", lookup_expr="isnull", help_text="Decisions no area fits."
    )
    classification = filters.MultipleChoiceFilter(
        choices=ClassificationChoice.choices, help_text="One or more classifications."
    )
    overdue = BooleanFilter(
        method="filter_overdue",
        help_text="`true`: only requests past their due date; `false`: everything else.",
    )

    class Meta:
        model = Decision
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[Decision], name: str, value: bool | None
    ) -> QuerySet[Decision]:
        if value is None:
            return queryset
        late = overdue_q()
        return queryset.filter(late) if value else queryset.exclude(late)


class DecisionFilter(filters.FilterSet):
    area = IdFilter(field_name="area_id", help_text="Decisions in this area.")
    no_area = filters.BooleanFilter(
        field_name="area", lookup_expr="isnull", help_text="Decisions no area fits."
    )
    status = filters.MultipleChoiceFilter(choices=DecisionStatus.choices)
    classification = filters.MultipleChoiceFilter(choices=ClassificationChoice.choices)
    needs_action = BooleanFilter(
        method="filter_needs_action", help_text="Awaiting the leader's answer or acknowledgement."
    )
    decided_after = DateTimeFilter(
        field_name="decided_at", lookup_expr="gte", help_text="Decided at or after (ISO 8601)."
    )
    decided_before = DateTimeFilter(
        field_name="decided_at", lookup_expr="lt", help_text="Decided before (ISO 8601)."
    )
    author = IdFilter(field_name="author_id", help_text="The author's user id.")
    goal = IdFilter(field_name="goal_id")

    class Meta:
        model = Decision
        fields: list[str] = []

    def filter_needs_action(
        self, queryset: QuerySet[Decision], name: str, value: bool | None
    ) -> QuerySet[Decision]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=NEEDS_ACTION)
        return queryset.exclude(status__in=NEEDS_ACTION)


class AreaFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Level.choices)
    archived = BooleanFilter(
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="`true`: only archived areas; `false`: only those in force.",
    )

    class Meta:
        model = DecisionArea
        fields: list[str] = []


class MatrixChangeFilter(filters.FilterSet):
    area = IdFilter(field_name="area_id")
    kind = filters.ChoiceFilter(choices=MatrixChangeKind.choices)

    class Meta:
        model = MatrixChange
        fields: list[str] = []


class ElevationFilter(filters.FilterSet):
    area = IdFilter(field_name="area_id")

    class Meta:
        model = Elevation
        fields: list[str] = []


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the id as tie-breaker, so rows with equal timestamps keep one order
    across pages."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(field.lstrip("-") == "id" for field in ordering):
            ordering = [*ordering, "-id" if ordering[-1].startswith("-") else "id"]
        return ordering


FILTER_BACKENDS = [FilterBackend, StableOrderingFilter]
