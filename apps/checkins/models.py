"""Recurring check-ins: series, the occurrences someone touched, agendas, action items, retros
and the personal iCalendar feeds.

Occurrences are computed from the series' RRULE (see `recurrence/`); a row exists only for
an occurrence someone touched (agenda, notes, skip, move, retro), keyed by its computed start.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import validate_timezone
from apps.checkins.recurrence import Recurrence, Schedule, from_rrule
from apps.core.models import TimeStampedModel
from apps.tandems.models import Tandem


class CheckInSeries(TimeStampedModel):
    """A recurring check-in of one tandem.

    Invariants:
    - `rule` is an RRULE line that `recurrence.from_rrule` accepts, `start_date` its first
      real occurrence (the DTSTART date), `local_time` a wall time in `timezone` (so 09:00 in
      Berlin stays 09:00 across DST), `last_date` exactly `last_local_date(rule, start_date)`.
      All four are written only by the services, together.
    - `duration` and `reminder_lead` are positive.
    - Changing the timing from a date on never rewrites the past: the series is ended the day
      before (its rule gets an UNTIL) and a new series with `previous` = this one continues.
    - `stopped_at` is the moment `active` last turned False, and empty while active: the
      calendar feed ends a stopped series there (its past stays, its future leaves calendars).
    - `sequence` is the iCalendar SEQUENCE: raised by one (with `updated_at`) on every change a
      calendar shows, i.e. title, stop, skip, restore, move or new timing, so clients that
      imported an event replace it.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="checkin_series")
    title = models.CharField(_("title"), max_length=200)
    rule = models.CharField(_("recurrence rule"), max_length=200)
    start_date = models.DateField(_("first date"))
    local_time = models.TimeField(_("local start time"))
    timezone = models.CharField(_("timezone"), max_length=64, validators=[validate_timezone])
    duration = models.DurationField(_("duration"))
    last_date = models.DateField(_("last date"), null=True, blank=True, editable=False)
    reminder_lead = models.DurationField(_("reminder lead time"), default=timedelta(hours=1))
    active = models.BooleanField(_("active"), default=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="continued_by"
    )

    class Meta:
        ordering = ["tandem_id", "start_date", "id"]
        verbose_name = _("check-in series")
        verbose_name_plural = _("check-in series")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0)), name="checkins_series_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(reminder_lead__gt=timedelta(0)),
                name="checkins_series_lead_positive",
            ),
            models.CheckConstraint(
                condition=Q(last_date__isnull=True) | Q(last_date__gte=models.F("start_date")),
                name="checkins_series_last_after_first",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def recurrence(self) -> Recurrence:
        return from_rrule(self.rule)

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            rule=self.rule,
            start_date=self.start_date,
            local_time=self.local_time,
            timezone=self.timezone,
            last_date=self.last_date,
        )

    def has_ended_by(self, day: date) -> bool:
        return self.last_date is not None and self.last_date < day


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SKIPPED = "skipped", _("Skipped")
    MOVED = "moved", _("Moved")
    HELD = "held", _("Held")


class Occurrence(TimeStampedModel):
    """One occurrence of a series that someone touched.

    Invariants:
    - `original_start` is an aware UTC start the series' rule computes; unique per series. It
      identifies the occurrence even after a move.
    - `moved_to` is set when the status is MOVED, may stay set once it is HELD (where it really
      took place), and is empty while SCHEDULED or SKIPPED.
    - `changed_by` is the member who last skipped, moved or restored it (Insights counts
      skips and moves by person, the partner is told who did it); empty when nobody did, when
      a series' new timing skipped it, for rows older than the field, or once that person's
      account is erased.
    """

    series = models.ForeignKey(CheckInSeries, on_delete=models.CASCADE, related_name="occurrences")
    original_start = models.DateTimeField(_("computed start"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.SCHEDULED,
    )
    moved_to = models.DateTimeField(_("moved to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=20000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["series_id", "original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="checkins_one_row_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(status="moved", moved_to__isnull=False)
                | Q(status="held")
                | Q(status__in=["scheduled", "skipped"], moved_to__isnull=True),
                name="checkins_moved_to_iff_moved",
            ),
        ]
        indexes = [
            models.Index(fields=["series", "moved_to"]),
            # Where each meeting took place (its new time, else its planned start), per
            # series: the retros of a month's meetings (`retros_met_between`, Insights) read
            # that month's occurrences of the tandem's series, not all of them.
            models.Index(
                F("series"), Coalesce("moved_to", "original_start"), name="checkins_occurrence_met"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} @ {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def start(self) -> datetime:
        return self.moved_to or self.original_start


class AgendaKind(models.TextChoices):
    QUESTION = "question", _("Question")
    UPDATE = "update", _("Update")
    DECISION_NEEDED = "decision_needed", _("Decision needed")
    PRIORITY = "priority", _("Priority")
    DISAGREEMENT = "disagreement", _("Disagreement")
    MISTAKE_LEARNING = "mistake_learning", _("Mistake / learning")


class AgendaItem(TimeStampedModel):
    """A topic on an occurrence's agenda.

    Invariants:
    - Only the author edits `text` and `kind`; either member orders and resolves.
    - An unresolved item of a past occurrence is carried to the next one as a new item with
      `carried_from` pointing back (at most one carry per item), so each occurrence keeps the
      agenda it really had.
    - `decision` and `goal`, if set, belong to the same tandem; a carried item keeps both.
    - `tandem` is its occurrence's series' tandem, written with the item (an item never moves
      to another tandem's occurrence). It is kept on the row so that a tandem's topics of a
      month are read from an index on (tandem, created_at) instead of joining every one of
      the tandem's occurrences (Insights counts the topics raised each month).
    """

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="agenda")
    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="+", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AgendaKind.choices)
    text = models.TextField(_("text"), max_length=5000)
    position = models.PositiveIntegerField(_("position"), default=0)
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    decision = models.ForeignKey(
        "delegation.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    action_item = models.ForeignKey(
        "checkins.ActionItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text=_("An overdue action item brought to the meeting instead of a second reminder."),
    )
    goal = models.ForeignKey(
        "tandems.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        ordering = ["occurrence_id", "position", "id"]
        indexes = [
            # The newest first (search's newest matches): read in order until enough match,
            # not every item joined and sorted.
            models.Index(fields=["-created_at", "-id"], name="checkins_agenda_item_new"),
            # A tandem's topics by when they were raised (Insights' month of topics).
            models.Index(fields=["tandem", "created_at"], name="checkins_agenda_item_raised"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItem(TimeStampedModel):
    """A commitment one member of the tandem made.

    Invariants:
    - `owner` is a member of `tandem`; `occurrence`, if set, belongs to the tandem's series.
    - `done_at` is set exactly when the status is DONE. `kept` is recorded when the item is
      closed: True if done on or before `due_date` (in the owner's timezone) or done without
      a due date, False if done late; None while open or when dropped (released by both, not
      broken).
    - `due_reminded_at` is set once, by the reminder that the item is due: never a second one.
    - `feedback_cycle`, if set, is the revealed feedback cycle of the same tandem whose
      agreement this item records (so the history shows where a commitment came from).
    - `goal`, if set, is a goal of the same tandem the commitment works towards.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="action_items")
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("text"), max_length=5000)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    kept = models.BooleanField(null=True, blank=True)
    due_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_cycle = models.ForeignKey(
        "feedback.FeedbackCycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        help_text=_("The feedback cycle this item was agreed in."),
    )
    goal = models.ForeignKey(
        "tandems.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )

    class Meta:
        ordering = ["tandem_id", "due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The tandem's list in its order: a page is read without sorting all the items.
            models.Index(fields=["tandem", "due_date", "id"], name="checkins_action_item_list"),
            # The newest first (the choice of items a thank-you links to, search's newest
            # matches): read in order, not sorted out of every item the tandem has.
            models.Index(fields=["tandem", "-created_at", "-id"], name="checkins_action_item_new"),
            # Each member's commitments by status (the commitments table): counted from the
            # index alone, up to the cap.
            models.Index(
                fields=["tandem", "owner", "status", "kept", "due_date"],
                name="checkins_action_item_owner",
            ),
            # The open ones in the list's order, with their owner (the home pages: someone's
            # first open items and how many): read in order, counted without the table.
            models.Index(
                fields=["tandem", "due_date", "id"],
                include=["owner"],
                condition=Q(status="open"),
                name="checkins_action_item_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | (~Q(status="done") & Q(done_at__isnull=True)),
                name="checkins_done_at_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Retro(TimeStampedModel):
    """One member's view of how effective an occurrence was: one per member and occurrence."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="retros")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_retros"
    )
    effectiveness = models.PositiveSmallIntegerField(_("effectiveness (1–5)"))
    what_would_help = models.TextField(_("what would help"), blank=True, max_length=5000)

    class Meta:
        ordering = ["occurrence_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "member"], name="checkins_one_retro_per_member"
            ),
            models.CheckConstraint(
                condition=Q(effectiveness__gte=1, effectiveness__lte=5),
                name="checkins_retro_effectiveness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} rated {self.effectiveness}"


class CalendarFeed(TimeStampedModel):
    """A person's private iCalendar feed. Only a hash of the URL's token is stored.

    Revoking deletes the row (the old URL answers 404); regenerating replaces the hash.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


class PrivateNote(TimeStampedModel):
    """One person's own notes on one occurrence: only `author` ever reads or writes them.

    Invariants:
    - At most one per author and occurrence; the author was a member of the occurrence's
      tandem when writing it.
    - Never shown to the partner: not in the occurrence's answer for them, not in their
      export, not in search (private notes are not indexed at all), the calendar feed or any
      notice. Every read goes through `selectors.private_note_of`, which filters by author.
    - A new timing of the series that removes the occurrence hands its notes to the meeting
      that receives its agenda (appended to the author's note there), so nothing written is
      lost; erasing the author's account deletes them (nobody else could ever read them).
    """

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("private notes"), max_length=20000)

    class Meta:
        ordering = ["occurrence_id", "author_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "author"], name="checkins_one_private_note_per_author"
            ),
        ]

    def __str__(self) -> str:
        return f"private note of {self.author_id} on {self.occurrence_id}"


class TalkingPoint(TimeStampedModel):
    """A standing agenda point of a series ("priorities this week", "anything blocking
    you?"), shown on the agenda of each of its occurrences.

    Invariants:
    - The standing list is versioned, never rewritten: a point is in force from `added_at`
      until `retired_at` (open while in force). Changing a point's text or kind retires it
      and adds its successor, removing one retires it. So an occurrence that has started
      shows exactly the points in force at its start, whatever the list became later (what a
      held meeting discussed never changes or disappears); one still ahead shows the points in
      force now. A skipped occurrence shows none.
    - Standing points are not agenda items: they are never carried over (each occurrence has
      them anyway) and never copied or moved, so they cannot double on an agenda.
    - A new timing of the series copies every version (with its times) to the series that
      continues it and to each meeting that stays as a single meeting, so each shows the
      same standing agenda as before.
    - `position` orders the points in force; `author` is who added this version.
    """

    series = models.ForeignKey(
        CheckInSeries, on_delete=models.CASCADE, related_name="talking_points"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AgendaKind.choices)
    text = models.CharField(_("text"), max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)
    added_at = models.DateTimeField(_("in force from"))
    retired_at = models.DateTimeField(_("in force until"), null=True, blank=True)

    class Meta:
        ordering = ["series_id", "position", "id"]
        indexes = [models.Index(fields=["series", "retired_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True) | Q(retired_at__gte=models.F("added_at")),
                name="checkins_talking_point_retired_after_added",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class AgendaComment(TimeStampedModel):
    """A comment on an agenda item, so a point can be prepared before the meeting.

    Invariants:
    - Either member comments; only the author removes their own comment. The partner is
      told (one `agenda.comment` notice per comment).
    - A comment stays with the item it was written on; a carried copy of the item shows the
      comments of the items it was carried from too (read along its `carried_from` chain),
      so a point prepared before a skipped meeting is still prepared on the next one.
      An item another person commented on cannot be removed by its author (they resolve it
      instead), so nothing the partner wrote disappears with it.
    """

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5000)

    class Meta:
        ordering = ["item_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
