"""Notices, their deliveries per channel, and each person's notification preferences.

A `Notice` is what someone must know ("Alex asks for your advice on …"); it is recorded once
per person and subject by `services.notify`. A `Delivery` is that notice on one channel
(in-app inbox, e-mail); the dispatcher moves it through its states:

    pending ──claim──▶ claimed ──in-app──────────────────▶ sent
       ▲                  │  └──e-mail──▶ sending ──ok──▶ sent
       │                  │                 │  └─permanent / too many tries─▶ failed
       └──lease expired───┴─────────────────┴──transient error (later deliver_at)
    pending ──expires_at passed──▶ expired        pending ──e-mail off──▶ skipped
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_digest_threshold() -> int:
    return int(settings.NOTIFICATIONS_DIGEST_THRESHOLD)


class Notice(models.Model):
    """Something one person must know, about a subject, due at a time.

    Invariants:
    - One notice per (`recipient`, `key`): `key` is the caller's idempotency key for the
      subject ("consult:42", "checkin-reminder:17:2026-03-02"), so notifying twice records one.
    - `title` and `body` are rendered by the caller in the recipient's language.
    - `tandem` is the subject's tandem; it stays the recipient's notice after they leave it.
    - `delivered_at` is set exactly once, by the in-app delivery; only then is the notice in
      the person's inbox. `read_at` only moves from empty to set.
    - All datetimes are aware.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    tandem = models.ForeignKey(
        "tandems.Tandem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
        db_index=False,  # led by the index (tandem, delivered_at) below
    )
    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    urgent = models.BooleanField(_("urgent"), default=False)
    not_after = models.DateTimeField(_("deliver before"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("in inbox since"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notifications_one_notice_per_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-delivered_at"],
                condition=Q(delivered_at__isnull=False),
                name="notifications_inbox",
            ),
            # What is still unread, newest first: the unread count and the inbox's "unread"
            # view read these entries only, not everything a person ever received.
            models.Index(
                fields=["recipient", "-delivered_at"],
                condition=Q(delivered_at__isnull=False, read_at__isnull=True),
                name="notifications_unread",
            ),
            # A tandem's notices by when they reached an inbox: Insights counts a month's
            # reminders of a tandem (`notices_of_tandem_for_insights`) from that month's
            # entries, not by walking every inbox's; it serves the lookups by tandem too.
            models.Index(fields=["tandem", "delivered_at"], name="notifications_tandem_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("E-mail")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLAIMED = "claimed", _("Claimed")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    SKIPPED = "skipped", _("Skipped")


FINAL_STATES = (
    DeliveryState.SENT,
    DeliveryState.FAILED,
    DeliveryState.EXPIRED,
    DeliveryState.SKIPPED,
)


class Delivery(models.Model):
    """One notice on one channel, and its delivery log.

    Invariants:
    - One delivery per (`notice`, `channel`): a retry or a second dispatcher finds the row and
      never creates a second one.
    - `claim_token` names who holds the row (a dispatch pass, then the task that is sending);
      every transition is a conditional update on state and token, so a stale task, a
      redelivered message or a second dispatcher changes nothing.
    - `claimed_until` is set while claimed or sending: the lease after which the sweeper puts
      the row back to pending (its worker died). The dispatcher chooses the lease's length
      (`claimed_until - claimed_at`); the worker renews it for that long when it starts sending.
    - `suspected_duplicates` counts leases that expired while the e-mail was being handed to
      the mail server: the one window in which an e-mail may have gone out twice.
    - `expires_at` is a copy of the notice's (which never changes after `notify`), so the
      dispatcher finds the pending deliveries to drop through an index of their own.
    - `deliver_at` of the in-app delivery is the notice's `due_at`: the person's hours never
      hide the inbox. The e-mail's is that time moved into the person's hours
      (`timing.delivery_time`), computed again whenever their hours change, and pushed back
      after a failed try.
    """

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    deliver_at = models.DateTimeField(_("deliver at"))
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("last claimed at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    suspected_duplicates = models.PositiveIntegerField(_("possibly duplicated"), default=0)
    in_digest = models.BooleanField(_("sent in a digest"), default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        verbose_name_plural = _("deliveries")
        ordering = ["deliver_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "channel"], name="notifications_one_delivery_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["in_app", "email"]),
                name="notifications_delivery_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in DeliveryState]),
                name="notifications_delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["claimed", "sending"]) | Q(claimed_until__isnull=False),
                name="notifications_delivery_held_with_lease",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deliver_at", "id"],
                condition=Q(state="pending"),
                name="notifications_due",
            ),
            models.Index(
                fields=["claimed_until"],
                condition=Q(state__in=["claimed", "sending"]),
                name="notifications_leases",
            ),
            # The dispatcher's and the tasks' lookups: what expires now (not every pending
            # row), and what one claim token holds (only rows in flight carry one).
            models.Index(
                fields=["expires_at"],
                condition=Q(state="pending", expires_at__isnull=False),
                name="notifications_expiring",
            ),
            models.Index(
                fields=["claim_token"],
                condition=Q(claim_token__isnull=False),
                name="notifications_claims",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.notice_id}: {self.state}"


class NotificationPreferences(models.Model):
    """How a person wants to be reached, beyond the hours kept on their account.

    Created lazily (a person without a row has the defaults). The in-app inbox is always on,
    for every kind of notice. E-mail can be switched off altogether (`email_enabled`) or per
    kind (`email_kinds`). With the digest on, more than `digest_threshold` e-mails due in one
    dispatch pass go out as one digest.

    Invariants:
    - `email_kinds` maps a kind of `apps.notifications.kinds.KINDS` to true/false and holds
      only the choices that differ from that kind's default: a person who never chose keeps
      following the defaults (`kinds.email_choices` gives the whole picture).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    email_enabled = models.BooleanField(_("e-mail"), default=True)
    email_kinds = models.JSONField(_("e-mail per kind"), default=dict, blank=True)
    digest_enabled = models.BooleanField(_("digest"), default=True)
    digest_threshold = models.PositiveSmallIntegerField(
        _("digest above"),
        default=default_digest_threshold,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    class Meta:
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_threshold__gte=1, digest_threshold__lte=50),
                name="notifications_digest_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"


class ActionUse(models.Model):
    """An action taken through a link of a notice's e-mail (`apps.notifications.actions`).

    Invariants:
    - At most one per notice (the database decides when two clicks race): a notice's links
      are single-use together — once "Approve" was used, "Reject" of the same e-mail is spent.
    - Written in the transaction of the action itself: an action refused (answered meanwhile
      on the web, the person no longer in the tandem) leaves no row and changes nothing.
    - Deleted with its notice (and so with its person).
    """

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="action_use")
    action = models.CharField(max_length=50)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.action} via notice {self.notice_id}"
