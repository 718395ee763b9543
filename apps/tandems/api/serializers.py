from rest_framework import serializers

from apps.accounts.api.serializers import TimezoneField, UserSerializer
from apps.core.api.serializers import InputSerializer, MultiLineCharField, StrictModelSerializer
from apps.tandems.models import (
    FormerMember,
    Goal,
    GoalMeasure,
    GoalStatus,
    Invitation,
    Membership,
    Role,
    Tandem,
)
from apps.tandems.selectors import goal_progress
from apps.tandems.services import GOAL_POSITION_MAX, GOAL_VALUE_MAX


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user = UserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "role", "user", "created_at"]
        read_only_fields = fields


class FormerMemberSerializer(serializers.ModelSerializer[FormerMember]):
    """Who sat in a seat before: names in the tandem's history that belong to one of these
    people (and to no current member) are a former member's."""

    user = UserSerializer(read_only=True)

    class Meta:
        model = FormerMember
        fields = ["id", "role", "user", "joined_at", "left_at", "departure"]
        read_only_fields = fields


class TandemSerializer(serializers.ModelSerializer[Tandem]):
    members = MembershipSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Tandem
        fields = ["id", "name", "vision", "timezone", "members", "created_at", "updated_at"]
        read_only_fields = fields


class TandemCreateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=120)
    role = serializers.ChoiceField(choices=Role.choices, help_text="The seat the creator takes.")
    vision = MultiLineCharField(max_length=5000, allow_blank=True, required=False)
    timezone = TimezoneField(required=False)


class TandemUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    vision = MultiLineCharField(max_length=5000, allow_blank=True, required=False)
    timezone = TimezoneField(required=False)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    invited_by = UserSerializer(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "email_sent_at",
            "created_at",
        ]
        read_only_fields = fields


class InvitationCreatedSerializer(InvitationSerializer):
    accept_url = serializers.CharField(
        read_only=True, help_text="Shown once; the token is not stored."
    )
    token = serializers.CharField(read_only=True, help_text="Shown once; not stored.")

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "token", "accept_url"]
        read_only_fields = fields


class InvitationCreateInputSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationAcceptInputSerializer(InputSerializer):
    token = serializers.CharField(max_length=100)


class InvitationPreviewSerializer(serializers.Serializer[Invitation]):
    tandem_name = serializers.CharField(source="tandem.name")
    role = serializers.CharField()
    invited_by = serializers.CharField(source="invited_by.name")
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()


class GoalSerializer(StrictModelSerializer):
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    measure = serializers.ChoiceField(
        choices=GoalMeasure.choices,
        required=False,
        help_text="How progress is measured: none, a number from start to target, or "
        "milestones (`/goals/<id>/milestones/`).",
    )
    progress = serializers.SerializerMethodField(
        help_text="How far the goal has come, 0-100; null without a measure (or without "
        "milestones)."
    )
    milestones_done = serializers.SerializerMethodField()
    milestones_total = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "title",
            "description",
            "assistant_role",
            "status",
            "position",
            "measure",
            "start_value",
            "current_value",
            "target_value",
            "unit",
            "progress",
            "milestones_done",
            "milestones_total",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Bounded like the positions the service gives (after the last one, at most this).
        extra_kwargs = {
            "position": {"required": False, "max_value": GOAL_POSITION_MAX},
            **{
                name: {"max_value": GOAL_VALUE_MAX, "min_value": -GOAL_VALUE_MAX}
                for name in ("start_value", "current_value", "target_value")
            },
        }

    def get_progress(self, goal: Goal) -> int | None:
        return goal_progress(goal)

    def _counts(self, goal: Goal) -> tuple[int, int]:
        if hasattr(goal, "milestones_total"):
            return goal.milestones_done, goal.milestones_total  # type: ignore[attr-defined]
        return goal.milestones.filter(done=True).count(), goal.milestones.count()

    def get_milestones_done(self, goal: Goal) -> int:
        return self._counts(goal)[0]

    def get_milestones_total(self, goal: Goal) -> int:
        return self._counts(goal)[1]
