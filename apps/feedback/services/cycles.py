"""Cycles: opening one, and closing it (by a member who submitted, or by the clock)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from apps.core.errors import Conflict, DomainError
from apps.feedback import rules
from apps.feedback.models import (
    EntryStatus,
    FeedbackCycle,
    Question,
    QuestionKind,
    Recurrence,
)
from apps.feedback.questions import LANGUAGES, TEMPLATES, template_questions
from apps.feedback.services.common import (
    LATE_GRACE,
    MAX_DURATION,
    MAX_QUESTIONS,
    _cycle_locked,
    _text,
)
from apps.feedback.services.entries import _notify_revealed
from apps.tandems.models import Membership


def cycle_create(
    *,
    membership: Membership,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    recurrence: str = Recurrence.NONE,
    template: str | None = None,
    language: str | None = None,
    questions: Iterable[Mapping[str, Any]] | None = None,
) -> FeedbackCycle:
    """A cycle from a built-in template or custom questions (exactly one of the two).

    A naive time is a wall-clock time in the tandem's timezone (for callers in Python, such
    as the demo data). The API never passes one: it refuses a date-time without an offset
    (`apps.core.api.serializers.AwareDateTimeField`), and the web form reads its
    `datetime-local` input in the viewer's timezone.
    """
    title = _text(title, "title")
    tz = membership.tandem.timezone
    opens_at, closes_at = rules.in_timezone(opens_at, tz), rules.in_timezone(closes_at, tz)
    if closes_at <= opens_at:
        raise DomainError(gettext_noop("Must be after opens_at."), field="closes_at")
    if closes_at - opens_at > MAX_DURATION:
        raise DomainError(gettext_noop("A cycle may last at most 92 days."), field="closes_at")
    if recurrence not in Recurrence.values:
        raise DomainError(gettext_noop("Unknown recurrence."), field="recurrence")
    if (template is None) == (questions is None):
        raise DomainError(gettext_noop("Give either a template or questions."), field="questions")
    language = language or membership.user.language
    if language not in LANGUAGES:
        raise DomainError(gettext_noop("Must be en or de."), field="language")
    if template is not None:
        if template not in TEMPLATES:
            raise DomainError(gettext_noop("Unknown template."), field="template")
        rows = template_questions(template, language)
    else:
        rows = []
        for q in questions or []:
            if q.get("kind") not in QuestionKind.values:
                raise DomainError(gettext_noop("Unknown question kind."), field="questions")
            rows.append(("", q["kind"], _text(q.get("text", ""), "questions")))
        if not rows:
            raise DomainError(
                gettext_noop("A cycle needs at least one question."), field="questions"
            )
    if len(rows) > MAX_QUESTIONS:
        message = gettext("At most %(count)d questions.") % {"count": MAX_QUESTIONS}
        raise DomainError(message, field="questions")
    with transaction.atomic():
        cycle = FeedbackCycle.objects.create(
            tandem_id=membership.tandem_id,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            recurrence=recurrence,
            template=template or "",
            language=language,
            created_by_id=membership.user_id,
        )
        Question.objects.bulk_create(
            Question(cycle=cycle, position=i, key=key, kind=kind, text=text)
            for i, (key, kind, text) in enumerate(rows, start=1)
        )
    return cycle


def _close(cycle: FeedbackCycle, now: datetime) -> bool:
    """Close and reveal; a recurring cycle gets its successor. False if already closed."""
    # The conditional update is the claim: a member's close and the periodic task may race;
    # only the one that flips closed_at creates the successor.
    claimed = FeedbackCycle.objects.filter(pk=cycle.pk, closed_at__isnull=True).update(
        closed_at=now, revealed_at=Coalesce("revealed_at", now)
    )
    if not claimed:
        return False
    _notify_revealed(cycle)
    months = rules.MONTHS.get(cycle.recurrence)
    if months:
        tz = cycle.tandem.timezone
        successor = FeedbackCycle.objects.create(
            tandem_id=cycle.tandem_id,
            title=cycle.title,
            opens_at=rules.shift_months(cycle.opens_at, months, tz),
            closes_at=rules.shift_months(cycle.closes_at, months, tz),
            recurrence=cycle.recurrence,
            template=cycle.template,
            language=cycle.language,
            created_by_id=cycle.created_by_id,
            previous=cycle,
        )
        Question.objects.bulk_create(
            Question(cycle=successor, position=q.position, key=q.key, kind=q.kind, text=q.text)
            for q in cycle.questions.order_by("position")
        )
    return True


def cycle_close(
    *, membership: Membership, cycle_id: int, now: datetime | None = None
) -> FeedbackCycle:
    """A member closes the cycle before the periodic task does: what was submitted is
    revealed to both.

    The blind rule: only a member who has submitted their own entry may close. Closing
    reveals the partner's submitted entry, so a member who wrote nothing could otherwise end
    the cycle at will and read the partner's answers without giving any. Such a member waits
    for the cycle to close by itself (`LATE_GRACE` after the deadline), as everyone does who
    did not write. The refusal depends on the closer's own entry only, never on whether the
    partner has written.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cycle = _cycle_locked(membership, cycle_id)
        if cycle.closed_at is not None:
            raise Conflict(gettext_noop("This cycle is closed already."))
        if now < cycle.opens_at:
            raise Conflict(gettext_noop("The cycle has not opened yet."), field="opens_at")
        own_submitted = cycle.entries.filter(
            author_id=membership.user_id, status=EntryStatus.SUBMITTED
        ).exists()
        if not own_submitted:
            raise Conflict(
                gettext_noop(
                    "Submit your own feedback before you close the cycle; otherwise it "
                    "closes by itself after the deadline."
                ),
                field="my_entry",
            )
        _close(cycle, now)
    cycle.refresh_from_db()
    return cycle


def cycles_close_due(*, now: datetime | None = None) -> int:
    """Periodic: close (and reveal) cycles whose grace after the deadline has passed."""
    now = now or timezone.now()
    closed = 0
    due = FeedbackCycle.objects.filter(closed_at__isnull=True, closes_at__lte=now - LATE_GRACE)
    for cycle_id in due.values_list("id", flat=True):
        with transaction.atomic():
            cycle = (
                FeedbackCycle.objects.select_for_update()
                .select_related("tandem")
                .filter(pk=cycle_id, closed_at__isnull=True)
                .first()
            )
            if cycle is not None and _close(cycle, now):
                closed += 1
    return closed
