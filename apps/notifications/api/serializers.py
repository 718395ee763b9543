from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import InputSerializer
from apps.notifications import kinds
from apps.notifications.models import Notice, NotificationPreferences


def _email_kinds_schema(*, complete: bool) -> dict[str, Any]:
    """An object with one boolean per kind of notice (`apps.notifications.kinds`)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            kind.name: {
                "type": "boolean",
                "description": f"{kind.label} (default: {'on' if kind.email else 'off'})",
            }
            for kind in kinds.KINDS
        },
        "additionalProperties": False,
    }
    if complete:
        schema["required"] = [kind.name for kind in kinds.KINDS]
    return schema


@extend_schema_field(_email_kinds_schema(complete=False))
class EmailKindsField(serializers.Field[dict[str, bool], dict[str, bool], Any, Any]):
    """{kind: true/false} for the kinds to change; a kind left out keeps its setting."""

    def to_internal_value(self, data: Any) -> dict[str, bool]:
        if not isinstance(data, dict):
            raise serializers.ValidationError(gettext("Give an object of kinds and true/false."))
        for name, wanted in data.items():
            if not kinds.is_known(name):
                raise serializers.ValidationError(
                    gettext("Unknown kind of notice: %(kind)s.") % {"kind": name[:50]}
                )
            if not isinstance(wanted, bool):
                raise serializers.ValidationError(gettext("Must be true or false."))
        return dict(data)

    def to_representation(self, value: dict[str, bool]) -> dict[str, bool]:
        return value


class NoticeTandemSerializer(FastSerializerMixin, serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class NoticeSerializer(FastSerializerMixin, serializers.ModelSerializer[Notice]):
    """A notice in the person's inbox."""

    tandem = NoticeTandemSerializer(read_only=True, allow_null=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "tandem",
            "urgent",
            "due_at",
            "delivered_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_is_read(self, obj: Notice) -> bool:
        return obj.read_at is not None


class InboxFilterSerializer(InputSerializer):
    """Query parameters of the inbox list."""

    json_types = False

    unread = serializers.BooleanField(required=False)
    kind = serializers.CharField(required=False, max_length=50)
    tandem = serializers.IntegerField(required=False, min_value=1)


class UnreadCountSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField(read_only=True)


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(read_only=True)


class NotificationPreferencesSerializer(serializers.ModelSerializer[NotificationPreferences]):
    """The person's channels and digest. In-app is always on, for every kind; the hours live
    on /me/."""

    in_app_enabled = serializers.SerializerMethodField()
    email_kinds = serializers.SerializerMethodField(
        help_text="Whether each kind of notice comes by e-mail (when `email_enabled`): the "
        "person's choice, or the kind's default."
    )

    class Meta:
        model = NotificationPreferences
        fields = [
            "in_app_enabled",
            "email_enabled",
            "email_kinds",
            "digest_enabled",
            "digest_threshold",
        ]
        read_only_fields = fields

    def get_in_app_enabled(self, obj: NotificationPreferences) -> bool:
        return True

    @extend_schema_field(_email_kinds_schema(complete=True))
    def get_email_kinds(self, obj: NotificationPreferences) -> dict[str, bool]:
        return kinds.email_choices(obj.email_kinds)


class NotificationPreferencesInputSerializer(InputSerializer):
    email_enabled = serializers.BooleanField(required=False)
    email_kinds = EmailKindsField(
        required=False,
        help_text="E-mail on (true) or off (false) per kind of notice; kinds left out keep "
        "their setting.",
    )
    digest_enabled = serializers.BooleanField(required=False)
    digest_threshold = serializers.IntegerField(required=False, min_value=1, max_value=50)
