"""Feedback both ways: cycles with blind entries, and ad-hoc appreciation.

The blind rule lives in one place, `selectors.visible_entries`: an entry is visible to its
author always, and to anyone else in the tandem only once it is submitted and its cycle is
revealed. Everything that shows entries (API, history, trends) starts from it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tandems.models import Tandem


class Recurrence(models.TextChoices):
    NONE = "none", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1-5")
    TEXT = "text", _("Text")
    BOTH = "both", _("Rating and text")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class FeedbackCycle(TimeStampedModel):
    """A round of feedback in which each member writes for the other.

    Invariants:
    - `opens_at` < `closes_at`, both aware. `closes_at` is the deadline: entries submitted
      after it count as late. The cycle *closes* (`closed_at`) when a member closes it or
      the periodic task does, `LATE_GRACE` after the deadline; after that nothing is
      submitted any more.
    - `revealed_at` is set exactly once: when the second entry is submitted or when the cycle
      closes, whichever comes first. Before it, nobody sees the other's entry or whether it
      exists.
    - `questions` are a snapshot, copied from a template or given, never changed.
    - A recurring cycle gets exactly one successor (`previous` is unique), created when it
      closes, with the same questions and times moved by the recurrence.
    - `open_notified_at` / `closing_reminded_at` are claimed once by the reminder task.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="feedback_cycles")
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    recurrence = models.CharField(
        _("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.NONE
    )
    template = models.CharField(_("template"), max_length=40, blank=True)
    language = models.CharField(_("language of the questions"), max_length=5, default="en")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycle"
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    revealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    open_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["tandem_id", "-opens_at", "-id"]
        indexes = [
            models.Index(fields=["closed_at", "closes_at"]),
            models.Index(fields=["tandem", "opens_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")),
                name="feedback_cycle_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.tandem})"


class Question(models.Model):
    """One question of a cycle. `key` is the template's question key ("trust"), empty for a
    custom question; trends group by it (or by the text when empty)."""

    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40, blank=True)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)

    class Meta:
        ordering = ["cycle_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "position"], name="feedback_question_pos"),
        ]

    def __str__(self) -> str:
        return self.text


class FeedbackEntry(TimeStampedModel):
    """What one member writes for the other in a cycle.

    Invariants:
    - One entry per author and cycle; `author` and `recipient` are the two members of the
      cycle's tandem, never the same person.
    - `submitted_at` is set exactly when the status is SUBMITTED; a submitted entry and its
      answers never change again (a correction is an `Amendment`).
    - `acknowledged_at` is set once, by the recipient, after the reveal.
    """

    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_written"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_received"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle_id", "id"]
        verbose_name_plural = "feedback entries"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "author"], name="feedback_one_entry_each"),
            models.CheckConstraint(
                condition=~Q(author=models.F("recipient")), name="feedback_not_for_oneself"
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", submitted_at__isnull=False)
                | Q(status="draft", submitted_at__isnull=True),
                name="feedback_submitted_at_iff_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.recipient} in {self.cycle}"


class Answer(models.Model):
    """An answer to one question of the entry's cycle. `reply` is the recipient's reply,
    written after the reveal."""

    entry = models.ForeignKey(FeedbackEntry, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=5000)
    reply = models.TextField(blank=True, max_length=5000)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry_id", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "question"], name="feedback_one_answer_each"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"answer to question {self.question_id}"


class Amendment(models.Model):
    """A visible correction the author adds to a submitted entry; never edited."""

    entry = models.ForeignKey(FeedbackEntry, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"amendment {self.pk}"


class Reaction(models.TextChoices):
    HEART = "heart", _("Heart")
    THANKS = "thanks", _("Thanks back")
    SMILE = "smile", _("Smile")
    CELEBRATE = "celebrate", _("Celebrate")


class Appreciation(TimeStampedModel):
    """A short "thank you for…" from one member to the other, visible at once.

    Invariants: author and recipient are the two members of the tandem; a linked decision or
    action item belongs to the same tandem; only the recipient reacts.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="appreciations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appreciations_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appreciations_received"
    )
    text = models.CharField(_("text"), max_length=500)
    decision = models.ForeignKey(
        "delegation.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_item = models.ForeignKey(
        "checkins.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reaction = models.CharField(max_length=16, choices=Reaction.choices, blank=True)
    reacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tandem_id", "-created_at", "-id"]
        # The tandem's list in its order: a page is read without sorting all the thank-yous.
        indexes = [
            models.Index(fields=["tandem", "-created_at", "-id"], name="feedback_appreciation_list")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(author=models.F("recipient")), name="feedback_no_self_appreciation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.recipient}: {self.text[:40]}"
