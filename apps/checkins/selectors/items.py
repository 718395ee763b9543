"""Agenda items, action items and retros: one by id (of the asker's tandem only), an
occurrence's agenda and retros, overdue commitments and how each member keeps theirs, and the
trend of a series' retros."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, QuerySet
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.checkins import rules
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    Retro,
)
from apps.checkins.selectors.occurrences import _past_starts
from apps.core import bounded
from apps.core.bounded import CappedCount
from apps.core.errors import NotFound
from apps.tandems.models import Membership, Role, Tandem


def agenda_of(*, occurrence: Occurrence) -> QuerySet[AgendaItem]:
    if occurrence.pk is None:
        return AgendaItem.objects.none()
    return AgendaItem.objects.filter(occurrence=occurrence).select_related(
        "author", "carried_from__occurrence"
    )


def agenda_item_get(*, membership: Membership, item_id: int | str) -> AgendaItem:
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    item = (
        AgendaItem.objects.select_related("occurrence__series", "author")
        .filter(pk=pk, occurrence__series__tandem_id=membership.tandem_id)
        .first()
    )
    if item is None:
        raise NotFound(gettext_noop("Not found."))
    return item


def agenda_for_page(*, occurrence: Occurrence) -> QuerySet[AgendaItem]:
    """The agenda with everything a page shows beside each item, in one query."""
    if occurrence.pk is None:
        return AgendaItem.objects.none()
    return (
        AgendaItem.objects.filter(occurrence=occurrence)
        .select_related(
            "author",
            "carried_from__occurrence",
            "carried_to__occurrence",
            "decision",
            "action_item",
        )
        # Of the related rows only what the page shows (each column is compiled on every
        # request): the author's name, the dates of the meetings a topic was carried from and
        # to, the decision's title, the action item's text.
        .only(*_AGENDA_PAGE_FIELDS)
    )


_AGENDA_PAGE_FIELDS = (
    *(field.name for field in AgendaItem._meta.concrete_fields),
    "author__display_name",
    "author__email",
    "carried_from__occurrence__original_start",  # `Occurrence.start`
    "carried_from__occurrence__moved_to",
    "carried_to__occurrence__original_start",
    "carried_to__occurrence__moved_to",
    "decision__title",
    "action_item__text",
)


def action_items_of(*, tandem: Tandem) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(tandem=tandem).select_related(
        "owner", "occurrence", "created_by"
    )


# What a row of the action items' list shows (`presenters.ActionItemRow`): the owner's name,
# the meeting it was agreed in (its date and series), not the meeting's notes.
ACTION_ITEM_ROW_FIELDS = (
    "id", "text", "owner", "owner__display_name", "owner__email", "due_date", "status", "kept",
    "occurrence", "occurrence__series_id", "occurrence__original_start",
)  # fmt: skip


def action_item_rows(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """`items` (`action_items_of`, filtered) narrowed to what the list's rows show."""
    return (
        items.select_related(None)
        .select_related("owner", "occurrence")
        .only(*ACTION_ITEM_ROW_FIELDS)
    )


def action_item_get(*, membership: Membership, item_id: int | str) -> ActionItem:
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    item = (
        ActionItem.objects.select_related("owner", "occurrence")
        .filter(pk=pk, tandem_id=membership.tandem_id)
        .first()
    )
    if item is None:
        raise NotFound(gettext_noop("Not found."))
    return item


def action_items_overdue(*, tandem: Tandem, today: date) -> QuerySet[ActionItem]:
    """Open commitments of either member whose due date has passed (by `today`)."""
    return (
        action_items_of(tandem=tandem)
        .filter(status=ActionItemStatus.OPEN, due_date__lt=today)
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class CommitmentCounts:
    """How one member's commitments stand: kept and late are the done ones. Each count is
    counted up to `COUNT_CAP` + 1: over `cap`, "more than `cap`"."""

    member: Membership
    open: int
    overdue: int
    kept: int
    late: int
    dropped: int

    @property
    def cap(self) -> int:
        return bounded.COUNT_CAP


def commitments_by_member(*, tandem: Tandem, today: date) -> list[CommitmentCounts]:
    """Per member of the tandem (leader first), the counts of their action items, each
    counted up to `COUNT_CAP` + 1: one query, reading at most `COUNT_CAP` + 1 index entries
    per count, however many items the tandem has had."""

    def owned(**where: Any) -> CappedCount:
        return CappedCount(
            ActionItem.objects.filter(tandem_id=tandem.pk, owner_id=OuterRef("user_id"), **where)
        )

    open_ = ActionItemStatus.OPEN
    members = sorted(
        Membership.objects.filter(tandem=tandem)
        .select_related("user")
        .annotate(
            n_open=owned(status=open_),
            n_overdue=owned(status=open_, due_date__lt=today),
            n_kept=owned(status=ActionItemStatus.DONE, kept=True),
            n_late=owned(status=ActionItemStatus.DONE, kept=False),
            n_dropped=owned(status=ActionItemStatus.DROPPED),
        ),
        key=lambda m: (m.role != Role.LEADER, m.pk),
    )
    return [
        CommitmentCounts(
            member=member,
            open=member.n_open,
            overdue=member.n_overdue,
            kept=member.n_kept,
            late=member.n_late,
            dropped=member.n_dropped,
        )
        for member in members
    ]


@dataclass
class KeptRate:
    """How one person kept the commitments that fell due in a range: `due` counts the items
    whose due date lies in it and has passed (dropped ones released, not counted); `kept`
    those done by their due date; `late` those done after it; `overdue` those still open
    after it. `rate` is kept / due in percent (None when nothing fell due)."""

    user_id: int | None
    name: str
    role: str  # "leader", "assistant", or "former" for someone who left
    due: int
    kept: int
    late: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.kept / self.due, 1) if self.due else None


def kept_rates(*, tandem: Tandem, first: date, last: date, today: date) -> list[KeptRate]:
    """Per person (the members first, leader before assistant, then anyone who left), the
    kept-rate of their action items due from `first` to `last` (and before `today`): two
    queries whatever the number of items, a third for the names of those who left."""
    rows = (
        ActionItem.objects.filter(
            tandem=tandem,
            due_date__gte=first,
            due_date__lte=last,
            due_date__lt=today,
        )
        .exclude(status=ActionItemStatus.DROPPED)
        .values("owner_id")
        .annotate(
            n_due=Count("id"),
            n_kept=Count("id", filter=Q(status=ActionItemStatus.DONE, kept=True)),
            n_late=Count("id", filter=Q(status=ActionItemStatus.DONE, kept=False)),
            n_overdue=Count("id", filter=Q(status=ActionItemStatus.OPEN)),
        )
        .order_by()
    )
    found = {row["owner_id"]: row for row in rows}
    members = sorted(
        Membership.objects.filter(tandem=tandem).select_related("user"),
        key=lambda m: (m.role != Role.LEADER, m.pk),
    )
    empty = {"n_due": 0, "n_kept": 0, "n_late": 0, "n_overdue": 0}
    rates = []
    for member in members:
        row = found.pop(member.user_id, empty)
        rates.append(
            KeptRate(
                member.user_id,
                member.user.name,
                member.role,
                row["n_due"],
                row["n_kept"],
                row["n_late"],
                row["n_overdue"],
            )
        )
    former = User.objects.in_bulk(list(found)) if found else {}
    for owner_id, row in sorted(found.items(), key=lambda kv: kv[0] or 0):
        rates.append(
            KeptRate(
                owner_id,
                former[owner_id].name if owner_id in former else "",
                "former",
                row["n_due"],
                row["n_kept"],
                row["n_late"],
                row["n_overdue"],
            )
        )
    return rates


def retros_of(*, occurrence: Occurrence) -> QuerySet[Retro]:
    if occurrence.pk is None:
        return Retro.objects.none()
    return Retro.objects.filter(occurrence=occurrence).select_related("member")


@dataclass(frozen=True)
class TrendPoint:
    start: datetime
    average: float | None
    ratings: int
    agenda_items: int
    carried_on: int


@dataclass(frozen=True)
class RetroTrend:
    points: list[TrendPoint]
    suggestion: str | None


def retro_trend(*, series: CheckInSeries, now: datetime, limit: int = 12) -> RetroTrend:
    """The last `limit` past occurrences (newest first) with their average retro rating and
    agenda size, and a cadence suggestion. Two queries, whatever the series' age."""
    starts = _past_starts(series, now, limit)
    rows = {
        row.original_start: row
        for row in Occurrence.objects.filter(series=series, original_start__in=starts).annotate(
            avg_rating=Avg("retros__effectiveness"),
            ratings=Count("retros", distinct=True),
            items=Count("agenda", distinct=True),
            carried_on=Count("agenda", filter=Q(agenda__carried_to__isnull=False), distinct=True),
        )
    }
    points: list[TrendPoint] = []
    for start in starts:
        row = rows.get(start)
        if row is not None and row.status == OccurrenceStatus.SKIPPED:
            continue
        points.append(
            TrendPoint(
                start=start,
                average=None if row is None or row.avg_rating is None else float(row.avg_rating),
                ratings=0 if row is None else row.ratings,
                agenda_items=0 if row is None else row.items,
                carried_on=0 if row is None else row.carried_on,
            )
        )
    stats = [rules.AgendaStats(items=p.agenda_items, carried_on=p.carried_on) for p in points]
    suggestion = rules.cadence_suggestion(stats)
    return RetroTrend(points=points, suggestion=None if suggestion is None else str(suggestion))
