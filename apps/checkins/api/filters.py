"""Filters of the action item list."""

from __future__ import annotations

from django_filters import rest_framework as filters

from apps.checkins.models import ActionItem, ActionItemStatus
from apps.core.api.filters import IdFilter


class ActionItemFilter(filters.FilterSet):
    # A plain id, not a choice among all users: a choice would answer differently for a
    # user who exists (an empty page) than for one who does not (400).
    owner = IdFilter(field_name="owner_id", help_text="The owner's user id.")
    status = filters.ChoiceFilter(choices=ActionItemStatus.choices)
    kept = filters.BooleanFilter()

    class Meta:
        model = ActionItem
        fields: list[str] = []
