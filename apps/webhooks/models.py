"""Outgoing webhooks: a tandem's endpoints and the log of what was sent to each.

An `Endpoint` is a URL a member of the tandem asked Tandem to tell about chosen events,
signed as the Standard Webhooks specification says (or shaped for a Slack or Microsoft Teams
incoming webhook). A `WebhookDelivery` is one event for one endpoint, and its log; the
dispatcher moves it through its states like a notice's delivery:

    pending ──claim──▶ claimed ──▶ sending ──2xx──▶ sent
       ▲                  │           │  └─too many tries / endpoint off─▶ failed
       └──lease expired───┴───────────┴──error, timeout, non-2xx (later deliver_at)
    pending ──endpoint disabled or deleted──▶ skipped
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EndpointFormat(models.TextChoices):
    STANDARD = "standard", _("Standard Webhooks (JSON)")
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams incoming webhook")


class Endpoint(models.Model):
    """Where a tandem's events go.

    Invariants:
    - `secret_sealed` is the signing secret (`whsec_…`) encrypted with a key derived from
      SECRET_KEY (`apps.webhooks.sealing`): the database alone does not reveal it. It is shown
      once, when the endpoint is created.
    - `events` lists names of `apps.webhooks.events.EVENTS`, at least one.
    - `language` is its creator's language when it was created: the Slack and Teams messages
      are written in it.
    - `failures_in_a_row` counts failed tries since the last success; at
      TANDEM_WEBHOOK_DISABLE_AFTER the endpoint is switched off (`enabled` false,
      `disabled_reason` says why) and its creator gets a notice. Switching it on again resets
      the count.
    """

    tandem = models.ForeignKey("tandems.Tandem", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(
        _("format"), max_length=10, choices=EndpointFormat.choices, default=EndpointFormat.STANDARD
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    language = models.CharField(_("language"), max_length=10, default="en")
    secret_sealed = models.TextField(editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(_("why it is off"), max_length=200, blank=True)
    failures_in_a_row = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.format} webhook {self.pk} of tandem {self.tandem_id}"


class WebhookState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CLAIMED = "claimed", _("Claimed")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class WebhookDelivery(models.Model):
    """One event for one endpoint, and its log.

    Invariants:
    - `event_id` (`msg_…`) is the `webhook-id` header: the same for every try and for a
      redelivery, so a receiver can drop what it has seen. One row per (endpoint, event id).
    - `payload` is the versioned event (`{"type", "version", "timestamp", "data"}`), frozen
      when the event happened; the Slack and Teams messages are made from it when sent.
    - Claimed and sent as `apps.notifications.models.Delivery` is: every transition is a
      conditional update on state and `claim_token`; `claimed_until` is the lease after which
      the sweeper puts the row back to pending. A row that was `sending` then may have
      reached the receiver: it is sent again (at least once) and counted in
      `suspected_duplicates`.
    - `status_code`, `latency_ms`, `error` describe the last try; `deliver_at` of a pending
      row is its next try.
    """

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(_("event id"), max_length=40)
    event_type = models.CharField(_("event"), max_length=50)
    payload = models.JSONField()
    state = models.CharField(
        _("state"), max_length=10, choices=WebhookState.choices, default=WebhookState.PENDING
    )
    deliver_at = models.DateTimeField(_("next try"))
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tries"), default=0)
    suspected_duplicates = models.PositiveIntegerField(_("possibly duplicated"), default=0)
    status_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhooks_one_delivery_per_event"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in WebhookState]),
                name="webhooks_delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["claimed", "sending"]) | Q(claimed_until__isnull=False),
                name="webhooks_delivery_held_with_lease",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deliver_at", "id"], condition=Q(state="pending"), name="webhooks_due"
            ),
            # An endpoint's log in its order: the newest page read without sorting all the
            # endpoint's deliveries (they grow with every event, for years).
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhooks_delivery_log"),
            models.Index(
                fields=["claimed_until"],
                condition=Q(state__in=["claimed", "sending"]),
                name="webhooks_leases",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} to endpoint {self.endpoint_id}: {self.state}"
