"""Shapes of "my week" (`GET /api/v1/me/week/`): read-only, built from `selectors.week_for`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from apps.checkins.rules import occurrence_key
from apps.core.api.serializers import InputSerializer
from apps.core.bounded import COUNT_CAP
from apps.home.selectors import WEEK_DAYS, WEEK_LIST_LIMIT, WEEK_MAX_DAYS


class WeekQuerySerializer(InputSerializer):
    json_types = False
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=WEEK_MAX_DAYS,
        default=WEEK_DAYS,
        help_text="How many days ahead the check-ins reach (default 7).",
    )

    def to_internal_value(self, data: Any) -> Any:
        # Given but empty is not "the default": a 400 like any other value that is no number.
        if "days" in data and not str(data.get("days") or "").strip():
            raise serializers.ValidationError({"days": [gettext("A valid integer is required.")]})
        return super().to_internal_value(data)


class WeekPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.name")
    role = serializers.CharField()


class WeekCheckInSerializer(serializers.Serializer):
    series = serializers.IntegerField(source="series_id")
    title = serializers.CharField(source="series.title")
    start = serializers.DateTimeField(help_text="When it takes place (a moved one: its new time).")
    key = serializers.SerializerMethodField(
        help_text="How the occurrence is addressed in the API (its computed start)."
    )
    status = serializers.CharField()
    agenda_count = serializers.IntegerField()
    open_agenda_count = serializers.IntegerField()

    def get_key(self, occurrence: Any) -> str:
        return occurrence_key(occurrence.original_start)


class WeekActionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    owner_name = serializers.SerializerMethodField()

    def get_owner_name(self, item: Any) -> str | None:
        return item.owner.name if item.owner_id else None


class WeekDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    classification = serializers.CharField()
    area = serializers.IntegerField(source="area_id", allow_null=True)
    area_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)

    def get_area_name(self, decision: Any) -> str | None:
        return decision.area.name if decision.area_id else None


TOTAL_HELP = (
    f"How many there are, counted up to {COUNT_CAP:,} + 1: {COUNT_CAP + 1:,} means more than "
    f"{COUNT_CAP:,} (the list shows {WEEK_LIST_LIMIT} at most)."
)


class WeekActionItemsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=TOTAL_HELP)
    items = WeekActionItemSerializer(many=True)


class WeekDecisionsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=TOTAL_HELP)
    items = WeekDecisionSerializer(many=True)


class WeekFeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    closes_at = serializers.DateTimeField()
    has_draft = serializers.BooleanField()


class WeekTandemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="tandem.id")
    name = serializers.CharField(source="tandem.name")
    role = serializers.CharField(source="membership.role")
    partner = WeekPersonSerializer(allow_null=True)
    checkins = WeekCheckInSerializer(many=True)
    action_items = WeekActionItemsSerializer(help_text="My open action items, soonest due first.")
    waiting_on_partner = WeekActionItemsSerializer(
        help_text="The open action items of the others in the tandem: what I wait for."
    )
    requests_to_answer = WeekDecisionsSerializer(help_text="The leader's: requests to answer.")
    to_acknowledge = WeekDecisionsSerializer(help_text="The leader's: decisions to acknowledge.")
    my_requests_waiting = WeekDecisionsSerializer(
        help_text="The assistant's: their requests waiting for an answer."
    )
    feedback_to_write = WeekFeedbackSerializer(many=True)


class WeekSerializer(serializers.Serializer):
    start = serializers.DateTimeField(source="from_")
    end = serializers.DateTimeField(source="to")
    tandems = WeekTandemSerializer(many=True)
