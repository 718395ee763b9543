"""Every write of feedback: one use case per function, keyword-only, in a transaction.

Writes to a cycle's entries lock the cycle row first, so the reveal ("both have submitted")
and the reminders ("who has not submitted") are decided against a consistent picture even
when both members submit at the same moment. Errors never differ by whether the other member
has written anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.checkins import selectors as checkin_selectors
from apps.checkins import services as checkin_services
from apps.checkins.models import ActionItem, OccurrenceStatus
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation.models import Decision
from apps.feedback import rules, selectors
from apps.feedback.models import (
    Amendment,
    Answer,
    Appreciation,
    EntryStatus,
    FeedbackCycle,
    FeedbackEntry,
    Question,
    QuestionKind,
    Reaction,
    Recurrence,
)
from apps.feedback.questions import LANGUAGES, TEMPLATES, template_questions
from apps.notifications.services import notify
from apps.tandems.models import Membership, Tandem
from apps.tandems.selectors import locked_in_tandem, partner_of

# After the deadline (`closes_at`) entries are still accepted, as late, for this long; then
# the periodic task closes the cycle and reveals what was submitted.
LATE_GRACE: Final = timedelta(days=2)
# The "closing soon" reminder goes out this long before the deadline.
CLOSING_LEAD: Final = timedelta(hours=24)
MAX_QUESTIONS: Final = 30
MAX_DURATION: Final = timedelta(days=92)

AnswerInput = Mapping[str, Any]  # {"question": id, "rating": 1-5 | None, "text": str}


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(gettext_noop("This field may not be blank."), field=field)
    return value


# --- cycles ----------------------------------------------------------------------------------


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


def _cycle_locked(membership: Membership, cycle_id: int) -> FeedbackCycle:
    return locked_in_tandem(FeedbackCycle, membership=membership, pk=cycle_id)


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


# --- entries ---------------------------------------------------------------------------------


def _require_accepting(cycle: FeedbackCycle, now: datetime) -> None:
    if cycle.closed_at is not None:
        raise Conflict(
            gettext_noop("This cycle has closed; entries can no longer be changed."), field="cycle"
        )
    if now < cycle.opens_at:
        raise Conflict(gettext_noop("This cycle has not opened yet."), field="cycle")


def _recipient(membership: Membership, recipient_id: int | None) -> User:
    if recipient_id is not None and recipient_id == membership.user_id:
        raise DomainError(
            gettext_noop("You cannot write feedback for yourself."), field="recipient"
        )
    partner = partner_of(membership=membership)
    if partner is None:
        raise Conflict(gettext_noop("The tandem has no second member yet."), field="recipient")
    if recipient_id is not None and recipient_id != partner.user_id:
        raise DomainError(
            gettext_noop("Must be the other member of this tandem."), field="recipient"
        )
    return partner.user


def _check_answers(
    cycle: FeedbackCycle, answers: Iterable[AnswerInput]
) -> dict[int, tuple[int | None, str]]:
    """Validated answers by question id; raises before anything is written."""
    questions = {q.pk: q for q in cycle.questions.all()}
    checked: dict[int, tuple[int | None, str]] = {}
    for answer in answers:
        qid = answer.get("question")
        if not isinstance(qid, int) or (question := questions.get(qid)) is None:
            raise DomainError(
                gettext("Question %(id)s is not part of this cycle.") % {"id": qid}, field="answers"
            )
        if qid in checked:
            raise DomainError(
                gettext("Question %(id)s is answered twice.") % {"id": qid}, field="answers"
            )
        rating = answer.get("rating")
        text = (answer.get("text") or "").strip()
        if rating is not None:
            if question.kind == QuestionKind.TEXT:
                raise DomainError(
                    gettext("Question %(id)s takes no rating.") % {"id": qid}, field="answers"
                )
            if not isinstance(rating, int) or not 1 <= rating <= 5:
                raise DomainError(gettext_noop("A rating must be from 1 to 5."), field="answers")
        if text and question.kind == QuestionKind.RATING:
            raise DomainError(
                gettext("Question %(id)s takes no text.") % {"id": qid}, field="answers"
            )
        checked[qid] = (rating, text)
    return checked


def _write(
    membership: Membership,
    cycle: FeedbackCycle,
    answers: Iterable[AnswerInput] | None,
    recipient_id: int | None,
) -> FeedbackEntry:
    recipient = _recipient(membership, recipient_id)
    checked = _check_answers(cycle, answers or [])
    entry = (
        FeedbackEntry.objects.select_for_update()
        .filter(cycle=cycle, author_id=membership.user_id)
        .first()
    )
    if entry is not None and entry.status == EntryStatus.SUBMITTED:
        raise Conflict(
            gettext_noop(
                "This entry is submitted and cannot be changed; add an amendment instead."
            ),
            field="status",
        )
    if entry is None:
        entry = FeedbackEntry.objects.create(
            cycle=cycle, author_id=membership.user_id, recipient=recipient
        )
    for question_id, (rating, text) in checked.items():
        Answer.objects.update_or_create(
            entry=entry, question_id=question_id, defaults={"rating": rating, "text": text}
        )
    return entry


def entry_save_draft(
    *,
    membership: Membership,
    cycle_id: int,
    answers: Iterable[AnswerInput],
    recipient_id: int | None = None,
    now: datetime | None = None,
) -> FeedbackEntry:
    """Save (create or update) one's own draft for the other; answers not given are kept."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = _cycle_locked(membership, cycle_id)
        _require_accepting(cycle, now)
        return _write(membership, cycle, answers, recipient_id)


def entry_submit(
    *,
    membership: Membership,
    cycle_id: int,
    answers: Iterable[AnswerInput] | None = None,
    recipient_id: int | None = None,
    now: datetime | None = None,
) -> FeedbackEntry:
    """Submit one's entry (saving `answers` first). Every question must be answered: a
    rating where the question asks for one, a text for a text question. The second
    submission reveals the cycle."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = _cycle_locked(membership, cycle_id)
        _require_accepting(cycle, now)
        entry = _write(membership, cycle, answers, recipient_id)
        given = {a.question_id: a for a in entry.answers.all()}
        for question in cycle.questions.order_by("position"):
            answer = given.get(question.pk)
            needs_rating = question.kind in (QuestionKind.RATING, QuestionKind.BOTH)
            if needs_rating and (answer is None or answer.rating is None):
                raise DomainError(
                    gettext("Question %(id)s needs a rating.") % {"id": question.pk},
                    field="answers",
                )
            if question.kind == QuestionKind.TEXT and (answer is None or not answer.text):
                raise DomainError(
                    gettext("Question %(id)s needs a text.") % {"id": question.pk}, field="answers"
                )
        entry.status, entry.submitted_at = EntryStatus.SUBMITTED, now
        entry.save(update_fields=["status", "submitted_at", "updated_at"])
        submitted = cycle.entries.filter(status=EntryStatus.SUBMITTED).count()
        # Conditional: of two submissions racing, one reveals (and tells both).
        revealed = submitted >= 2 and FeedbackCycle.objects.filter(
            pk=cycle.pk, revealed_at__isnull=True
        ).update(revealed_at=now)
        if revealed:
            _notify_revealed(cycle)
    return entry


def _notify_revealed(cycle: FeedbackCycle) -> int:
    """Each member who can now read the partner's entry learns that it is there, once per
    cycle (whoever submitted first would otherwise never hear of it). Asked through the blind
    rule itself (`selectors.visible_entries`), so a notice never announces an entry its
    recipient may not read; a member who receives nothing (the partner wrote nothing) gets
    no notice. Returns how many notices were recorded."""
    sent = 0
    members = Membership.objects.filter(tandem_id=cycle.tandem_id).select_related("user")
    for member in members:
        received = (
            selectors.visible_entries(membership=member)
            .filter(cycle_id=cycle.pk, recipient_id=member.user_id, status=EntryStatus.SUBMITTED)
            .exclude(author_id=member.user_id)
            .select_related("author")
            .first()
        )
        if received is None:
            continue
        user = member.user
        with translation.override(user.language):
            title = gettext("%(name)s's feedback for you is there: “%(title)s”") % {
                "name": received.author.name,
                "title": cycle.title,
            }
            body = gettext("Read it, acknowledge it, and reply where you want to.")
        notify(
            recipient=user,
            tandem=cycle.tandem,
            kind="feedback.revealed",
            key=f"feedback:{cycle.pk}:revealed:{user.pk}",
            title=title,
            body=body,
            url=reverse(
                "feedback:cycle", kwargs={"tandem_id": cycle.tandem_id, "cycle_id": cycle.pk}
            ),
        )
        sent += 1
    return sent


def _own_submitted(membership: Membership, cycle_id: int) -> FeedbackEntry:
    entry = (
        FeedbackEntry.objects.select_for_update()
        .filter(cycle__tandem_id=membership.tandem_id, cycle_id=cycle_id)
        .filter(author_id=membership.user_id)
        .first()
    )
    if entry is None:
        raise NotFound(gettext_noop("You have not written an entry in this cycle."))
    if entry.status != EntryStatus.SUBMITTED:
        raise Conflict(
            gettext_noop("A draft can still be edited; amend only a submitted entry."),
            field="status",
        )
    return entry


def entry_amend(*, membership: Membership, cycle_id: int, text: str) -> Amendment:
    """The author adds a visible correction to their submitted entry."""
    text = _text(text, "text")
    with transaction.atomic():
        entry = _own_submitted(membership, cycle_id)
        return Amendment.objects.create(entry=entry, text=text)


def _received_locked(membership: Membership, cycle_id: int) -> FeedbackEntry:
    # Through the blind selector: before the reveal this is NotFound, exactly as when the
    # other has written nothing.
    entry = (
        selectors.visible_entries(membership=membership)
        .select_for_update()
        .filter(cycle_id=cycle_id, recipient_id=membership.user_id)
        .exclude(author_id=membership.user_id)
        .first()
    )
    if entry is None:
        raise NotFound(gettext_noop("There is no feedback for you to see in this cycle."))
    return entry


def entry_acknowledge(
    *, membership: Membership, cycle_id: int, now: datetime | None = None
) -> FeedbackEntry:
    """The recipient confirms having read the feedback (once)."""
    with transaction.atomic():
        entry = _received_locked(membership, cycle_id)
        if entry.acknowledged_at is not None:
            raise Conflict(gettext_noop("You have acknowledged this feedback already."))
        entry.acknowledged_at = now or timezone.now()
        entry.save(update_fields=["acknowledged_at", "updated_at"])
    return entry


def answer_reply(*, membership: Membership, cycle_id: int, question_id: int, text: str) -> Answer:
    """The recipient replies to one answer of the feedback received (once per answer)."""
    text = _text(text, "text")
    with transaction.atomic():
        entry = _received_locked(membership, cycle_id)
        answer = Answer.objects.select_for_update().filter(entry=entry, question_id=question_id)
        found = answer.first()
        if found is None:
            raise DomainError(
                gettext_noop("Not an answered question of this feedback."), field="question"
            )
        if found.replied_at is not None:
            raise Conflict(
                gettext_noop("You have replied to this answer already."), field="question"
            )
        found.reply, found.replied_at = text, timezone.now()
        found.save(update_fields=["reply", "replied_at"])
    return found


def _next_checkin(tandem: Tandem, now: datetime) -> tuple[int, datetime] | None:
    """(series id, computed start) of the tandem's next check-in that is not skipped."""
    best: tuple[datetime, int, datetime] | None = None
    for series in checkin_selectors.series_of(tandem=tandem).filter(active=True):
        for occ in checkin_selectors.occurrences_next_for(series=series, after=now, n=5):
            if occ.status != OccurrenceStatus.SKIPPED:
                if best is None or occ.start < best[0]:
                    best = (occ.start, series.pk, occ.original_start)
                break
    return (best[1], best[2]) if best else None


def agreement_to_action_item(
    *,
    membership: Membership,
    cycle_id: int,
    text: str,
    owner_id: int,
    due_date: date | None = None,
    now: datetime | None = None,
) -> ActionItem:
    """After the reveal, either member turns an agreement into an action item on the next
    check-in (or a free-standing one if the tandem has no check-ins planned)."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = _cycle_locked(membership, cycle_id)
        if cycle.revealed_at is None:
            raise Conflict(
                gettext_noop("Agreements follow the reveal of the feedback."), field="cycle"
            )
        target = _next_checkin(membership.tandem, now)
        series_id, start = target if target else (None, None)
        return checkin_services.action_item_create(
            membership=membership,
            text=text,
            owner_id=owner_id,
            due_date=due_date,
            series_id=series_id,
            start=start,
            feedback_cycle_id=cycle.pk,
        )


# --- reminders -------------------------------------------------------------------------------


def _remind(cycle: FeedbackCycle, which: str) -> int:
    """Notify each member who has not submitted; the key makes a repeat a no-op."""
    submitted = set(
        cycle.entries.filter(status=EntryStatus.SUBMITTED).values_list("author_id", flat=True)
    )
    sent = 0
    for member in Membership.objects.filter(tandem_id=cycle.tandem_id).select_related("user"):
        user = member.user
        if user.pk in submitted:
            continue
        # The text is the same whether or not the other has written: a reminder never tells.
        with translation.override(user.language):
            if which == "opened":
                title = gettext("Feedback cycle “%(title)s” is open") % {"title": cycle.title}
            else:
                title = gettext("Feedback cycle “%(title)s” closes soon") % {"title": cycle.title}
            body = gettext("Please write your feedback by %(deadline)s.") % {
                "deadline": timezone.localtime(
                    cycle.closes_at, timezone=ZoneInfo(user.timezone)
                ).strftime("%Y-%m-%d %H:%M")
            }
        notify(
            recipient=user,
            tandem=cycle.tandem,
            kind=f"feedback.{which}",
            key=f"feedback:{cycle.pk}:{which}:{user.pk}",
            title=title,
            body=body,
            url=reverse(
                "feedback:cycle", kwargs={"tandem_id": cycle.tandem_id, "cycle_id": cycle.pk}
            ),
            expires_at=cycle.closes_at,
        )
        sent += 1
    return sent


def reminders_send(*, now: datetime | None = None) -> int:
    """Periodic: the "open" and "closes soon" reminders to members who have not submitted,
    each once per cycle; then close cycles past their grace. Returns notices recorded."""
    now = now or timezone.now()
    sent = 0
    opened = FeedbackCycle.objects.filter(
        opens_at__lte=now, closes_at__gt=now, closed_at__isnull=True, open_notified_at__isnull=True
    )
    for cycle_id in opened.values_list("id", flat=True):
        with transaction.atomic():
            cycle = (
                FeedbackCycle.objects.select_for_update().select_related("tandem").get(pk=cycle_id)
            )
            # Claim: two schedulers racing here update one row once; the loser skips.
            if not FeedbackCycle.objects.filter(pk=cycle_id, open_notified_at__isnull=True).update(
                open_notified_at=now
            ):
                continue
            if cycle.closes_at - now <= CLOSING_LEAD:
                # A short cycle: the "open" reminder is the only one, not two at once.
                FeedbackCycle.objects.filter(pk=cycle_id).update(closing_reminded_at=now)
            sent += _remind(cycle, "opened")
    closing = FeedbackCycle.objects.filter(
        Q(opens_at__lte=now) & Q(closes_at__gt=now) & Q(closes_at__lte=now + CLOSING_LEAD),
        closed_at__isnull=True,
        closing_reminded_at__isnull=True,
    )
    for cycle_id in closing.values_list("id", flat=True):
        with transaction.atomic():
            cycle = (
                FeedbackCycle.objects.select_for_update().select_related("tandem").get(pk=cycle_id)
            )
            if not FeedbackCycle.objects.filter(
                pk=cycle_id, closing_reminded_at__isnull=True
            ).update(closing_reminded_at=now):
                continue
            sent += _remind(cycle, "closing")
    cycles_close_due(now=now)
    return sent


# --- appreciation ----------------------------------------------------------------------------


def appreciation_send(
    *,
    membership: Membership,
    text: str,
    decision_id: int | None = None,
    action_item_id: int | None = None,
) -> Appreciation:
    """A short thank-you to the other member, seen at once (and announced in their inbox)."""
    text = _text(text, "text")
    with transaction.atomic():
        recipient = _recipient(membership, None)
        if (
            decision_id is not None
            and not Decision.objects.filter(pk=decision_id, tandem_id=membership.tandem_id).exists()
        ):
            raise DomainError(gettext_noop("No such decision in this tandem."), field="decision")
        if (
            action_item_id is not None
            and not ActionItem.objects.filter(
                pk=action_item_id, tandem_id=membership.tandem_id
            ).exists()
        ):
            raise DomainError(
                gettext_noop("No such action item in this tandem."), field="action_item"
            )
        appreciation = Appreciation.objects.create(
            tandem_id=membership.tandem_id,
            author_id=membership.user_id,
            recipient=recipient,
            text=text,
            decision_id=decision_id,
            action_item_id=action_item_id,
        )
        with translation.override(recipient.language):
            title = gettext("%(name)s says thank you") % {
                "name": membership.user.display_name or membership.user.email
            }
        notify(
            recipient=recipient,
            tandem=membership.tandem,
            kind="feedback.appreciation",
            key=f"appreciation:{appreciation.pk}",
            title=title,
            body=text,
            url=reverse("feedback:appreciations", kwargs={"tandem_id": membership.tandem_id}),
        )
    return appreciation


def appreciation_react(
    *, membership: Membership, appreciation_id: int, reaction: str
) -> Appreciation:
    """The recipient reacts (or clears the reaction with an empty string)."""
    if reaction and reaction not in Reaction.values:
        raise DomainError(gettext_noop("Unknown reaction."), field="reaction")
    with transaction.atomic():
        appreciation = (
            Appreciation.objects.select_for_update()
            .filter(tandem_id=membership.tandem_id, pk=appreciation_id)
            .first()
        )
        if appreciation is None:
            raise NotFound(gettext_noop("Not found."))
        if appreciation.recipient_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the recipient may react."), field="reaction")
        appreciation.reaction = reaction
        appreciation.reacted_at = timezone.now() if reaction else None
        appreciation.save(update_fields=["reaction", "reacted_at", "updated_at"])
    return appreciation


# --- erasure (called by apps.home) ----------------------------------------------------------


def feedback_erase_for_user(*, user: User) -> None:
    """A deleted account's drafts go: nobody but its author ever saw a draft. What they
    submitted stays with the tandem."""
    FeedbackEntry.objects.filter(author=user, status=EntryStatus.DRAFT).delete()
