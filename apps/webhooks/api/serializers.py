from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import InputSerializer
from apps.webhooks.events import EVENTS
from apps.webhooks.models import Endpoint, EndpointFormat, WebhookDelivery

EVENT_CHOICES = list(EVENTS)


class EndpointSerializer(serializers.ModelSerializer[Endpoint]):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES))

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "format",
            "description",
            "events",
            "language",
            "enabled",
            "disabled_reason",
            "failures_in_a_row",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (whsec_…), shown only in this answer.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


def _url(**kwargs: Any) -> serializers.URLField:
    # The pattern puts in the schema what the field refuses anyway (no spaces, a scheme).
    return serializers.URLField(
        max_length=500, validators=[RegexValidator(r"^https?://\S+$")], **kwargs
    )


class EndpointCreateInputSerializer(InputSerializer):
    url = _url()
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), min_length=1, max_length=20
    )
    format = serializers.ChoiceField(
        choices=EndpointFormat.choices, required=False, default=EndpointFormat.STANDARD
    )
    description = serializers.CharField(max_length=200, allow_blank=True, required=False)


class EndpointUpdateInputSerializer(InputSerializer):
    url = _url(required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES),
        min_length=1,
        max_length=20,
        required=False,
    )
    format = serializers.ChoiceField(choices=EndpointFormat.choices, required=False)
    description = serializers.CharField(max_length=200, allow_blank=True, required=False)
    enabled = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    next_try = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "state",
            "attempts",
            "status_code",
            "latency_ms",
            "error",
            "suspected_duplicates",
            "next_try",
            "sent_at",
            "created_at",
            "payload",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_try(self, delivery: WebhookDelivery) -> datetime | None:
        """When the next try is due, while the delivery waits for one."""
        return delivery.deliver_at if delivery.state == "pending" else None
