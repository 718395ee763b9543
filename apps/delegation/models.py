"""The decision-rights matrix of a tandem, its history, temporary elevations, and the
decision log classified against it.

The rules themselves live in `classification.py` (pure) and `services.py` (writes); these
tables state what must always hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.delegation.classification import AuthorityLevel, Classification, MatrixTerms
from apps.tandems.models import Goal, Role, Tandem


class Level(models.IntegerChoices):
    """The Delegation Poker scale as stored; values mirror `AuthorityLevel`."""

    TELL = AuthorityLevel.TELL.value, _("1 Tell")
    SELL = AuthorityLevel.SELL.value, _("2 Sell")
    CONSULT = AuthorityLevel.CONSULT.value, _("3 Consult")
    AGREE = AuthorityLevel.AGREE.value, _("4 Agree")
    ADVISE = AuthorityLevel.ADVISE.value, _("5 Advise")
    INQUIRE = AuthorityLevel.INQUIRE.value, _("6 Inquire")
    DELEGATE = AuthorityLevel.DELEGATE.value, _("7 Delegate")


class ClassificationChoice(models.TextChoices):
    """`Classification` as stored; values mirror the pure enum and never change."""

    WITHIN_AUTHORITY = Classification.WITHIN_AUTHORITY.value, _("Within authority")
    INFORM = Classification.INFORM.value, _("Inform")
    NEEDS_AGREEMENT = Classification.NEEDS_AGREEMENT.value, _("Needs agreement")
    NEEDS_ADVICE = Classification.NEEDS_ADVICE.value, _("Needs advice")
    OUTSIDE_AUTHORITY = Classification.OUTSIDE_AUTHORITY.value, _("Outside authority")
    NO_AREA = Classification.NO_AREA.value, _("No area")


_LEVEL_RANGE = Q(level__gte=1, level__lte=7)


def logged_late_after() -> timedelta:
    """How long after it was taken a decision may be logged before it shows as logged late
    (setting `TANDEM_DELEGATION_LOGGED_LATE_DAYS`)."""
    return timedelta(days=settings.TANDEM_DELEGATION_LOGGED_LATE_DAYS)


class DecisionArea(TimeStampedModel):
    """One row of a tandem's decision-rights matrix.

    Invariants:
    - `level` is on the Delegation Poker scale (1-7).
    - The money limit is all or nothing: `limit_amount` (>= 0), `limit_currency` (ISO 4217
      code) and `level_above_limit` are either all set or all empty; the level above the
      limit is strictly lower than `level` (a limit that gives more room would be no limit).
    - Only the leader changes these terms, through `services.area_create/area_update`, and
      every change writes a `MatrixChange`; so the history reconstructs the terms in force
      at any moment. Areas are never deleted: decisions refer to them.
    - `name` is unique within the tandem, regardless of case.
    - `goal`, if set, belongs to the same tandem.
    - Archiving (`services.area_archive`) takes an area out of the matrix in force:
      `archived_at` is set exactly while it is archived, and from that moment no decision is
      logged in it, no elevation granted and no growth suggested; its decisions and history
      stay. Archiving and restoring are recorded as matrix changes.
    - `growth_dismissed_at` is when the leader last said "not now" to the area's growth
      suggestion: only requests answered after it count towards the next suggestion, so the
      same approvals never suggest a raise twice.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="decision_areas")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    boundaries = models.TextField(_("boundaries and examples"), blank=True, max_length=5000)
    level = models.PositiveSmallIntegerField(_("authority level"), choices=Level.choices)
    limit_amount = models.DecimalField(
        _("money limit"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    limit_currency = models.CharField(_("currency of the limit"), max_length=3, blank=True)
    level_above_limit = models.PositiveSmallIntegerField(
        _("level above the limit"), choices=Level.choices, null=True, blank=True
    )
    review_on = models.DateField(_("review on"), null=True, blank=True)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision_areas"
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    growth_dismissed_at = models.DateTimeField(
        _("growth suggestion dismissed at"), null=True, blank=True
    )

    class Meta:
        ordering = ["tandem_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                "tandem", Lower("name"), name="delegation_area_name_unique_in_tandem"
            ),
            models.CheckConstraint(condition=_LEVEL_RANGE, name="delegation_area_level_valid"),
            models.CheckConstraint(
                condition=Q(
                    limit_amount__isnull=True, limit_currency="", level_above_limit__isnull=True
                )
                | (
                    Q(limit_amount__gte=0, level_above_limit__gte=1)
                    & ~Q(limit_currency="")
                    & Q(level_above_limit__lt=models.F("level"))
                ),
                name="delegation_area_limit_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def terms(self, *, elevated_level: int | None = None) -> MatrixTerms:
        return MatrixTerms(
            level=AuthorityLevel(self.level),
            limit_amount=self.limit_amount,
            level_above_limit=(
                AuthorityLevel(self.level_above_limit) if self.level_above_limit else None
            ),
            elevated_level=AuthorityLevel(elevated_level) if elevated_level else None,
        )


class MatrixChangeKind(models.TextChoices):
    CREATED = "created", _("Area created")
    UPDATED = "updated", _("Area changed")
    ELEVATED = "elevated", _("Temporary elevation")
    ARCHIVED = "archived", _("Area archived")
    RESTORED = "restored", _("Area restored")


class MatrixChange(models.Model):
    """One recorded change of the matrix: who, when, old → new, and why.

    Invariants:
    - Append-only: written by the services in the same transaction as the change, never
      updated or deleted (the admin is read-only).
    - For CREATED and UPDATED, `new` holds all the area's terms after the change (see
      `services.area_terms_snapshot`), so the latest such row at or before a moment gives the
      terms in force at that moment; `old` is None exactly for CREATED.
    - For ELEVATED, `old` is the area's level and `new` the elevation (level, start, end).
    - For ARCHIVED and RESTORED, `old` and `new` are both the area's terms: they do not
      change, the area leaves or re-enters the matrix in force.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="matrix_changes")
    area = models.ForeignKey(DecisionArea, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=MatrixChangeKind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField()
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["tandem", "-changed_at"]),
            models.Index(fields=["area", "changed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="created", old__isnull=True) | ~Q(kind="created"),
                name="delegation_change_created_has_no_old",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.kind} @ {self.changed_at:%Y-%m-%d %H:%M}"


class ElevationQuerySet(models.QuerySet["Elevation"]):
    def active_at(self, moment: object) -> ElevationQuerySet:
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class Elevation(TimeStampedModel):
    """A temporary raise of an area's level, e.g. while the leader travels.

    Invariants:
    - In force from `starts_at` (inclusive) to `ends_at` (exclusive), then it expires by
      itself: nothing has to run for it to end. `ends_at` is after `starts_at`.
    - `level` is higher than the area's level when granted (lowering is a matrix change).
    - Elevations of one area do not overlap, so at most one is in force at a moment.
    - It raises only the level below the money limit (see `classification.classify`).
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="elevations")
    area = models.ForeignKey(DecisionArea, on_delete=models.CASCADE, related_name="elevations")
    level = models.PositiveSmallIntegerField(_("elevated level"), choices=Level.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ElevationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["area", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=_LEVEL_RANGE, name="delegation_elevation_level_valid"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="delegation_elevation_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} → {self.level} until {self.ends_at:%Y-%m-%d %H:%M}"


class DecisionStatus(models.TextChoices):
    NO_ACTION = "no_action", _("Recorded")
    AWAITING_ACKNOWLEDGEMENT = "awaiting_acknowledgement", _("Awaiting acknowledgement")
    AWAITING_ANSWER = "awaiting_answer", _("Awaiting an answer")
    FLAGGED = "flagged", _("Outside authority: for the next check-in")
    NEEDS_AREA = "needs_area", _("No area fits yet")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")


# What the leader still has to do something about: the review queue.
NEEDS_ACTION = (
    DecisionStatus.AWAITING_ACKNOWLEDGEMENT,
    DecisionStatus.AWAITING_ANSWER,
    DecisionStatus.FLAGGED,
    DecisionStatus.NEEDS_AREA,
)
# The leader acknowledges these (seen, discussed); requests are answered instead.
ACKNOWLEDGEABLE = (
    DecisionStatus.AWAITING_ACKNOWLEDGEMENT,
    DecisionStatus.FLAGGED,
    DecisionStatus.NEEDS_AREA,
)
REQUESTS = (ClassificationChoice.NEEDS_AGREEMENT, ClassificationChoice.NEEDS_ADVICE)


class Answer(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    ADVISE = "advise", _("Advise")


class Decision(TimeStampedModel):
    """A decision one member recorded, classified against the matrix in force when taken.

    Invariants:
    - The terms in force (`level_in_force`, `limit_*_in_force`, `level_above_limit_in_force`,
      `elevation`/`elevated_level_in_force`) and the verdict (`classification`,
      `level_applied`, `above_limit`, `under_elevation`) are a snapshot written once by
      `services.decision_log`; later matrix changes never alter them. They are empty exactly
      when there is no area (`classification` NO_AREA).
    - `rationale` is never empty: decisions are explained.
    - `amount` is >= 0; `currency` is set iff `amount` is; where the area has a limit the
      currency is the limit's.
    - A request (needs agreement/advice) has a `due_at`; nothing else has.
    - The answer (`answer`, `answer_comment`, `answered_by`, `answered_at`) is written once,
      by the leader, by a conditional update, and is never changed afterwards; `status` is
      ANSWERED exactly when it is there. The same holds for the acknowledgement.
    - Only the author edits title, rationale and goal, and only while nothing was answered or
      acknowledged. Outcome and lesson may be added later by either member.
    - `agenda_requested_at` is set when the decision asks to go on the tandem's next check-in
      (taken outside authority, or a request left unanswered after its one reminder) and
      cleared, once, by the check-ins app that pulls it onto that agenda
      (`checkins.services.agenda_pull_decisions`): delegation never calls into check-ins.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="decisions")
    area = models.ForeignKey(
        DecisionArea, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_role = models.CharField(_("author's role"), max_length=16, choices=Role.choices)
    title = models.CharField(_("title"), max_length=200)
    rationale = models.TextField(_("rationale"), max_length=5000)
    amount = models.DecimalField(
        _("amount"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    decided_at = models.DateTimeField(_("decided at"))

    # The snapshot of the terms in force when the decision was taken.
    level_in_force = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    limit_amount_in_force = models.DecimalField(null=True, max_digits=12, decimal_places=2)
    limit_currency_in_force = models.CharField(max_length=3, blank=True)
    level_above_limit_in_force = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    elevation = models.ForeignKey(
        Elevation, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    elevated_level_in_force = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    # The verdict.
    classification = models.CharField(max_length=24, choices=ClassificationChoice.choices)
    level_applied = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    above_limit = models.BooleanField(default=False)
    under_elevation = models.BooleanField(default=False)
    status = models.CharField(max_length=32, choices=DecisionStatus.choices)
    due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    agenda_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, blank=True)
    answer_comment = models.TextField(_("comment"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    outcome = models.TextField(_("outcome"), blank=True, max_length=5000)
    lesson = models.TextField(_("lesson"), blank=True, max_length=5000)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["tandem", "-decided_at"]),
            # A tandem's decisions of one status, oldest first (the review queue, what waits
            # on the home pages): the first few read in order, however many there are. The
            # author is in the index too: "your requests waiting" is counted from it alone.
            models.Index(
                fields=["tandem", "status", "created_at", "id"],
                name="delegation_decision_waiting",
                include=["author"],
            ),
            # The whole queue, and the decisions to acknowledge (three statuses), oldest first:
            # an index of one status cannot give several in one order, so a long queue was
            # sorted whole for every page of it.
            models.Index(
                fields=["tandem", "created_at", "id"],
                name="delegation_decision_queue",
                condition=Q(status__in=NEEDS_ACTION),
            ),
            models.Index(
                fields=["tandem", "created_at", "id"],
                name="delegation_decision_to_ack",
                condition=Q(status__in=ACKNOWLEDGEABLE),
            ),
            models.Index(fields=["area", "status", "answered_at"]),
            # An area's latest decisions (the matrix page), newest first.
            models.Index(
                fields=["area", "-decided_at", "-id"], name="delegation_decision_area_new"
            ),
            models.Index(fields=["status", "due_at"]),
            # The decision log's counts per area, classification and level: read from the
            # index alone (selectors.decision_counts), not from the table.
            models.Index(
                fields=["tandem", "area", "classification", "level_applied"],
                name="delegation_decision_counts",
            ),
            # The check-ins' scan reads only the few decisions waiting for an agenda.
            models.Index(
                fields=["agenda_requested_at"],
                condition=Q(agenda_requested_at__isnull=False),
                name="delegation_decision_agenda_req",
            ),
            # Insights counts a range of months by when a request was answered or due, a
            # decision acknowledged or its outcome recorded: only the rows that have one.
            *(
                models.Index(
                    fields=["tandem", moment],
                    condition=Q(**{f"{moment}__isnull": False}),
                    name=f"delegation_decision_{short}",
                )
                for moment, short in (
                    ("answered_at", "answered"),
                    ("due_at", "due"),
                    ("acknowledged_at", "acked"),
                    ("outcome_recorded_at", "outcome"),
                )
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rationale=""), name="delegation_decision_rationale_required"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, currency="") | Q(amount__gte=0) & ~Q(currency=""),
                name="delegation_decision_amount_with_currency",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DecisionStatus.values),
                name="delegation_decision_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(classification__in=ClassificationChoice.values),
                name="delegation_decision_classification_valid",
            ),
            models.CheckConstraint(
                condition=Q(classification__in=REQUESTS, due_at__isnull=False)
                | (~Q(classification__in=REQUESTS) & Q(due_at__isnull=True)),
                name="delegation_decision_request_has_due_date",
            ),
            models.CheckConstraint(
                condition=Q(status="answered", answered_at__isnull=False) & ~Q(answer="")
                | Q(answered_at__isnull=True, answer="") & ~Q(status="answered"),
                name="delegation_decision_answered_consistently",
            ),
            models.CheckConstraint(
                condition=Q(status="acknowledged", acknowledged_at__isnull=False)
                | Q(acknowledged_at__isnull=True) & ~Q(status="acknowledged"),
                name="delegation_decision_acknowledged_consistently",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_action(self) -> bool:
        return self.status in NEEDS_ACTION

    @property
    def logged_late(self) -> bool:
        """Logged more than `logged_late_after()` after it was taken: it was classified
        against the terms of then, which the matrix may have changed since, so the log and
        the review queue point it out."""
        return Decision.was_logged_late(self.created_at, self.decided_at)

    @staticmethod
    def was_logged_late(created_at: datetime | None, decided_at: datetime) -> bool:
        """`logged_late` of a decision read as plain values (called by its class: the API's
        rows of plain values have the model's properties, not its static methods)."""
        if created_at is None:
            return False
        return created_at - decided_at > logged_late_after()

    @property
    def is_overdue(self) -> bool:
        # Without a due date it never is: the clock is read only for a decision with one (a
        # list asks every row, most have none).
        due_at = self.due_at
        return due_at is not None and Decision.was_overdue(self.status, due_at, timezone.now())

    @staticmethod
    def was_overdue(status: str, due_at: datetime | None, now: datetime) -> bool:
        """`is_overdue` at `now` of a decision read as plain values."""
        return status == DecisionStatus.AWAITING_ANSWER and due_at is not None and due_at <= now


class ReviewReminder(TimeStampedModel):
    """ "Remind me tomorrow" on one item of the review queue: the leader's own snooze.

    Invariants:
    - One row per decision and person: snoozing again replaces the reminder, it never adds
      one. `sequence` counts the snoozes; the pending reminder is the notice with the key
      `decision:<id>:reminder:<user>:<sequence>`, and writing a new one withdraws the one
      before it in the same transaction (`services.decision_remind_me`), so at most one
      reminder per decision and person is ever on its way.
    - `remind_at` is the start of the person's next working day (Monday to Friday, 09:00 in
      their timezone); the notice is due then and the e-mail goes out in their hours.
    - A decision that is answered or acknowledged before `remind_at` takes its reminder back
      (nothing is sent about something already done).
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    remind_at = models.DateTimeField(_("remind at"))
    sequence = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["decision_id", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "user"], name="delegation_one_review_reminder_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} → {self.user_id} @ {self.remind_at:%Y-%m-%d %H:%M}"

    @property
    def notice_key(self) -> str:
        return f"decision:{self.decision_id}:reminder:{self.user_id}:{self.sequence}"
