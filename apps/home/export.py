"""A member's export of everything in a tandem they may see, as one JSON document.

Every section is read through the requester's seat (its tandem), so the export holds exactly
what the API shows this person and nothing of another tandem. Each app gives its sections
through its own `…_export_rows` selector, listed in `tandem_export`. Feedback goes through the
blind rule's one place, `apps.feedback.selectors.visible_entries`: the partner's entry is in
the export only once it is submitted and revealed, exactly as in the API.

The rows are exported whole (every field of the table, references as ids), so the document
is complete without the API's derived fields; `members` and `former_members` name the people
the ids refer to.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.checkins import selectors as checkins_selectors
from apps.checkins.models import (
    ActionItem,
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    PrivateNote,
    Retro,
    TalkingPoint,
)
from apps.delegation import selectors as delegation_selectors
from apps.delegation.models import Decision, DecisionArea, Elevation, MatrixChange
from apps.feedback import selectors as feedback_selectors
from apps.feedback.models import (
    Amendment,
    Answer,
    Appreciation,
    FeedbackCycle,
    FeedbackEntry,
    Question,
)
from apps.notifications import selectors as notification_selectors
from apps.notifications.models import Notice
from apps.tandems import selectors as tandem_selectors
from apps.tandems.models import (
    FormerMember,
    Goal,
    GoalCheckIn,
    GoalMilestone,
    Invitation,
    Membership,
    Tandem,
)

EXPORT_FORMAT = "tandem-export/1"


# A table row, whole. A stored choice is exported as its plain value (an integer or a
# string): the export repeats field names (`status`, `kind`) with other choice sets in every
# table, and one enum per name would collide in the schema. (A comment, not a docstring: the
# schema would repeat a docstring as every row's description.)
class _Row(serializers.ModelSerializer[Any]):
    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, Any]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if "choices" in kwargs:
            kwargs.pop("choices")
            if isinstance(model_field, models.IntegerField):
                kwargs.pop("allow_blank", None)
                field_class = serializers.IntegerField
            else:
                field_class = serializers.CharField
        return field_class, kwargs


class ExportTandemSerializer(_Row):
    class Meta:
        model = Tandem
        fields = ["id", "name", "vision", "timezone", "created_at", "updated_at"]


class ExportMemberSerializer(serializers.ModelSerializer[Membership]):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField(help_text="leader or assistant")
    joined_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Membership
        fields = ["user", "name", "email", "role", "joined_at"]


class ExportFormerMemberSerializer(serializers.ModelSerializer[FormerMember]):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    role = serializers.CharField(help_text="leader or assistant")
    departure = serializers.CharField(help_text="left, removed or account_deleted")

    class Meta:
        model = FormerMember
        fields = ["user", "name", "role", "joined_at", "left_at", "departure"]


class ExportInvitationSerializer(_Row):
    status = serializers.CharField(help_text="pending, accepted, revoked or expired")

    class Meta:
        model = Invitation
        exclude = ["tandem", "token_hash"]


class ExportGoalSerializer(_Row):
    class Meta:
        model = Goal
        exclude = ["tandem"]


class ExportGoalMilestoneSerializer(_Row):
    class Meta:
        model = GoalMilestone
        fields = "__all__"


class ExportGoalCheckInSerializer(_Row):
    class Meta:
        model = GoalCheckIn
        fields = "__all__"


class ExportDecisionAreaSerializer(_Row):
    class Meta:
        model = DecisionArea
        exclude = ["tandem"]


class ExportMatrixChangeSerializer(_Row):
    class Meta:
        model = MatrixChange
        exclude = ["tandem"]


class ExportElevationSerializer(_Row):
    class Meta:
        model = Elevation
        exclude = ["tandem"]


class ExportDecisionSerializer(_Row):
    class Meta:
        model = Decision
        # Internal: whether check-ins still have to put it on an agenda.
        exclude = ["tandem", "agenda_requested_at"]


class ExportCheckInSeriesSerializer(_Row):
    class Meta:
        model = CheckInSeries
        exclude = ["tandem"]


class ExportOccurrenceSerializer(_Row):
    class Meta:
        model = Occurrence
        fields = "__all__"


class ExportAgendaItemSerializer(_Row):
    class Meta:
        model = AgendaItem
        fields = "__all__"


class ExportActionItemSerializer(_Row):
    class Meta:
        model = ActionItem
        exclude = ["tandem"]


class ExportRetroSerializer(_Row):
    class Meta:
        model = Retro
        fields = "__all__"


class ExportTalkingPointSerializer(_Row):
    class Meta:
        model = TalkingPoint
        fields = "__all__"


class ExportAgendaCommentSerializer(_Row):
    class Meta:
        model = AgendaComment
        fields = "__all__"


class ExportPrivateNoteSerializer(_Row):
    class Meta:
        model = PrivateNote
        fields = "__all__"


class ExportQuestionSerializer(_Row):
    class Meta:
        model = Question
        fields = "__all__"


class ExportFeedbackCycleSerializer(_Row):
    questions = ExportQuestionSerializer(many=True)

    class Meta:
        model = FeedbackCycle
        exclude = ["tandem", "open_notified_at", "closing_reminded_at"]


class ExportAnswerSerializer(_Row):
    class Meta:
        model = Answer
        exclude = ["entry"]


class ExportAmendmentSerializer(_Row):
    class Meta:
        model = Amendment
        exclude = ["entry"]


class ExportFeedbackEntrySerializer(_Row):
    answers = ExportAnswerSerializer(many=True)
    amendments = ExportAmendmentSerializer(many=True)

    class Meta:
        model = FeedbackEntry
        fields = "__all__"


class ExportAppreciationSerializer(_Row):
    class Meta:
        model = Appreciation
        exclude = ["tandem"]


class ExportNoticeSerializer(_Row):
    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "urgent",
            "due_at",
            "delivered_at",
            "read_at",
            "created_at",
        ]


class TandemExportSerializer(serializers.Serializer[Any]):
    format = serializers.CharField(help_text=f"Always {EXPORT_FORMAT!r} for this shape.")
    exported_at = serializers.DateTimeField()
    exported_by = serializers.IntegerField(help_text="The user id of the member who exported.")
    tandem = ExportTandemSerializer()
    members = ExportMemberSerializer(many=True)
    former_members = ExportFormerMemberSerializer(many=True)
    invitations = ExportInvitationSerializer(many=True)
    goals = ExportGoalSerializer(many=True)
    goal_milestones = ExportGoalMilestoneSerializer(many=True)
    goal_checkins = ExportGoalCheckInSerializer(many=True)
    decision_areas = ExportDecisionAreaSerializer(many=True)
    matrix_changes = ExportMatrixChangeSerializer(many=True)
    elevations = ExportElevationSerializer(many=True)
    decisions = ExportDecisionSerializer(many=True)
    checkin_series = ExportCheckInSeriesSerializer(many=True)
    occurrences = ExportOccurrenceSerializer(many=True)
    agenda_items = ExportAgendaItemSerializer(many=True)
    action_items = ExportActionItemSerializer(many=True)
    retros = ExportRetroSerializer(many=True)
    talking_points = ExportTalkingPointSerializer(
        many=True, help_text="Every version of each series' standing agenda."
    )
    agenda_comments = ExportAgendaCommentSerializer(many=True)
    private_notes = ExportPrivateNoteSerializer(
        many=True, help_text="The exporting member's own private notes only, never the partner's."
    )
    feedback_cycles = ExportFeedbackCycleSerializer(many=True)
    feedback_entries = ExportFeedbackEntrySerializer(
        many=True, help_text="Only those the exporting member may see (the blind rule)."
    )
    appreciations = ExportAppreciationSerializer(many=True)
    notices = ExportNoticeSerializer(
        many=True, help_text="The exporting member's own notices about this tandem."
    )


def tandem_export(*, membership: Membership) -> dict[str, Any]:
    """Everything of the member's tandem they may see; records the export in the audit
    log. A fixed number of queries, whatever the amount of data."""
    user = membership.user
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "exported_by": user.pk,
        **tandem_selectors.tandem_export_rows(membership=membership),
        **delegation_selectors.delegation_export_rows(membership=membership),
        **checkins_selectors.checkins_export_rows(membership=membership),
        **feedback_selectors.feedback_export_rows(membership=membership),
        **notification_selectors.notifications_export_rows(membership=membership),
    }
    tandem = membership.tandem
    audit_record(action=AuditAction.DATA_EXPORTED, actor=user, tandem=tandem, target=tandem)
    return data
