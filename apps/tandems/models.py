"""Tandems, their two members, invitations, and the shared vision and goals.

Every other object in Tandem belongs to exactly one tandem, and only its members see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import validate_timezone
from apps.core.models import TimeStampedModel


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    ASSISTANT = "assistant", _("Assistant")

    @property
    def other(self) -> Role:
        return Role.ASSISTANT if self is Role.LEADER else Role.LEADER


class Tandem(TimeStampedModel):
    """A leader and an assistant who work as partners.

    Invariants:
    - At most one leader and at most one assistant (see `Membership`); a tandem is complete
      when it has both. Until the invited person accepts, it has one member.
    - `timezone` is the tandem's shared clock for things that belong to both (feedback cycles
      open and close in it); each person still sees times in their own timezone.
    - `vision` is the shared picture both work towards; goals hang below it.
    - `has_enabled_webhooks` is true exactly when the tandem has an enabled webhook endpoint
      (denormalised, so a change that emits events skips the endpoint read for the many
      tandems without one). Every path that creates, switches, or deletes an endpoint
      recomputes it under a lock of this row: `apps.webhooks.services.webhooks_flag_sync`.
    """

    name = models.CharField(_("name"), max_length=120)
    vision = models.TextField(_("vision"), blank=True, max_length=5000)
    timezone = models.CharField(
        _("timezone"), max_length=64, default="Europe/Berlin", validators=[validate_timezone]
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="tandems"
    )
    has_enabled_webhooks = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A person's seat in a tandem.

    Invariants (enforced by the database): one leader and one assistant per tandem at most;
    a person holds at most one seat in a tandem (nobody is their own assistant).
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["tandem_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["tandem", "role"], name="tandems_one_per_role"),
            models.UniqueConstraint(fields=["tandem", "user"], name="tandems_one_seat_per_person"),
            models.CheckConstraint(
                condition=Q(role__in=["leader", "assistant"]), name="tandems_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.tandem}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Not accepted, not revoked, not expired: the link still works."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An invitation by e-mail to take the vacant seat of a tandem.

    Invariants:
    - Only a hash of the token is stored; the token itself travels in the e-mail (and is shown
      once to the inviter), so a database leak does not leak working links.
    - Single use: `accepted_at` is set by a conditional update exactly once.
    - At most one pending (not accepted, not revoked) invitation per tandem and role: a new
      one revokes the previous.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), max_length=254)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tandem", "role"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="tandems_one_pending_invitation_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} of {self.tandem}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class GoalMeasure(models.TextChoices):
    NONE = "none", _("No measure")
    NUMBER = "number", _("A number towards a target")
    MILESTONES = "milestones", _("Milestones")


class Goal(TimeStampedModel):
    """A goal of the tandem under its vision, with the assistant's part in it spelt out.

    Decision areas, decisions, action items and agenda items may link to a goal, so vision →
    goals → areas → decisions → commitments reads as one chain ("what did we do for this goal
    this quarter": `apps.goals.selectors.goal_report`).

    How progress is measured (`measure`), chosen by the leader:
    - NONE: the goal has a status only.
    - NUMBER: a number moves from `start_value` towards `target_value` (up or down: "reduce
      open invoices from 40 to 5" works like "raise to 12 newsletters"), `current_value` is
      where it stands, in `unit` ("invoices", "%", "EUR"). Invariant (database constraint):
      with NUMBER all three values are set and the target differs from the start. The
      current value is moved by either member through a check-in that reports it
      (`GoalCheckIn.value`), or by the leader editing the goal.
    - MILESTONES: a checklist (`GoalMilestone`); progress is the share of milestones done.
    Switching the measure keeps what was written: the numbers and milestones stay stored and
    count again when the measure is switched back.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    assistant_role = models.TextField(_("the assistant's role"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    measure = models.CharField(
        _("progress measure"), max_length=16, choices=GoalMeasure.choices, default=GoalMeasure.NONE
    )
    start_value = models.DecimalField(
        _("start value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    current_value = models.DecimalField(
        _("current value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        ordering = ["tandem_id", "position", "id"]
        indexes = [models.Index(fields=["tandem", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(measure="number")
                | (
                    Q(start_value__isnull=False)
                    & Q(current_value__isnull=False)
                    & Q(target_value__isnull=False)
                    & ~Q(target_value=models.F("start_value"))
                ),
                name="tandems_goal_number_measure_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GoalMilestone(TimeStampedModel):
    """One step of a goal measured by milestones: a checklist entry with a done flag.

    Invariants: `done_at` (and `done_by`, unless that person's account is gone) is set exactly
    when `done` is (database constraint). The leader adds, renames and removes milestones
    (like the goal itself); either member ticks one off or opens it again. A milestone that is
    done cannot be removed: what the pair achieved stays on the record.
    """

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["goal_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True, done_at__isnull=False)
                | Q(done=False, done_at__isnull=True, done_by__isnull=True),
                name="tandems_milestone_done_at_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Confidence(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class GoalCheckIn(TimeStampedModel):
    """A short update on a goal by either member, with their confidence that it will be
    reached: "On track: the supplier list is complete".

    Invariants: written once and never changed or removed by a member (a log of how the goal
    went; a newer check-in says what changed). `value`, when given, is the goal's current value
    the author reports; it is set only for a goal measured by a number, and writing the
    check-in moves `Goal.current_value` to it in the same transaction
    (`apps.goals.services.goal_checkin_add`, which also tells the partner).
    """

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("update"), max_length=2000)
    confidence = models.CharField(_("confidence"), max_length=16, choices=Confidence.choices)
    value = models.DecimalField(
        _("current value"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["goal_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["goal", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class Departure(models.TextChoices):
    LEFT = "left", _("left the tandem")
    REMOVED = "removed", _("was removed by the leader")
    ACCOUNT_DELETED = "account_deleted", _("deleted their account")


class FormerMember(TimeStampedModel):
    """A person who held a seat in a tandem and no longer does: the record of a pair that
    changed.

    When a member leaves, is removed by the leader or deletes their account, their
    `Membership` is deleted (so every access check, which asks for a membership, shuts them
    out at once, answering like for any outsider) and one `FormerMember` row keeps who sat in
    which seat from when to when. The seat is then free for a successor, invited like anyone.
    Everything the pair shared stays with the tandem — the matrix, goals, check-ins,
    decisions, action items, revealed feedback — attributed to the person by their user
    row, and shown as a former member's ("Alex (former assistant)") wherever the tandem shows
    names. A person can leave and come back: each stay is one row; a current seat wins.

    Invariants: `left_at` ≥ `joined_at`; `removed_by` is the leader who removed them when
    the departure is `removed`, else null.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="former_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), default=timezone.now)
    departure = models.CharField(_("how they left"), max_length=16, choices=Departure.choices)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tandem_id", "-left_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__gte=models.F("joined_at")),
                name="tandems_former_member_left_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["leader", "assistant"]),
                name="tandems_former_member_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – former {self.role} – {self.tandem}"
