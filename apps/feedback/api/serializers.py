"""Shapes of the feedback API. Inputs are shaped like the services' keyword arguments;
outputs read cycles loaded by `selectors.cycles_of` (no queries of their own)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.api.serializers import UserSerializer
from apps.accounts.models import Language
from apps.checkins.models import ActionItem
from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import AwareDateTimeField, InputSerializer, MultiLineCharField
from apps.feedback import selectors
from apps.feedback.models import (
    Amendment,
    Answer,
    Appreciation,
    FeedbackCycle,
    FeedbackEntry,
    Question,
    QuestionKind,
    Reaction,
    Recurrence,
)
from apps.feedback.questions import TEMPLATES

# Plain strings with the values spelt out: these field names carry other choice sets elsewhere
# in the API, and one name for several enums would make the schema ambiguous.
_KIND_HELP = "rating, text or both"
_STATUS_HELP = "draft or submitted"
_TIME_HELP = "With a timezone offset, e.g. 2026-05-04T09:00:00+02:00."


# --- input -----------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": list(QuestionKind.values)})
class QuestionKindInputField(serializers.CharField):
    """Documented as a choice (inline: "kind" names other choice sets elsewhere in the API);
    the service checks it and names the questions."""


class CustomQuestionInputSerializer(InputSerializer):
    text = serializers.CharField(max_length=500)
    kind = QuestionKindInputField(help_text=_KIND_HELP)


class CycleCreateInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    opens_at = AwareDateTimeField(help_text=_TIME_HELP)
    closes_at = AwareDateTimeField(help_text=_TIME_HELP)
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, default=Recurrence.NONE)
    template = serializers.ChoiceField(choices=sorted(TEMPLATES), required=False)
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="en or de: of the template's questions; default yours.",
        error_messages={"invalid_choice": "Must be en or de."},
    )
    # max_length (DRF >= 3.15) goes to the ListSerializer that many=True builds; the stubs'
    # Serializer.__init__ does not list it.
    questions = CustomQuestionInputSerializer(many=True, required=False, max_length=30)  # type: ignore[call-arg]


class AnswerInputSerializer(InputSerializer):
    question = serializers.IntegerField(help_text="A question id of this cycle.")
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    text = MultiLineCharField(max_length=5000, required=False, allow_blank=True, default="")


class EntryInputSerializer(InputSerializer):
    recipient = serializers.IntegerField(
        required=False, help_text="Optional: the other member's user id (checked)."
    )
    answers = AnswerInputSerializer(many=True, max_length=30)  # type: ignore[call-arg]


class EntrySubmitInputSerializer(EntryInputSerializer):
    answers = AnswerInputSerializer(many=True, max_length=30, required=False)  # type: ignore[call-arg]


class TextInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=5000)


class ReplyInputSerializer(InputSerializer):
    question = serializers.IntegerField()
    text = MultiLineCharField(max_length=5000)


class AgreementInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=5000)
    owner = serializers.IntegerField(help_text="User id of the member who owns the item.")
    due_date = serializers.DateField(required=False, allow_null=True)


class AppreciationInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=500)
    decision = serializers.IntegerField(required=False, allow_null=True)
    action_item = serializers.IntegerField(required=False, allow_null=True)


class ReactionInputSerializer(InputSerializer):
    reaction = serializers.ChoiceField(choices=[("", "none"), *Reaction.choices], allow_blank=True)


# --- output ----------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer[Question]):
    kind = serializers.CharField(help_text=_KIND_HELP)

    class Meta:
        model = Question
        fields = ["id", "position", "key", "text", "kind"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer[Answer]):
    question = serializers.IntegerField(source="question_id")

    class Meta:
        model = Answer
        fields = ["question", "rating", "text", "reply", "replied_at"]
        read_only_fields = fields


class AmendmentSerializer(serializers.ModelSerializer[Amendment]):
    class Meta:
        model = Amendment
        fields = ["text", "created_at"]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer[FeedbackEntry]):
    author = UserSerializer()
    recipient = UserSerializer()
    answers = AnswerSerializer(many=True)
    amendments = AmendmentSerializer(many=True)
    status = serializers.CharField(help_text=_STATUS_HELP)

    class Meta:
        model = FeedbackEntry
        fields = [
            "author",
            "recipient",
            "status",
            "submitted_at",
            "acknowledged_at",
            "answers",
            "amendments",
        ]
        read_only_fields = fields


class CycleSerializer(serializers.ModelSerializer[FeedbackCycle]):
    """A cycle as the requester may see it. `my_entry` is what they write; `received_entry`
    is the other's entry for them, null until the reveal. Nothing here depends on whether the
    other has written before the reveal."""

    questions = QuestionSerializer(many=True)
    state = serializers.SerializerMethodField()
    revealed = serializers.SerializerMethodField()
    my_entry = serializers.SerializerMethodField()
    received_entry = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackCycle
        fields = [
            "id",
            "title",
            "opens_at",
            "closes_at",
            "recurrence",
            "template",
            "language",
            "state",
            "revealed",
            "revealed_at",
            "closed_at",
            "questions",
            "my_entry",
            "received_entry",
        ]
        read_only_fields = fields

    def _user_id(self) -> int:
        return int(self.context["request"].user.pk)

    @extend_schema_field(serializers.ChoiceField(choices=["upcoming", "open", "closed"]))
    def get_state(self, cycle: FeedbackCycle) -> str:
        if cycle.closed_at is not None:
            return "closed"
        return "upcoming" if timezone.now() < cycle.opens_at else "open"

    def get_revealed(self, cycle: FeedbackCycle) -> bool:
        return cycle.revealed_at is not None

    @extend_schema_field(EntrySerializer(allow_null=True))
    def get_my_entry(self, cycle: FeedbackCycle) -> dict[str, Any] | None:
        entry = selectors.own_entry(cycle, self._user_id())
        return EntrySerializer(entry).data if entry else None

    @extend_schema_field(EntrySerializer(allow_null=True))
    def get_received_entry(self, cycle: FeedbackCycle) -> dict[str, Any] | None:
        entry = selectors.received_entry(cycle, self._user_id())
        return EntrySerializer(entry).data if entry else None


class CycleRefSerializer(FastSerializerMixin, serializers.ModelSerializer[FeedbackCycle]):
    revealed = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackCycle
        fields = ["id", "title", "opens_at", "closes_at", "closed_at", "revealed"]
        read_only_fields = fields

    def get_revealed(self, cycle: FeedbackCycle) -> bool:
        return cycle.revealed_at is not None


class CompletionSerializer(FastSerializerMixin, serializers.Serializer[Any]):
    user = UserSerializer()
    role = serializers.CharField()
    status = serializers.CharField(help_text="on_time, late, missed or pending")


class HistoryRowSerializer(FastSerializerMixin, serializers.Serializer[Any]):
    cycle = CycleRefSerializer()
    completion = CompletionSerializer(
        many=True, allow_null=True, help_text="Null until the cycle is revealed."
    )


class TotalsSerializer(FastSerializerMixin, serializers.Serializer[Any]):
    user = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missed = serializers.IntegerField()


class HistorySerializer(FastSerializerMixin, serializers.Serializer[Any]):
    cycles = HistoryRowSerializer(many=True)
    completion_totals = TotalsSerializer(many=True)


class FeedbackTrendPointSerializer(serializers.Serializer[Any]):
    cycle_id = serializers.IntegerField()
    title = serializers.CharField()
    opens_at = serializers.DateTimeField()
    rating = serializers.IntegerField()


class TrendSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(choices=["leader_to_assistant", "assistant_to_leader"])
    question = serializers.CharField(help_text="The template key, or the custom question text.")
    points = FeedbackTrendPointSerializer(many=True)


class TemplateQuestionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()


class TemplateSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField()
    questions = TemplateQuestionSerializer(many=True)


class ActionItemRefSerializer(serializers.ModelSerializer[ActionItem]):
    owner = serializers.IntegerField(source="owner_id")
    status = serializers.CharField(help_text="open, done or dropped")
    occurrence_start = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "text",
            "owner",
            "due_date",
            "status",
            "occurrence_start",
            "feedback_cycle",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_occurrence_start(self, item: ActionItem) -> str | None:
        if item.occurrence is None:
            return None
        return serializers.DateTimeField().to_representation(item.occurrence.start)


class AppreciationSerializer(serializers.ModelSerializer[Appreciation]):
    author = UserSerializer()
    recipient = UserSerializer()

    class Meta:
        model = Appreciation
        fields = [
            "id",
            "author",
            "recipient",
            "text",
            "decision",
            "action_item",
            "reaction",
            "reacted_at",
            "created_at",
        ]
        read_only_fields = fields
