"""The goal's own endpoints: its report, check-ins and milestones (in and out)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from apps.accounts.api.serializers import UserSerializer
from apps.core.api.serializers import InputSerializer, MultiLineCharField
from apps.goals.services import TEXT_MAX
from apps.tandems.api.serializers import GoalSerializer
from apps.tandems.models import Confidence, GoalCheckIn, GoalMilestone
from apps.tandems.services import GOAL_VALUE_MAX


class GoalCheckInSerializer(serializers.ModelSerializer[GoalCheckIn]):
    author = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = GoalCheckIn
        fields = ["id", "goal", "author", "text", "confidence", "value", "created_at"]
        read_only_fields = fields


class GoalCheckInInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=TEXT_MAX)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        max_value=GOAL_VALUE_MAX,
        min_value=-GOAL_VALUE_MAX,
        help_text="The goal's current value now (only for a goal measured by a number); "
        "the goal moves to it.",
    )


class GoalMilestoneSerializer(serializers.ModelSerializer[GoalMilestone]):
    done_by = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = GoalMilestone
        fields = ["id", "goal", "title", "position", "done", "done_at", "done_by"]
        read_only_fields = fields


class GoalMilestoneInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)


class GoalMilestoneUpdateInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    done = serializers.BooleanField(required=False)


class GoalReportQuerySerializer(InputSerializer):
    json_types = False
    from_ = serializers.DateField(
        required=False, help_text="First day (the tandem's); default: this quarter's first."
    )
    to = serializers.DateField(
        required=False, help_text="Last day, included; default: this quarter's last."
    )

    def to_internal_value(self, data: Any) -> Any:
        # Given but empty is not "the default": a 400 like any other value that is no date.
        for name in ("from", "to"):
            if name in data and not str(data.get(name) or "").strip():
                raise serializers.ValidationError({name: [gettext("Give a date (YYYY-MM-DD).")]})
        return super().to_internal_value(data)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ReportAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    archived = serializers.SerializerMethodField()

    def get_archived(self, area: Any) -> bool:
        return area.archived_at is not None


class ReportDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    classification = serializers.CharField()
    status = serializers.CharField()
    decided_at = serializers.DateTimeField()
    area = serializers.IntegerField(source="area_id", allow_null=True)
    author = UserSerializer(allow_null=True)


class ReportActionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner = UserSerializer()
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    kept = serializers.BooleanField(allow_null=True)
    created_at = serializers.DateTimeField()


class ReportAgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    resolved = serializers.BooleanField()
    series = serializers.IntegerField(source="occurrence.series_id")
    occurrence_start = serializers.DateTimeField(
        source="occurrence.original_start",
        help_text="The occurrence's computed start (its key in the check-in endpoints).",
    )
    met_at = serializers.DateTimeField(help_text="When the meeting took place (moved or not).")


class GoalReportSerializer(serializers.Serializer):
    goal = GoalSerializer()
    first = serializers.DateField(help_text="First day of the range.")
    last = serializers.DateField(help_text="Last day of the range, included.")
    progress = serializers.IntegerField(allow_null=True)
    checkins = GoalCheckInSerializer(many=True)
    milestones = GoalMilestoneSerializer(many=True)
    milestones_done_in_range = serializers.IntegerField()
    areas = ReportAreaSerializer(many=True)
    decisions = ReportDecisionSerializer(many=True)
    action_items = ReportActionItemSerializer(many=True)
    agenda_items = ReportAgendaItemSerializer(many=True)
    more = serializers.ListField(
        child=serializers.CharField(),
        help_text="The lists that had more than 100 rows in the range (the newest are shown).",
    )
