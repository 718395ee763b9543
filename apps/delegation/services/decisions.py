"""The decision log: logging a decision (classified against the terms in force then),
answering, acknowledging and recording its outcome, flagging overdue requests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.audit.services import audit_record
from apps.core.errors import Conflict, DomainError, PermissionDenied
from apps.delegation.classification import (
    AuthorRole,
    Classification,
    MatrixTerms,
    classify,
)
from apps.delegation.models import (
    ACKNOWLEDGEABLE,
    Answer,
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
)
from apps.delegation.services.common import (
    _CLOCK_SKEW,
    UNSET,
    _check_aware,
    _check_currency,
    _check_money,
    _check_text,
    _goal_of,
    _Unset,
    request_due_after,
)
from apps.delegation.services.notices import (
    _author_name,
    _decision_url,
    _leader_of,
    _notify_leader_of_new,
    _withdraw_reminders,
)
from apps.delegation.terms import AreaAt, area_at, check_area_open
from apps.notifications.services import notify
from apps.tandems import access
from apps.tandems.models import Membership
from apps.tandems.selectors import locked_in_tandem
from apps.webhooks import events as webhook_events
from apps.webhooks.services import events_emit

_BEFORE_TANDEM: Final = gettext_noop(
    "A decision cannot be dated before this tandem existed (since %(since)s)."
)
_BEFORE_AREA: Final = gettext_noop(
    "A decision cannot be dated before its area existed (since %(since)s)."
)


def _check_existed(
    membership: Membership, decided_at: datetime, *, since: datetime, message: str
) -> None:
    """A decision is dated no earlier than the tandem and the area it belongs to. Before
    them there were no terms to act on, and classifying such a decision with the first ones
    would let back-dating choose the terms (a level the leader has since lowered). Within
    the minute they began counts as since then: the pages take times to the minute, so a
    decision logged right after its area was made is dated in that minute."""
    if decided_at < since.replace(second=0, microsecond=0):
        local = timezone.localtime(since, timezone=ZoneInfo(membership.user.timezone))
        raise DomainError(
            gettext(message) % {"since": local.isoformat(timespec="minutes")},
            field="decided_at",
        )


_REQUESTS: Final = (Classification.NEEDS_AGREEMENT, Classification.NEEDS_ADVICE)
_ASSISTANT_STATUS: Final = {
    Classification.WITHIN_AUTHORITY: DecisionStatus.NO_ACTION,
    Classification.INFORM: DecisionStatus.AWAITING_ACKNOWLEDGEMENT,
    Classification.NEEDS_AGREEMENT: DecisionStatus.AWAITING_ANSWER,
    Classification.NEEDS_ADVICE: DecisionStatus.AWAITING_ANSWER,
    Classification.OUTSIDE_AUTHORITY: DecisionStatus.FLAGGED,
    Classification.NO_AREA: DecisionStatus.NEEDS_AREA,
}


@transaction.atomic
def decision_log(
    *,
    membership: Membership,
    title: str,
    rationale: str,
    area_id: int | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    decided_at: datetime | None = None,
    due_at: datetime | None = None,
    goal_id: int | None = None,
) -> Decision:
    """Record a decision and classify it against the matrix in force when it was taken.

    `decided_at` (default now) lies between the creation of the tandem, and of the area, and
    now: a decision dated earlier is refused naming `decided_at`. One logged more than
    `logged_late_after()` after it was taken shows as logged late (`Decision.logged_late`,
    in the log and the review queue), so the leader sees that it was classified against
    terms of the past.

    The terms in force and the verdict are snapshotted on the decision. A request (needs
    agreement/advice) gets `due_at` (default: `request_due_after()` from now); for anything
    else `due_at` is ignored, since the author cannot know the classification in advance.
    """
    tandem = membership.tandem
    now = timezone.now()
    title = _check_text(title, "title").strip()
    rationale = _check_text(rationale, "rationale")
    if decided_at is None:
        decided_at = now
    _check_aware(decided_at, "decided_at")
    if decided_at > now + _CLOCK_SKEW:
        raise DomainError(gettext("A decision cannot be taken in the future."), field="decided_at")
    _check_existed(membership, decided_at, since=tandem.created_at, message=_BEFORE_TANDEM)

    area: DecisionArea | None = None
    then: AreaAt | None = None
    if area_id is not None:
        then = area_at(tandem_id=tandem.pk, area_id=area_id, at=decided_at)
        if then is None:
            raise DomainError(gettext("No such area in this tandem."), field="area")
        area = then.area
        check_area_open(area, at=decided_at)
        _check_existed(membership, decided_at, since=area.created_at, message=_BEFORE_AREA)
    goal = _goal_of(tandem, goal_id)

    if amount is not None:
        amount = _check_money(amount, "amount")
    if currency:
        _check_currency(currency, "currency")
        if amount is None:
            raise DomainError(gettext("A currency only goes with an amount."), field="currency")
    elif amount is not None:
        raise DomainError(gettext("Give the amount's currency."), field="currency")

    terms: MatrixTerms | None = None
    elevation: Elevation | None = None
    limit_currency = ""
    if then is not None:
        terms, elevation = then.terms, then.elevation
        if terms.limit_amount is not None:
            limit_currency = then.limit_currency
            if amount is not None and currency != limit_currency:
                raise DomainError(
                    gettext("This area's limit is in %(currency)s; give the amount in it.")
                    % {"currency": limit_currency},
                    field="currency",
                )

    role = AuthorRole(membership.role)
    verdict = classify(terms=terms, amount=amount, author_role=role)
    if role is AuthorRole.LEADER:
        status = DecisionStatus.NO_ACTION
    else:
        status = _ASSISTANT_STATUS[verdict.classification]

    if verdict.classification in _REQUESTS:
        if due_at is None:
            due_at = now + request_due_after()
        _check_aware(due_at, "due_at")
        if due_at <= now:
            raise DomainError(gettext("The due date must be in the future."), field="due_at")
    else:
        due_at = None

    decision = Decision.objects.create(
        tandem=tandem,
        area=area,
        goal=goal,
        author=membership.user,
        author_role=role.value,
        title=title,
        rationale=rationale,
        amount=amount,
        currency=currency,
        decided_at=decided_at,
        level_in_force=terms.level if terms else None,
        limit_amount_in_force=terms.limit_amount if terms else None,
        limit_currency_in_force=limit_currency,
        level_above_limit_in_force=terms.level_above_limit if terms else None,
        elevation=elevation,
        elevated_level_in_force=elevation.level if elevation else None,
        classification=verdict.classification.value,
        level_applied=verdict.level_applied,
        above_limit=verdict.above_limit,
        under_elevation=verdict.under_elevation,
        status=status,
        due_at=due_at,
        # Flagged for the next check-in: the check-ins app pulls it onto that agenda (no
        # check-in planned then: nothing).
        agenda_requested_at=(
            now if verdict.classification == Classification.OUTSIDE_AUTHORITY else None
        ),
    )
    _notify_leader_of_new(decision)
    logged = ["decision.logged"]
    if decision.status in ACKNOWLEDGEABLE:
        logged.append("decision.needs_acknowledgement")
    _emit(decision, *logged)
    return decision


def _emit(decision: Decision, *event_types: str) -> None:
    """The decision's news for the tandem's webhooks: what both members see on its page's
    head (title, status, classification, answer), not its rationale or comments."""
    data = webhook_events.subject(
        tandem_id=decision.tandem_id,
        tandem_name=decision.tandem.name,
        subject_kind="decision",
        id=decision.pk,
        title=decision.title,
        path=_decision_url(decision),
    )
    data["decision"] = {
        "status": decision.status,
        "classification": decision.classification,
        "answer": decision.answer or None,
        "decided_at": decision.decided_at.isoformat(),
    }
    # The tandem as this request read it (with the membership, or the decision): its flag
    # spares the endpoint read for a tandem without webhooks.
    events_emit(
        tandem=decision.tandem_id,
        emitted=[(kind, data) for kind in event_types],
        enabled_webhooks=decision.tandem.has_enabled_webhooks,
    )


def _locked_decision(membership: Membership, decision_id: int) -> Decision:
    return locked_in_tandem(Decision, membership=membership, pk=decision_id)


@transaction.atomic
def decision_update(
    *,
    membership: Membership,
    decision_id: int,
    title: str | _Unset = UNSET,
    rationale: str | _Unset = UNSET,
    goal_id: int | _Unset | None = UNSET,
) -> Decision:
    """The author corrects title, rationale or goal, until the leader answered or
    acknowledged. Area, amount and time are not editable: they decided the classification."""
    decision = _locked_decision(membership, decision_id)
    if decision.author_id != membership.user_id:
        raise PermissionDenied(gettext("Only the person who recorded a decision may edit it."))
    if decision.status in (DecisionStatus.ANSWERED, DecisionStatus.ACKNOWLEDGED):
        raise Conflict(
            gettext("This decision was %(status)s and cannot be changed; add an outcome instead.")
            % {"status": decision.get_status_display().lower()}
        )
    fields = []
    if not isinstance(title, _Unset):
        decision.title = _check_text(title, "title").strip()
        fields.append("title")
    if not isinstance(rationale, _Unset):
        decision.rationale = _check_text(rationale, "rationale")
        fields.append("rationale")
    if not isinstance(goal_id, _Unset):
        decision.goal = _goal_of(membership.tandem, goal_id)
        fields.append("goal")
    if fields:
        decision.save(update_fields=[*fields, "updated_at"])
    return decision


@transaction.atomic
def decision_answer(
    *, membership: Membership, decision_id: int, answer: str, comment: str = ""
) -> Decision:
    """The leader approves, rejects or advises on a request; written once, never changed.

    Rejecting and advising need a comment: the assistant must learn why or what.
    """
    decision = _locked_decision(membership, decision_id)
    if decision.author_id == membership.user_id:
        raise PermissionDenied(gettext("You cannot answer your own request."))
    access.require_leader(membership, action=gettext_noop("answer requests"))
    if answer not in Answer.values:
        raise DomainError(
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Answer.values)},
            field="answer",
        )
    if answer != Answer.APPROVE and not comment.strip():
        raise DomainError(gettext("Say why, or what you advise."), field="comment")
    if decision.status == DecisionStatus.ANSWERED:
        raise Conflict(gettext("This request has already been answered."))
    now = timezone.now()
    # Conditional update: of two answers racing, only the first is written.
    claimed = Decision.objects.filter(pk=decision.pk, status=DecisionStatus.AWAITING_ANSWER).update(
        status=DecisionStatus.ANSWERED,
        answer=answer,
        answer_comment=comment,
        answered_by=membership.user,
        answered_at=now,
        updated_at=now,
    )
    if not claimed:
        raise Conflict(gettext("This decision does not await an answer."))
    decision.refresh_from_db()
    _withdraw_reminders(decision, reason="the request was answered")
    author = decision.author
    if author is not None:
        with translation.override(author.language):
            values = {"who": membership.user.name, "title": decision.title}
            title = {
                Answer.APPROVE: gettext("%(who)s approved: %(title)s"),
                Answer.REJECT: gettext("%(who)s rejected: %(title)s"),
                Answer.ADVISE: gettext("%(who)s advised on: %(title)s"),
            }[Answer(answer)] % values
        notify(
            recipient=author,
            tandem=decision.tandem,
            kind="decision.answered",
            key=f"decision:{decision.pk}:answered",
            title=title,
            body=comment,
            url=_decision_url(decision),
        )
    _emit(decision, "decision.answered")
    return decision


@transaction.atomic
def decision_acknowledge(*, membership: Membership, decision_id: int) -> Decision:
    """The leader has seen a decision that informs, was outside authority, or fits no area.
    Audited (`decision_acknowledged`); a reminder the leader asked for on it is taken back.
    The one acknowledgement of every path: the review queue, its bulk form and endpoint
    (`decisions_acknowledge`), the decision's page and the e-mail's one-click link."""
    decision = _locked_decision(membership, decision_id)
    access.require_leader(membership, action=gettext_noop("acknowledge decisions"))
    now = timezone.now()
    claimed = Decision.objects.filter(pk=decision.pk, status__in=ACKNOWLEDGEABLE).update(
        status=DecisionStatus.ACKNOWLEDGED,
        acknowledged_by=membership.user,
        acknowledged_at=now,
        updated_at=now,
    )
    if not claimed:
        if decision.status == DecisionStatus.ACKNOWLEDGED:
            raise Conflict(gettext("This decision has already been acknowledged."))
        raise Conflict(gettext("This decision does not await an acknowledgement."))
    decision.refresh_from_db()
    audit_record(
        action="decision_acknowledged",
        actor=membership.user,
        tandem=membership.tandem_id,
        target=decision,
        data={"classification": decision.classification},
    )
    _withdraw_reminders(decision, reason="the decision was acknowledged")
    return decision


@transaction.atomic
def decision_record_outcome(
    *, membership: Membership, decision_id: int, outcome: str, lesson: str = ""
) -> Decision:
    """Either member adds how it turned out and a lesson (blameless: a learning)."""
    decision = _locked_decision(membership, decision_id)
    decision.outcome = _check_text(outcome, "outcome")
    decision.lesson = lesson
    decision.outcome_recorded_by = membership.user
    decision.outcome_recorded_at = timezone.now()
    decision.save(
        update_fields=[
            "outcome",
            "lesson",
            "outcome_recorded_by",
            "outcome_recorded_at",
            "updated_at",
        ]
    )
    return decision


def decisions_flag_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Tell the leader once about each request whose due date has passed; returns how many.

    Each decision is claimed by a conditional update of `overdue_at`, so two workers (or a
    re-run) never flag it twice; the notice key makes the notice itself idempotent too.
    """
    now = now or timezone.now()
    due = list(
        Decision.objects.filter(
            status=DecisionStatus.AWAITING_ANSWER, due_at__lte=now, overdue_at__isnull=True
        )
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:batch]
    )
    flagged = 0
    for pk in due:
        with transaction.atomic():
            claimed = Decision.objects.filter(
                pk=pk, status=DecisionStatus.AWAITING_ANSWER, overdue_at__isnull=True
            ).update(overdue_at=now)
            if not claimed:
                continue
            flagged += 1
            decision = Decision.objects.select_related("tandem", "author").get(pk=pk)
            leader = _leader_of(decision.tandem_id)
            if leader is None:
                continue
            with translation.override(leader.language):
                title = gettext("Overdue: %(who)s is waiting for your answer on %(title)s") % {
                    "who": _author_name(decision),
                    "title": decision.title,
                }
            notify(
                recipient=leader,
                tandem=decision.tandem,
                kind="decision.overdue",
                key=f"decision:{decision.pk}:overdue",
                title=title,
                body=decision.rationale,
                url=_decision_url(decision),
            )
            # No second reminder: the unanswered request goes onto the next check-in instead
            # (the check-ins app pulls it, `checkins.services.agenda_pull_decisions`).
            Decision.objects.filter(pk=pk).update(agenda_requested_at=now)
    return flagged
