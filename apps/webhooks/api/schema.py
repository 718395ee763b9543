"""The events Tandem sends, as the OpenAPI schema documents them
(SPECTACULAR_SETTINGS["WEBHOOKS"]): one entry per event, its request body the versioned
envelope. Serializers here describe only; they never read input.

The schema is OpenAPI 3.1: the entries make its `webhooks` section (what Swagger UI and Redoc
show as webhooks); their bodies are ordinary components (`DecisionLoggedEvent`, …)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiWebhook, extend_schema, inline_serializer
from rest_framework import serializers

from apps.webhooks.events import EVENTS, TEST

# drf-spectacular leaves an OpenApiWebhook's parameters out: `webhook_headers` (a
# postprocessing hook) puts these into every webhook operation.
HEADERS: list[dict[str, Any]] = [
    {
        "in": "header",
        "name": "webhook-id",
        "required": True,
        "schema": {"type": "string", "pattern": "^msg_[A-Za-z0-9_-]+$"},
        "description": "The event's id (msg_…): the same for every try and for a redelivery.",
    },
    {
        "in": "header",
        "name": "webhook-timestamp",
        "required": True,
        "schema": {"type": "integer"},
        "description": "When this try was signed, in seconds since 1970 (UTC).",
    },
    {
        "in": "header",
        "name": "webhook-signature",
        "required": True,
        "schema": {"type": "string"},
        "description": "v1,<base64 of HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}' "
        "keyed with the base64-decoded part of the endpoint's secret after whsec_>.",
    },
]


class WebhookTandemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WebhookSubjectSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="decision, check_in, agenda_item, action_item, …")
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField(help_text="Its page in Tandem (members sign in to see it).")


class WebhookDecisionSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    classification = serializers.CharField()
    answer = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField()


class WebhookCheckInSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    agenda_items = serializers.IntegerField()


class WebhookAgendaItemSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    check_in_start = serializers.DateTimeField()


class WebhookActionItemSerializer(serializers.Serializer[Any]):
    due_date = serializers.DateField()


class WebhookMatrixChangeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="created, updated, elevated, archived, restored")
    old = serializers.JSONField(allow_null=True, help_text="The area's terms before.")
    new = serializers.JSONField(help_text="The area's terms after.")


# Each event's own part of `data`, beside `tandem` and `subject`.
EXTRA: dict[str, tuple[str, type[serializers.Serializer[Any]]] | None] = {
    "decision.logged": ("decision", WebhookDecisionSerializer),
    "decision.answered": ("decision", WebhookDecisionSerializer),
    "decision.needs_acknowledgement": ("decision", WebhookDecisionSerializer),
    "checkin.reminder": ("check_in", WebhookCheckInSerializer),
    "agenda_item.added": ("agenda_item", WebhookAgendaItemSerializer),
    "action_item.due": ("action_item", WebhookActionItemSerializer),
    "feedback.revealed": None,
    "matrix.changed": ("change", WebhookMatrixChangeSerializer),
    TEST: None,
}


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace(".", "_").split("_"))


def _webhook(event_type: str) -> OpenApiWebhook:
    name = _pascal(event_type)
    fields: dict[str, serializers.Field[Any, Any, Any, Any]] = {
        "tandem": WebhookTandemSerializer(),
        "subject": WebhookSubjectSerializer(),
    }
    extra = EXTRA[event_type]
    if extra is not None:
        fields[extra[0]] = extra[1]()
    data = inline_serializer(f"{name}EventData", fields)
    envelope = inline_serializer(
        f"{name}Event",
        {
            "type": serializers.ChoiceField(choices=[event_type]),
            "version": serializers.ChoiceField(choices=[1], help_text="The payload's version."),
            "timestamp": serializers.DateTimeField(help_text="When the event happened (UTC)."),
            "data": data,
        },
    )
    label = EVENTS.get(event_type, "A test event, sent on request")
    return OpenApiWebhook(
        name=event_type,
        decorator=extend_schema(
            summary=str(label),
            description="Sent to a standard-format endpoint subscribed to this event. A 2xx "
            "answer is a success; anything else, a timeout or no answer is retried "
            "(docs/integrations.md). Slack and Teams endpoints receive a message made from it.",
            request=envelope,
            responses={200: None},
        ),
    )


# SPECTACULAR_SETTINGS["WEBHOOKS"] imports each entry by name.
DECISION_LOGGED = _webhook("decision.logged")
DECISION_ANSWERED = _webhook("decision.answered")
DECISION_NEEDS_ACKNOWLEDGEMENT = _webhook("decision.needs_acknowledgement")
CHECKIN_REMINDER = _webhook("checkin.reminder")
AGENDA_ITEM_ADDED = _webhook("agenda_item.added")
ACTION_ITEM_DUE = _webhook("action_item.due")
FEEDBACK_REVEALED = _webhook("feedback.revealed")
MATRIX_CHANGED = _webhook("matrix.changed")
WEBHOOK_TEST = _webhook(TEST)


def webhook_headers(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Postprocessing hook: the Standard Webhooks headers on every webhook operation."""
    for item in result.get("webhooks", {}).values():
        for operation in item.values():
            operation["parameters"] = [dict(header) for header in HEADERS]
    return result
