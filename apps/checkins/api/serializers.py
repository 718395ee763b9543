"""HTTP shapes of check-ins. Durations travel as whole minutes; instants as ISO 8601 UTC."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.api.serializers import TimezoneField, UserSerializer
from apps.checkins import rules
from apps.checkins.agenda_templates import template_choices
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaComment,
    AgendaItem,
    AgendaKind,
    CheckInSeries,
    Occurrence,
    Retro,
    TalkingPoint,
)
from apps.checkins.recurrence import LAST_DAY, MAX_COUNT, MAX_INTERVAL, NTH_VALUES, Frequency
from apps.checkins.rescheduling import ChangeKind, NotKept
from apps.checkins.services import MAX_DURATION, MAX_LEAD
from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import AwareDateTimeField, InputSerializer, MultiLineCharField


# "kind" and "status" are field names other apps use for other choice sets. Each choice set
# appears in one output component (named AgendaItemKindEnum / ActionItemStatusEnum by
# drf-spectacular) and the inputs refer to that component, so the names never collide.
@extend_schema_field({"$ref": "#/components/schemas/AgendaItemKindEnum"})
class AgendaKindInputField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AgendaKind.choices, **kwargs)


@extend_schema_field({"$ref": "#/components/schemas/ActionItemStatusEnum"})
class ActionItemStatusInputField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ActionItemStatus.choices, **kwargs)


MAX_DURATION_MINUTES = int(MAX_DURATION.total_seconds() // 60)
MAX_LEAD_MINUTES = int(MAX_LEAD.total_seconds() // 60)


def _minutes(value: Any) -> int:
    return int(value.total_seconds() // 60)


class SeriesSerializer(serializers.ModelSerializer[CheckInSeries]):
    frequency = serializers.CharField(source="recurrence.frequency", read_only=True)
    interval = serializers.IntegerField(source="recurrence.interval", read_only=True)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(), source="recurrence.weekdays", read_only=True
    )
    month_day = serializers.IntegerField(
        source="recurrence.month_day", read_only=True, allow_null=True
    )
    nth = serializers.IntegerField(source="recurrence.nth", read_only=True, allow_null=True)
    month = serializers.IntegerField(source="recurrence.month", read_only=True, allow_null=True)
    count = serializers.IntegerField(source="recurrence.count", read_only=True, allow_null=True)
    until = serializers.DateField(source="recurrence.until", read_only=True, allow_null=True)
    duration_minutes = serializers.SerializerMethodField()
    reminder_lead_minutes = serializers.SerializerMethodField()

    class Meta:
        model = CheckInSeries
        fields = [
            "id",
            "title",
            "rule",
            "frequency",
            "interval",
            "weekdays",
            "month_day",
            "nth",
            "month",
            "count",
            "until",
            "start_date",
            "last_date",
            "local_time",
            "timezone",
            "duration_minutes",
            "reminder_lead_minutes",
            "active",
            "previous",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_duration_minutes(self, obj: CheckInSeries) -> int:
        return _minutes(obj.duration)

    def get_reminder_lead_minutes(self, obj: CheckInSeries) -> int:
        return _minutes(obj.reminder_lead)


class TimingInputSerializer(InputSerializer):
    """The timing of a series; the meaning (ranges, timezone, end after start, which fields a
    frequency uses) is checked by the service, which names the field. docs/checkins.md lists
    the shapes; the series reads back with the same fields it was created with."""

    frequency = serializers.ChoiceField(
        choices=[f.value for f in Frequency],
        help_text=(
            "once: a single meeting on `start_date` (no interval, weekdays, count or until). "
            "daily, weekly (`weekdays`), monthly_by_date (`month_day`), monthly_by_weekday "
            "(`nth` and `weekdays`), yearly_by_date (`month`, `month_day`), yearly_by_weekday "
            "(`month`, `nth`, `weekdays`)."
        ),
    )
    interval = serializers.IntegerField(default=1, min_value=1, max_value=MAX_INTERVAL)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        default=list,
        max_length=7,
        help_text=(
            "0 (Monday) to 6 (Sunday). For the nth of a month: one day, or [0, 1, 2, 3, 4] "
            "(a weekday), [5, 6] (a weekend day) or all seven (a day)."
        ),
    )
    month_day = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=LAST_DAY,
        max_value=31,
        help_text="1 to 31, or -1 for the last day of the month.",
    )
    nth = serializers.ChoiceField(
        choices=NTH_VALUES,
        required=False,
        allow_null=True,
        default=None,
        help_text="Which one of `weekdays` in the month: 1 to 5 or -1 (the last).",
    )
    month = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=12,
        help_text="For a yearly series: 1 (January) to 12.",
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_COUNT
    )
    until = serializers.DateField(required=False, allow_null=True, default=None)
    local_time = serializers.TimeField(help_text="Wall time in `timezone`, e.g. 09:00.")
    timezone = TimezoneField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_DURATION_MINUTES)


class SeriesCreateInputSerializer(TimingInputSerializer):
    title = serializers.CharField(max_length=200)
    start_date = serializers.DateField()
    reminder_lead_minutes = serializers.IntegerField(
        default=60, min_value=1, max_value=MAX_LEAD_MINUTES
    )
    agenda_template = serializers.ChoiceField(
        choices=template_choices(),
        required=False,
        help_text=(
            "Start the series' standing agenda (its talking points) from a template, in the "
            "creating person's language."
        ),
    )


class SeriesUpdateInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    reminder_lead_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LEAD_MINUTES
    )
    active = serializers.BooleanField(required=False)


class SeriesRescheduleInputSerializer(TimingInputSerializer):
    from_date = serializers.DateField(help_text="The first local date the new timing applies.")


class RescheduleChangeSerializer(serializers.Serializer[Any]):
    """One line of what a change of timing does to a touched occurrence (see
    `apps/checkins/rescheduling.py` for the rule)."""

    kind = serializers.ChoiceField(choices=[kind.value for kind in ChangeKind], read_only=True)
    occurrence = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The occurrence's key in the old timing; null for a meeting of the new one.",
    )
    start = serializers.DateTimeField(read_only=True, help_text="When it was to take place.")
    to = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The key of the new meeting it becomes or hands its agenda to.",
    )
    moved_to = serializers.DateTimeField(read_only=True, allow_null=True)
    reason = serializers.ChoiceField(
        choices=[reason.value for reason in NotKept], read_only=True, allow_null=True
    )
    has_content = serializers.BooleanField(
        read_only=True, help_text="It has agenda items, action items or notes."
    )


class ReschedulePreviewSerializer(serializers.Serializer[Any]):
    changes = RescheduleChangeSerializer(many=True, read_only=True)


class SeriesRescheduledSerializer(SeriesSerializer):
    """The series that holds the future, and what happened to the touched occurrences."""

    changes = RescheduleChangeSerializer(many=True, read_only=True)

    class Meta(SeriesSerializer.Meta):
        fields = [*SeriesSerializer.Meta.fields, "changes"]
        read_only_fields = fields


class OccurrenceSerializer(FastSerializerMixin, serializers.Serializer[Occurrence]):
    series = serializers.IntegerField(source="series_id", read_only=True)
    key = serializers.SerializerMethodField(help_text="The occurrence's id in URLs.")
    original_start = serializers.DateTimeField(read_only=True)
    start = serializers.DateTimeField(read_only=True)
    end = serializers.SerializerMethodField()
    local_start = serializers.SerializerMethodField(
        help_text="The start in the series' timezone, with its offset."
    )
    status = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    agenda_count = serializers.IntegerField(read_only=True, default=0)
    open_agenda_count = serializers.IntegerField(read_only=True, default=0)

    def get_key(self, obj: Occurrence) -> str:
        return rules.occurrence_key(obj.original_start)

    def get_end(self, obj: Occurrence) -> str:
        return rules.occurrence_key((obj.start + obj.series.duration).astimezone(UTC))

    def get_local_start(self, obj: Occurrence) -> str:
        return obj.start.astimezone(ZoneInfo(obj.series.timezone)).isoformat()


class AgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    author = UserSerializer(read_only=True)
    carried_from_start = serializers.DateTimeField(
        source="carried_from.occurrence.start",
        read_only=True,
        allow_null=True,
        help_text="The start of the occurrence this item was carried over from.",
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "kind",
            "text",
            "position",
            "resolved",
            "resolved_at",
            "author",
            "decision",
            "action_item",
            "goal",
            "carried_from",
            "carried_from_start",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AgendaItemCreateInputSerializer(InputSerializer):
    kind = AgendaKindInputField()
    text = MultiLineCharField(max_length=5000)
    decision = serializers.IntegerField(required=False, allow_null=True, default=None)
    goal = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A goal of the tandem."
    )


class AgendaItemUpdateInputSerializer(InputSerializer):
    kind = AgendaKindInputField(required=False)
    text = MultiLineCharField(max_length=5000, required=False)
    # Bounded, so that the next item's position (the last one + 1) always fits.
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    resolved = serializers.BooleanField(required=False)
    decision = serializers.IntegerField(required=False, allow_null=True)
    goal = serializers.IntegerField(required=False, allow_null=True)


class ActionItemSerializer(serializers.ModelSerializer[ActionItem]):
    owner = UserSerializer(read_only=True)
    occurrence_start = serializers.DateTimeField(
        source="occurrence.original_start", read_only=True, allow_null=True
    )

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "text",
            "owner",
            "due_date",
            "status",
            "done_at",
            "kept",
            "occurrence_start",
            "feedback_cycle",
            "goal",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionItemCreateInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=5000)
    owner = serializers.IntegerField(help_text="A member's user id.")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    goal = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A goal of the tandem."
    )


class ActionItemUpdateInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=5000, required=False)
    owner = serializers.IntegerField(required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = ActionItemStatusInputField(required=False)
    goal = serializers.IntegerField(required=False, allow_null=True)


class RetroSerializer(serializers.ModelSerializer[Retro]):
    member = UserSerializer(read_only=True)

    class Meta:
        model = Retro
        fields = ["id", "member", "effectiveness", "what_would_help", "created_at"]
        read_only_fields = fields


class RetroInputSerializer(InputSerializer):
    effectiveness = serializers.IntegerField(
        min_value=1, max_value=5, help_text="1 (not useful) to 5 (very effective)."
    )
    what_would_help = MultiLineCharField(max_length=5000, required=False, default="")


class TalkingPointSerializer(serializers.ModelSerializer[TalkingPoint]):
    kind = AgendaKindInputField(read_only=True)
    author = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TalkingPoint
        fields = ["id", "kind", "text", "position", "author", "added_at", "retired_at"]
        read_only_fields = fields


class TalkingPointCreateInputSerializer(InputSerializer):
    kind = AgendaKindInputField()
    text = serializers.CharField(max_length=500)


class TalkingPointUpdateInputSerializer(InputSerializer):
    kind = AgendaKindInputField(required=False)
    text = serializers.CharField(max_length=500, required=False)
    position = serializers.IntegerField(required=False, min_value=0, max_value=10000)


class PrivateNoteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="Empty when the person wrote none.")
    updated_at = serializers.DateTimeField(allow_null=True)


class PrivateNoteInputSerializer(InputSerializer):
    text = MultiLineCharField(
        max_length=20000, allow_blank=True, help_text="An empty text removes the note."
    )


class AgendaCommentSerializer(serializers.ModelSerializer[AgendaComment]):
    author = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AgendaComment
        fields = ["id", "item", "text", "author", "created_at"]
        read_only_fields = fields


class AgendaCommentInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=5000)


class OccurrenceDetailSerializer(OccurrenceSerializer):
    standing = serializers.SerializerMethodField(
        help_text=(
            "The series' standing talking points this occurrence shows: those in force at its "
            "start once it has started, those in force now while it is ahead, none if skipped."
        )
    )
    agenda = serializers.SerializerMethodField()
    action_items = serializers.SerializerMethodField()
    retros = serializers.SerializerMethodField()

    @extend_schema_field(TalkingPointSerializer(many=True))
    def get_standing(self, obj: Occurrence) -> Any:
        return TalkingPointSerializer(self.context["standing"], many=True).data

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, obj: Occurrence) -> Any:
        return AgendaItemSerializer(self.context["agenda"], many=True).data

    @extend_schema_field(ActionItemSerializer(many=True))
    def get_action_items(self, obj: Occurrence) -> Any:
        return ActionItemSerializer(self.context["action_items"], many=True).data

    @extend_schema_field(RetroSerializer(many=True))
    def get_retros(self, obj: Occurrence) -> Any:
        return RetroSerializer(self.context["retros"], many=True).data


class OccurrenceUpdateInputSerializer(InputSerializer):
    notes = MultiLineCharField(max_length=20000, allow_blank=True, required=False)
    held = serializers.BooleanField(
        required=False, help_text="Mark as held; its open agenda carries over."
    )


class OccurrenceMoveInputSerializer(InputSerializer):
    to = AwareDateTimeField(help_text="The new start, with a timezone offset.")


class TrendPointSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    average = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    agenda_items = serializers.IntegerField()
    carried_on = serializers.IntegerField()


class RetroTrendSerializer(serializers.Serializer[Any]):
    points = TrendPointSerializer(many=True, help_text="Past occurrences, newest first.")
    suggestion = serializers.ChoiceField(
        choices=[s.value for s in rules.CadenceSuggestion],
        allow_null=True,
        help_text="more_often when agendas keep overflowing, less_often when they stay empty.",
    )


class CalendarFeedSerializer(serializers.Serializer[Any]):
    exists = serializers.BooleanField()
    created_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class CalendarFeedCreatedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Shown once; only its hash is stored.")
    url = serializers.CharField(help_text="Subscribe to this URL in your calendar app.")


class KeptRateQuerySerializer(InputSerializer):
    json_types = False
    from_ = serializers.DateField(required=False, help_text="First due date; default 90 days ago.")
    to = serializers.DateField(required=False, help_text="Last due date; default today.")

    def to_internal_value(self, data: Any) -> Any:
        # Given but empty is not "the default": a 400 like any other value that is no date.
        for name in ("from", "to"):
            if name in data and not str(data.get(name) or "").strip():
                raise serializers.ValidationError({name: [gettext("Give a date (YYYY-MM-DD).")]})
        values = super().to_internal_value(data)
        first, last = values.get("from"), values.get("to")
        if first and last and last < first:
            raise serializers.ValidationError({"to": [gettext("The end comes before the start.")]})
        return values

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class KeptRateSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id", allow_null=True)
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["leader", "assistant", "former"])
    due = serializers.IntegerField(help_text="Action items due in the range (the date passed).")
    kept = serializers.IntegerField(help_text="Of those, done by their due date.")
    late = serializers.IntegerField(help_text="Done after their due date.")
    overdue = serializers.IntegerField(help_text="Still open after their due date.")
    rate = serializers.FloatField(allow_null=True, help_text="kept / due in percent.")


class KeptRatesSerializer(serializers.Serializer):
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")
    people = KeptRateSerializer(many=True)
