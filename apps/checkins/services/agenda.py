"""The agenda: items, carrying over what is open, proposing decisions and pulling the ones
flagged for it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Max
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.checkins import selectors
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    AgendaKind,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
)
from apps.checkins.recurrence import (
    next_occurrences,
)
from apps.checkins.rules import occurrence_key
from apps.checkins.services.common import (
    NEXT_SEARCH,
    _check_text,
    _goal_for,
    _occurrence_locked,
    _touch,
)
from apps.core.errors import Conflict, DomainError, PermissionDenied
from apps.delegation.models import Decision
from apps.tandems.models import Membership
from apps.webhooks import events as webhook_events
from apps.webhooks.services import event_emit


def _decision_for(tandem_id: int, decision_id: int | None) -> Decision | None:
    if decision_id is None:
        return None
    decision = Decision.objects.filter(pk=decision_id, tandem_id=tandem_id).first()
    if decision is None:
        raise DomainError(gettext_noop("No such decision in this tandem."), field="decision")
    return decision


def _next_position(row: Occurrence) -> int:
    top = AgendaItem.objects.filter(occurrence=row).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def agenda_item_add(
    *,
    membership: Membership,
    series_id: int,
    start: datetime,
    kind: str,
    text: str,
    decision_id: int | None = None,
    goal_id: int | None = None,
) -> AgendaItem:
    if kind not in AgendaKind.values:
        raise DomainError(gettext_noop("Unknown kind."), field="kind")
    text = _check_text(text, "text")
    with transaction.atomic():
        decision = _decision_for(membership.tandem_id, decision_id)
        goal = _goal_for(membership.tandem_id, goal_id)
        _series, row = _occurrence_locked(membership, series_id, start)
        if row.status == OccurrenceStatus.SKIPPED:
            raise Conflict(gettext_noop("This occurrence is skipped."), field="start")
        item = AgendaItem.objects.create(
            occurrence=row,
            tandem_id=membership.tandem_id,
            author_id=membership.user_id,
            kind=kind,
            text=text,
            position=_next_position(row),
            decision=decision,
            goal=goal,
        )
        _emit_added(membership, item, row)
        return item


def _emit_added(membership: Membership, item: AgendaItem, row: Occurrence) -> None:
    start = row.moved_to or row.original_start
    data = webhook_events.subject(
        tandem_id=membership.tandem_id,
        tandem_name=membership.tandem.name,
        subject_kind="agenda_item",
        id=item.pk,
        title=item.text[:200],
        path=reverse(
            "checkins:occurrence",
            kwargs={
                "tandem_id": membership.tandem_id,
                "series_id": row.series_id,
                "start": occurrence_key(row.original_start),
            },
        ),
    )
    data["agenda_item"] = {"kind": item.kind, "check_in_start": start.isoformat()}
    event_emit(tandem=membership.tandem_id, event_type="agenda_item.added", data=data)


def agenda_item_update(
    *,
    membership: Membership,
    item_id: int,
    text: str | None = None,
    kind: str | None = None,
    position: int | None = None,
    resolved: bool | None = None,
    decision_id: int | Any | None = ...,
    goal_id: int | Any | None = ...,
) -> AgendaItem:
    """Only the author changes what the item says; either member orders and resolves it."""
    with transaction.atomic():
        item = selectors.agenda_item_get(membership=membership, item_id=item_id)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        fields: list[str] = []
        changes_content = (
            text is not None or kind is not None or decision_id is not ... or goal_id is not ...
        )
        if changes_content and item.author_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the author may change what the item says."))
        if text is not None:
            item.text = _check_text(text, "text")
            fields.append("text")
        if kind is not None:
            if kind not in AgendaKind.values:
                raise DomainError(gettext_noop("Unknown kind."), field="kind")
            item.kind = kind
            fields.append("kind")
        if decision_id is not ...:
            item.decision = _decision_for(membership.tandem_id, decision_id)
            fields.append("decision")
        if goal_id is not ...:
            item.goal = _goal_for(membership.tandem_id, goal_id)
            fields.append("goal")
        if position is not None:
            if position < 0:
                raise DomainError(gettext_noop("Must not be negative."), field="position")
            item.position = position
            fields.append("position")
        if resolved is not None and resolved != item.resolved:
            item.resolved = resolved
            item.resolved_at = timezone.now() if resolved else None
            fields += ["resolved", "resolved_at"]
        if fields:
            item.save(update_fields=[*fields, "updated_at"])
    return item


def agenda_item_delete(*, membership: Membership, item_id: int) -> None:
    """Only the author removes an item, and not once the partner commented on it."""
    with transaction.atomic():
        item = selectors.agenda_item_get(membership=membership, item_id=item_id)
        if item.author_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the author may remove the item."))
        if item.comments.exclude(author_id=membership.user_id).exists():
            # What the partner wrote on it would go with it: resolve it instead.
            raise Conflict(
                gettext_noop("Your partner commented on this item: resolve it instead."),
                field="item",
            )
        item.delete()


def _next_target(
    series: CheckInSeries, after: datetime, *, besides: Occurrence | None = None
) -> Occurrence | None:
    """The next occurrence after `after` that is not skipped (nor `besides`, whose own slot
    may still lie ahead when it was held early), following a split series."""
    current: CheckInSeries | None = series
    while current is not None:
        starts = next_occurrences(current.schedule, after, NEXT_SEARCH)
        skipped = set(
            Occurrence.objects.filter(
                series=current, original_start__in=starts, status=OccurrenceStatus.SKIPPED
            ).values_list("original_start", flat=True)
        )
        if besides is not None and besides.series_id == current.pk:
            skipped.add(besides.original_start)
        for start in starts:
            if start not in skipped:
                return _touch(current, start)
        if len(starts) == NEXT_SEARCH:
            return None  # sixty skips in a row: leave the items where they are
        current = CheckInSeries.objects.filter(previous=current).first()
    return None


def _carry_over(row: Occurrence, *, now: datetime | None = None) -> list[AgendaItem]:
    """Copy the unresolved, not yet carried items of `row` to the next occurrence that has not
    ended yet, linked by `carried_from`; the originals stay as the history of `row`."""
    items = list(AgendaItem.objects.filter(occurrence=row, resolved=False, carried_to__isnull=True))
    if not items:
        return []
    now = now or timezone.now()
    series = row.series
    # From where it really took place: a meeting held early hands on to the next one after it.
    after = max(row.start, now - series.duration)
    target = _next_target(series, after, besides=row)
    if target is None or target.pk == row.pk:
        return []
    position = _next_position(target)
    carried = [
        AgendaItem(
            occurrence=target,
            tandem_id=item.tandem_id,
            author_id=item.author_id,
            kind=item.kind,
            text=item.text,
            position=position + index,
            carried_from=item,
            decision_id=item.decision_id,
            goal_id=item.goal_id,
        )
        for index, item in enumerate(items)
    ]
    return AgendaItem.objects.bulk_create(carried)


def agenda_carry_over_due(*, now: datetime | None = None) -> int:
    """Carry the open agenda of every occurrence that has ended. Idempotent: an item carries
    once (`carried_from` is unique); a second run finds nothing to do."""
    now = now or timezone.now()
    ends = ExpressionWrapper(
        Coalesce(F("moved_to"), F("original_start")) + F("series__duration"),
        output_field=DateTimeField(),
    )
    rows = (
        Occurrence.objects.filter(agenda__resolved=False, agenda__carried_to__isnull=True)
        .annotate(ends=ends)
        .filter(ends__lte=now)
        .select_related("series")
        .distinct()
    )
    count = 0
    for row_id in [row.pk for row in rows]:
        with transaction.atomic():
            row = Occurrence.objects.select_for_update().select_related("series").get(pk=row_id)
            count += len(_carry_over(row, now=now))
    return count


def _propose(
    *, tandem_id: int, author_id: int | None, kind: str, text: str, **link: Any
) -> AgendaItem | None:
    """Put something on the agenda of the tandem's next check-in, once: a subject that is
    already on an open agenda item is not added again. None when no check-in is planned."""
    existing = AgendaItem.objects.filter(resolved=False, **link).first()
    if existing is not None:
        return existing
    now = timezone.now()
    candidates: list[tuple[datetime, CheckInSeries]] = []
    for series in CheckInSeries.objects.filter(tandem_id=tandem_id, active=True):
        upcoming = next_occurrences(series.schedule, now, 1)
        if upcoming:
            candidates.append((upcoming[0], series))
    if not candidates:
        return None
    start, series = min(candidates, key=lambda pair: (pair[0], pair[1].pk))
    target = _next_target(series, start - timedelta(microseconds=1))
    if target is None:
        return None
    return AgendaItem.objects.create(
        occurrence=target,
        tandem_id=tandem_id,
        author_id=author_id,
        kind=kind,
        text=text,
        position=_next_position(target),
        **link,
    )


def agenda_propose_decision(*, decision: Decision) -> AgendaItem | None:
    """Put a decision (one taken outside authority, or a request left unanswered after its one
    reminder) on the agenda of the tandem's next check-in."""
    with transaction.atomic():
        return _propose(
            tandem_id=decision.tandem_id,
            author_id=decision.author_id,
            kind=AgendaKind.DECISION_NEEDED,
            text=decision.title,
            decision=decision,
        )


def agenda_pull_decisions(*, batch: int = 500) -> int:
    """Pull the decisions that asked for the next check-in (`Decision.agenda_requested_at`)
    onto its agenda; returns how many were handled. The request is cleared by a conditional
    update, so two workers (or a re-run) never handle one twice; a tandem with no check-in
    planned gets nothing, as when the decision was flagged."""
    waiting = list(
        Decision.objects.filter(agenda_requested_at__isnull=False)
        .order_by("agenda_requested_at", "id")
        .values_list("pk", "agenda_requested_at")[:batch]
    )
    handled = 0
    for pk, requested_at in waiting:
        with transaction.atomic():
            claimed = Decision.objects.filter(pk=pk, agenda_requested_at=requested_at).update(
                agenda_requested_at=None
            )
            if not claimed:
                continue  # another worker took it
            agenda_propose_decision(decision=Decision.objects.get(pk=pk))
            handled += 1
    return handled


def action_items_overdue_to_agenda(*, now: datetime | None = None) -> int:
    """No escalation chains: an open action item that had its one reminder and is now past its
    due date (in its owner's timezone) goes onto the next check-in's agenda instead of getting
    a second reminder. Idempotent: an item already on an open agenda is not added again."""
    now = now or timezone.now()
    candidates = ActionItem.objects.filter(
        status=ActionItemStatus.OPEN,
        due_reminded_at__isnull=False,
        due_date__lt=now.date() + timedelta(days=1),
    ).select_related("owner")
    added = 0
    for item in candidates:
        owner = item.owner
        if (
            item.due_date is None
            or now.astimezone(ZoneInfo(owner.timezone)).date() <= item.due_date
        ):
            continue
        with transaction.atomic():
            if AgendaItem.objects.filter(action_item=item, resolved=False).exists():
                continue
            with translation.override(owner.language):
                text = gettext("Overdue action item: %(text)s") % {"text": item.text[:4000]}
            if _propose(
                tandem_id=item.tandem_id,
                author_id=owner.pk,
                kind=AgendaKind.UPDATE,
                text=text,
                action_item=item,
            ):
                added += 1
    return added
