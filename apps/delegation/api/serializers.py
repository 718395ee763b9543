"""HTTP shapes of the delegation API: input serializers shaped like the services' arguments,
output serializers that read only what the selectors already loaded (no N+1)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.api.serializers import UserSerializer
from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import (
    BIGINT_MAX,
    AwareDateTimeField,
    InputSerializer,
    MultiLineCharField,
)
from apps.delegation import template
from apps.delegation.models import (
    Answer,
    Decision,
    DecisionArea,
    Elevation,
    MatrixChange,
)
from apps.delegation.services import BULK_MAX

CURRENCY_PATTERN = r"^[A-Z]{3}$"
_CURRENCY_HELP = "ISO 4217 code in capitals, e.g. EUR."


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, **kwargs)


_LEVEL_HELP = (
    "Delegation Poker: 1 Tell, 2 Sell, 3 Consult, 4 Agree, 5 Advise, 6 Inquire, 7 Delegate."
)


def _level(**kwargs: Any) -> serializers.IntegerField:
    """A level as a plain 1-7 integer: one choice set under several field names would make
    the schema name the same enum several times."""
    return serializers.IntegerField(min_value=1, max_value=7, help_text=_LEVEL_HELP, **kwargs)


# --- output ------------------------------------------------------------------------------


class AreaRefSerializer(FastSerializerMixin, serializers.ModelSerializer[DecisionArea]):
    class Meta:
        model = DecisionArea
        fields = ["id", "name"]
        read_only_fields = fields


class ActiveElevationSerializer(serializers.ModelSerializer[Elevation]):
    level = _level(read_only=True)

    class Meta:
        model = Elevation
        fields = ["id", "level", "starts_at", "ends_at", "reason"]
        read_only_fields = fields


class GrowthSuggestionSerializer(serializers.Serializer[Any]):
    current_level = serializers.IntegerField()
    suggested_level = serializers.IntegerField()
    approved_in_a_row = serializers.IntegerField(
        help_text="This many requests in a row at the current level were approved."
    )


class RecentCountsSerializer(serializers.Serializer[Any]):
    decisions = serializers.IntegerField(source="recent_decisions")
    needs_action = serializers.IntegerField(source="recent_needs_action")
    outside_authority = serializers.IntegerField(source="recent_outside_authority")


class DecisionAreaSerializer(serializers.ModelSerializer[DecisionArea]):
    """An area with its terms, the elevation in force, recent counts and growth suggestion.

    Expects an area from `selectors.areas_at_a_glance` + `with_growth_suggestions`.
    """

    level = _level(read_only=True)
    level_above_limit = _level(read_only=True, allow_null=True)
    level_label = serializers.CharField(source="get_level_display")
    active_elevation = serializers.SerializerMethodField()
    recent = RecentCountsSerializer(source="*")
    growth_suggestion = GrowthSuggestionSerializer(allow_null=True)

    class Meta:
        model = DecisionArea
        fields = [
            "id",
            "name",
            "description",
            "boundaries",
            "level",
            "level_label",
            "limit_amount",
            "limit_currency",
            "level_above_limit",
            "review_on",
            "goal",
            "active_elevation",
            "recent",
            "growth_suggestion",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "archived_at": {
                "help_text": "Set while the area is archived: out of the matrix in force, it "
                "takes no new decisions."
            }
        }

    @extend_schema_field(ActiveElevationSerializer(allow_null=True))
    def get_active_elevation(self, area: DecisionArea) -> dict[str, Any] | None:
        active = getattr(area, "active_elevations", [])
        return ActiveElevationSerializer(active[0]).data if active else None


class MatrixChangeSerializer(serializers.ModelSerializer[MatrixChange]):
    area = AreaRefSerializer()
    changed_by = UserSerializer(allow_null=True)
    old = serializers.JSONField(allow_null=True, help_text="The terms before; null on creation.")
    new = serializers.JSONField(help_text="The terms after (or the elevation granted).")

    class Meta:
        model = MatrixChange
        fields = ["id", "area", "kind", "changed_by", "changed_at", "old", "new", "reason"]
        read_only_fields = fields


class ElevationSerializer(serializers.ModelSerializer[Elevation]):
    area = AreaRefSerializer()
    level = _level(read_only=True)
    created_by = UserSerializer(allow_null=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Elevation
        fields = [
            "id",
            "area",
            "level",
            "starts_at",
            "ends_at",
            "reason",
            "is_active",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_active(self, elevation: Elevation) -> bool:
        now = self.context.get("now") or timezone.now()
        return bool(elevation.starts_at <= now < elevation.ends_at)


class TermsInForceSerializer(FastSerializerMixin, serializers.Serializer[Any]):
    """The terms of the area when the decision was taken: a snapshot, never updated."""

    level = serializers.IntegerField(source="level_in_force", allow_null=True)
    limit_amount = _money(source="limit_amount_in_force", allow_null=True)
    limit_currency = serializers.CharField(source="limit_currency_in_force")
    level_above_limit = serializers.IntegerField(
        source="level_above_limit_in_force", allow_null=True
    )
    elevated_level = serializers.IntegerField(source="elevated_level_in_force", allow_null=True)
    elevation = serializers.IntegerField(source="elevation_id", allow_null=True)


class DecisionSerializer(FastSerializerMixin, serializers.ModelSerializer[Decision]):
    area = AreaRefSerializer(allow_null=True)
    author = UserSerializer(allow_null=True)
    author_role = serializers.CharField(help_text="leader or assistant")
    level_applied = _level(allow_null=True)
    terms_in_force = TermsInForceSerializer(source="*")
    needs_action = serializers.BooleanField()
    is_overdue = serializers.BooleanField()
    logged_late = serializers.BooleanField(
        help_text="Logged more than TANDEM_DELEGATION_LOGGED_LATE_DAYS (default 7) days after "
        "`decided_at`: classified against the terms of then."
    )
    answered_by = UserSerializer(allow_null=True)
    acknowledged_by = UserSerializer(allow_null=True)
    outcome_recorded_by = UserSerializer(allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "area",
            "goal",
            "author",
            "author_role",
            "title",
            "rationale",
            "amount",
            "currency",
            "decided_at",
            "logged_late",
            "terms_in_force",
            "classification",
            "level_applied",
            "above_limit",
            "under_elevation",
            "status",
            "needs_action",
            "due_at",
            "is_overdue",
            "answer",
            "answer_comment",
            "answered_by",
            "answered_at",
            "acknowledged_by",
            "acknowledged_at",
            "outcome",
            "lesson",
            "outcome_recorded_by",
            "outcome_recorded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- input -------------------------------------------------------------------------------


class _LimitFields(InputSerializer):
    limit_amount = _money(required=False, allow_null=True)
    limit_currency = serializers.RegexField(
        CURRENCY_PATTERN, required=False, allow_blank=True, help_text=_CURRENCY_HELP
    )
    level_above_limit = _level(required=False, allow_null=True)


class _AreaTermFields(_LimitFields):
    """The terms of an area that a matrix template carries too."""

    name = serializers.CharField(max_length=120)
    description = MultiLineCharField(max_length=5000, required=False, allow_blank=True)
    boundaries = MultiLineCharField(max_length=5000, required=False, allow_blank=True)
    level = _level()


class AreaCreateInputSerializer(_AreaTermFields):
    review_on = serializers.DateField(required=False, allow_null=True)
    goal = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    reason = MultiLineCharField(
        max_length=2000, required=False, allow_blank=True, help_text="Recorded in the history."
    )


class AreaUpdateInputSerializer(AreaCreateInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    level = _level(required=False)


class AreaPresenceInputSerializer(InputSerializer):
    reason = MultiLineCharField(
        max_length=2000, required=False, allow_blank=True, help_text="Recorded in the history."
    )


class ElevationCreateInputSerializer(InputSerializer):
    area = serializers.IntegerField(min_value=1)
    level = _level()
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    reason = MultiLineCharField(max_length=2000, required=False, allow_blank=True)


class DecisionCreateInputSerializer(InputSerializer):
    area = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Leave empty if no area fits."
    )
    title = serializers.CharField(max_length=200)
    rationale = MultiLineCharField(max_length=5000, help_text="Why: decisions are explained.")
    amount = _money(required=False, allow_null=True)
    currency = serializers.RegexField(
        CURRENCY_PATTERN, required=False, allow_blank=True, help_text=_CURRENCY_HELP
    )
    decided_at = AwareDateTimeField(
        required=False,
        help_text="Default: now. Not before the tandem or the area was created; logged more "
        "than TANDEM_DELEGATION_LOGGED_LATE_DAYS (default 7) days later, the decision shows "
        "as logged late.",
    )
    due_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="When the leader should answer a request (agreement/advice); ignored for "
        "other decisions. Default: 48 hours from now.",
    )
    goal = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class DecisionUpdateInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    rationale = MultiLineCharField(max_length=5000, required=False)
    goal = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class DecisionAnswerInputSerializer(InputSerializer):
    answer = serializers.ChoiceField(choices=Answer.choices)
    comment = MultiLineCharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="Required when rejecting or advising.",
    )


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
        "minItems": 1,
        "maxItems": BULK_MAX,
        "uniqueItems": True,
    }
)
class _DecisionIdsField(serializers.ListField):
    """Decision ids, each once (the schema says so: `uniqueItems`)."""


class BulkAcknowledgeInputSerializer(InputSerializer):
    decisions = _DecisionIdsField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        min_length=1,
        max_length=BULK_MAX,
        help_text="The ids of the decisions to acknowledge, each once (at most 100).",
    )

    def validate_decisions(self, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(gettext("Name each decision once."))
        return value


class BulkRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    detail = serializers.CharField(help_text="Why this one was not acknowledged.")


class BulkAcknowledgeResultSerializer(serializers.Serializer):
    acknowledged = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ids acknowledged now, in the order sent."
    )
    refused = BulkRefusalSerializer(many=True)


class ReviewReminderSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision_id")
    remind_at = serializers.DateTimeField(
        help_text="When the one reminder is due: the next working day, 09:00 in your timezone."
    )


class DecisionOutcomeInputSerializer(InputSerializer):
    outcome = MultiLineCharField(max_length=5000)
    lesson = MultiLineCharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="Blameless: what we learn, not who is to blame.",
    )


class MatrixExportAreaSerializer(serializers.ModelSerializer[DecisionArea]):
    """One area of the exported matrix."""

    level = _level(read_only=True)
    level_above_limit = _level(read_only=True, allow_null=True)
    level_label = serializers.CharField(source="get_level_display")
    goal = serializers.CharField(source="goal.title", default=None, allow_null=True)
    elevated_level = serializers.SerializerMethodField()
    elevated_until = serializers.SerializerMethodField()

    class Meta:
        model = DecisionArea
        fields = [
            "id",
            "name",
            "description",
            "boundaries",
            "level",
            "level_label",
            "limit_amount",
            "limit_currency",
            "level_above_limit",
            "review_on",
            "goal",
            "elevated_level",
            "elevated_until",
        ]
        read_only_fields = fields

    def get_elevated_level(self, area: DecisionArea) -> int | None:
        active = getattr(area, "active_elevations", [])
        return active[0].level if active else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_elevated_until(self, area: DecisionArea) -> str | None:
        active = getattr(area, "active_elevations", [])
        return serializers.DateTimeField().to_representation(active[0].ends_at) if active else None


class MatrixExportSerializer(serializers.Serializer[Any]):
    """The matrix as a template document (`apps.delegation.template`), which
    `POST …/matrix/import/` reads."""

    format = serializers.ChoiceField(choices=[template.FORMAT])
    version = serializers.IntegerField(help_text="The version of the format.")
    tandem = serializers.CharField(help_text="The name of the tandem it was exported from.")
    exported_at = serializers.DateTimeField()
    areas = MatrixExportAreaSerializer(many=True)


# --- the matrix template, read -----------------------------------------------------------

_IGNORED = "Written by the export for the reader; ignored by the import."


class TemplateAreaInputSerializer(_AreaTermFields):
    """One area of a template document: its terms, and what the export writes besides,
    which the import ignores (a template carries no ids, review dates, goals or elevations)."""

    id = serializers.JSONField(required=False, allow_null=True, help_text=_IGNORED)
    level_label = serializers.JSONField(required=False, allow_null=True, help_text=_IGNORED)
    review_on = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=_IGNORED + " A review date belongs to the tandem's calendar.",
    )
    goal = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=_IGNORED + " Goals are each tandem's own: link them anew.",
    )
    elevated_level = serializers.JSONField(required=False, allow_null=True, help_text=_IGNORED)
    elevated_until = serializers.JSONField(required=False, allow_null=True, help_text=_IGNORED)

    @staticmethod
    def to_template_area(values: dict[str, Any]) -> template.TemplateArea:
        """The terms of a validated area; what the import ignores is left out."""
        terms = {term: values[term] for term in template.TEMPLATE_TERMS if term in values}
        return template.TemplateArea(**terms)


class MatrixImportInputSerializer(InputSerializer):
    """A template document, as the JSON export writes it: `format`, `version`, `tandem`,
    `exported_at` and `areas` (an export from before the format had a version has only the
    last three)."""

    format = serializers.ChoiceField(
        choices=[template.FORMAT], required=False, help_text="Absent in older exports."
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=template.VERSION,
        required=False,
        help_text="The version of the format; absent (read as 1) in older exports.",
    )
    tandem = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=_IGNORED
    )
    exported_at = serializers.JSONField(required=False, allow_null=True, help_text=_IGNORED)
    areas = serializers.ListField(
        child=TemplateAreaInputSerializer(),
        max_length=template.MAX_AREAS,
        help_text="The areas to add, in order. An area whose name the matrix already has "
        "(regardless of case, archived areas included) is skipped.",
    )

    def template_areas(self) -> list[template.TemplateArea]:
        return [
            TemplateAreaInputSerializer.to_template_area(values)
            for values in self.validated_data["areas"]
        ]


class MatrixCopyInputSerializer(InputSerializer):
    from_tandem = serializers.IntegerField(
        min_value=1,
        help_text="Another tandem the caller is a member of (in either seat), whose matrix "
        "in force is copied.",
    )


class ImportedAreaSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(help_text="Its position in the template (0 first).")
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = _level()


class SkippedAreaSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(help_text="Its position in the template (0 first).")
    name = serializers.CharField()
    reason = serializers.ChoiceField(
        choices=[reason.value for reason in template.SkipReason],
        help_text="exists: the matrix has an area of this name; archived: an archived area "
        "has it (restore that one instead); repeated: an earlier area of the template has it.",
    )


class MatrixImportResultSerializer(serializers.Serializer[Any]):
    created = ImportedAreaSerializer(many=True)
    skipped = SkippedAreaSerializer(many=True)
