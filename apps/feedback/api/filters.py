"""Filters of the cycle list.

Only facts both members already see may be filtered on: the cycle's own dates, state,
template and whether it is revealed, and the requester's *own* entry. Nothing filters on the
partner's entry, so a result set can never tell whether the other has written before the
reveal.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters

from apps.core.api.filters import DateTimeFilter
from apps.feedback.models import EntryStatus, FeedbackCycle, FeedbackEntry


class CycleFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(
        choices=[("upcoming", "upcoming"), ("open", "open"), ("closed", "closed")],
        method="filter_state",
        help_text="upcoming: not open yet; open: accepting entries (also late ones); "
        "closed: closed by a member or automatically.",
    )
    # A choice, not a BooleanFilter: that one ignores "revealed=perhaps" instead of a 400.
    revealed = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_revealed"
    )
    template = filters.CharFilter(help_text="The template's key, e.g. tandem_steps.")
    recurrence = filters.CharFilter()
    opens_after = DateTimeFilter(field_name="opens_at", lookup_expr="gte")
    opens_before = DateTimeFilter(field_name="opens_at", lookup_expr="lt")
    my_entry = filters.ChoiceFilter(
        choices=[("none", "none"), ("draft", "draft"), ("submitted", "submitted")],
        method="filter_my_entry",
        help_text="The state of the requester's own entry.",
    )

    class Meta:
        model = FeedbackCycle
        fields: list[str] = []

    def filter_state(
        self, queryset: QuerySet[FeedbackCycle], name: str, value: list[str]
    ) -> QuerySet[FeedbackCycle]:
        now = timezone.now()
        wanted = {
            "upcoming": Q(closed_at__isnull=True, opens_at__gt=now),
            "open": Q(closed_at__isnull=True, opens_at__lte=now),
            "closed": Q(closed_at__isnull=False),
        }
        condition = Q()
        for state in value:
            condition |= wanted[state]
        return queryset.filter(condition)

    def filter_revealed(
        self, queryset: QuerySet[FeedbackCycle], name: str, value: str
    ) -> QuerySet[FeedbackCycle]:
        return queryset.filter(revealed_at__isnull=value != "true")

    def filter_my_entry(
        self, queryset: QuerySet[FeedbackCycle], name: str, value: str
    ) -> QuerySet[FeedbackCycle]:
        mine = FeedbackEntry.objects.filter(cycle=OuterRef("pk"), author=self.request.user)
        if value == "none":
            return queryset.filter(~Exists(mine))
        status = EntryStatus.SUBMITTED if value == "submitted" else EntryStatus.DRAFT
        return queryset.filter(Exists(mine.filter(status=status)))
