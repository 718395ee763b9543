"""Filters of the contact list: whose (mine / shared with me), a tag, the calm state, a
search by name or organisation."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django_filters import rest_framework as filters

from apps.contacts import rules, selectors
from apps.contacts.models import Contact

ORDERINGS = {
    "name": (Lower("name").asc(), F("id").asc()),
    "-name": (Lower("name").desc(), F("id").desc()),
    "last_touch": (F("last_touch_on").asc(nulls_first=True), Lower("name").asc(), F("id").asc()),
    "-last_touch": (
        F("last_touch_on").desc(nulls_last=True),
        Lower("name").asc(),
        F("id").asc(),
    ),
}


class ContactFilter(filters.FilterSet):
    scope = filters.ChoiceFilter(
        choices=[("mine", "mine"), ("shared", "shared")],
        method="filter_scope",
        help_text="mine: your own contacts; shared: those your partner shares with you.",
    )
    tag = filters.CharFilter(method="filter_tag", max_length=60, help_text="A tag's name.")
    q = filters.CharFilter(
        method="filter_q", max_length=200, help_text="Part of the name or organisation."
    )
    state = filters.MultipleChoiceFilter(
        choices=[(s, s) for s in rules.State.ALL],
        method="filter_state",
        help_text="none: no rhythm; fine; due: the ideal has passed; overdue: the latest has.",
    )
    ordering = filters.ChoiceFilter(
        choices=[(o, o) for o in ORDERINGS],
        method="filter_ordering",
        help_text="name (default) or last_touch (longest silence first; never touched "
        "first); a leading - reverses.",
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_scope(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        user = self.request.user  # type: ignore[union-attr]
        if value == "mine":
            return queryset.filter(owner=user)
        return queryset.exclude(owner=user)

    def filter_tag(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        return queryset.filter(tags__name__iexact=value.strip())

    def filter_q(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(organisation__icontains=value))

    def filter_ordering(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.order_by(*ORDERINGS[value])

    def filter_state(
        self, queryset: QuerySet[Contact], name: str, value: list[str]
    ) -> QuerySet[Contact]:
        if not value:
            return queryset
        today = selectors.today_for(self.request.user)  # type: ignore[arg-type]
        # The state is a filter on the stored care dates (one query, any number of rows).
        return queryset.filter(selectors.in_state(set(value), today=today))
