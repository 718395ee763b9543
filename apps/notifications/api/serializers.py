from typing import Any

from rest_framework import serializers

from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import InputSerializer
from apps.notifications.models import Notice, NotificationPreferences


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
    """The person's channels and digest. In-app is always on; the hours live on /me/."""

    in_app_enabled = serializers.SerializerMethodField()

    class Meta:
        model = NotificationPreferences
        fields = ["in_app_enabled", "email_enabled", "digest_enabled", "digest_threshold"]
        read_only_fields = fields

    def get_in_app_enabled(self, obj: NotificationPreferences) -> bool:
        return True


class NotificationPreferencesInputSerializer(InputSerializer):
    email_enabled = serializers.BooleanField(required=False)
    digest_enabled = serializers.BooleanField(required=False)
    digest_threshold = serializers.IntegerField(required=False, min_value=1, max_value=50)
