"""Entries: drafting, submitting (the blind rule and the reveal), amending, acknowledging,
replying, and agreements that become action items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.checkins import selectors as checkin_selectors
from apps.checkins import services as checkin_services
from apps.checkins.models import ActionItem, OccurrenceStatus
from apps.core.errors import Conflict, DomainError, NotFound
from apps.feedback import selectors
from apps.feedback.models import (
    Amendment,
    Answer,
    EntryStatus,
    FeedbackCycle,
    FeedbackEntry,
    QuestionKind,
)
from apps.feedback.services.common import AnswerInput, _cycle_locked, _text
from apps.notifications.services import notify
from apps.tandems.models import Membership, Tandem
from apps.tandems.selectors import partner_of
from apps.webhooks import events as webhook_events
from apps.webhooks.services import event_emit


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
    no notice. Returns how many notices were recorded.

    The tandem's webhooks hear that the cycle was revealed, and nothing of what anyone wrote
    (a receiver outside Tandem is bound by no blind rule)."""
    _emit_revealed(cycle)
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


def _emit_revealed(cycle: FeedbackCycle) -> None:
    data = webhook_events.subject(
        tandem_id=cycle.tandem_id,
        tandem_name=cycle.tandem.name,
        subject_kind="feedback_cycle",
        id=cycle.pk,
        title=cycle.title,
        path=reverse("feedback:cycle", kwargs={"tandem_id": cycle.tandem_id, "cycle_id": cycle.pk}),
    )
    event_emit(
        tandem=cycle.tandem_id,
        event_type="feedback.revealed",
        data=data,
        key=f"feedback:{cycle.pk}:revealed",
    )


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
