"""Decisions, the review queue and the rows of the log and the review page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.core.db import CompiledQuery
from apps.core.errors import NotFound
from apps.delegation.models import (
    NEEDS_ACTION,
    Decision,
    DecisionStatus,
    ReviewReminder,
)
from apps.tandems.models import Membership


def decisions_of(*, membership: Membership) -> QuerySet[Decision]:
    return Decision.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "goal", "author", "answered_by", "acknowledged_by", "outcome_recorded_by"
    )


def decision_get(*, membership: Membership, decision_id: int) -> Decision:
    decision = decisions_of(membership=membership).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound(gettext_noop("Not found."))
    return decision


def review_queue(
    *,
    membership: Membership,
    area_id: int | None = None,
    no_area: bool = False,
    classification: str | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
    statuses: Iterable[str] = NEEDS_ACTION,
) -> QuerySet[Decision]:
    """Everything the leader still has to acknowledge or answer, oldest first; narrowed to
    one area (`area_id`, or `no_area` for decisions that fit none), one classification, and
    to requests past their due date (`overdue=True`) or everything else (`overdue=False`).
    `statuses` (some of `NEEDS_ACTION`) narrows it to one list of the page: given here, not
    filtered on top, so the database sees the one condition its indexes are made for."""
    wanted = [status for status in statuses if status in NEEDS_ACTION]
    if len(wanted) == 1:
        queue = decisions_of(membership=membership).filter(status=wanted[0])
    else:
        queue = decisions_of(membership=membership).filter(status__in=wanted)
    if area_id is not None:
        queue = queue.filter(area_id=area_id)
    if no_area:
        queue = queue.filter(area__isnull=True)
    if classification is not None:
        queue = queue.filter(classification=classification)
    if overdue is not None:
        late = overdue_q(now)
        queue = queue.filter(late) if overdue else queue.exclude(late)
    return queue.order_by("created_at", "id")


# What a row of the decision log shows with the review queue's (`presenters.LogRow`): a page
# of them reads only these columns and joins only these relations (not the four other people
# of a decision).
_ROW_COLUMNS = (
    "author_role",
    "title",
    "rationale",
    "amount",
    "currency",
    "decided_at",
    "classification",
    "above_limit",
    "status",
    "due_at",
    "created_at",
)  # a decision's own columns that a row of the log or of the review page shows
REVIEW_ROW_FIELDS = (
    "tandem_id",
    *_ROW_COLUMNS,
    "area__name",
    "author__display_name",
    "author__email",
)


# What a row of the decision log shows (`presenters.LogRow`).
LOG_ROW_FIELDS = (
    *REVIEW_ROW_FIELDS,
    "level_applied",
    "answer",
)


def log_rows(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """`decisions` (`decisions_of`, filtered) narrowed to what the log's rows show."""
    return decisions.select_related(None).select_related("area", "author").only(*LOG_ROW_FIELDS)


# What a row of the review page shows, read as plain values (`presenters.review_items`).
REVIEW_ROW_VALUES = (
    "id",
    *_ROW_COLUMNS,
    "area_id",
    "area__name",
    "author_id",
    "author__display_name",
    "author__email",
)


def review_page_rows(
    *,
    membership: Membership,
    pages: Sequence[tuple[Sequence[str], int, int]],
    now: datetime,
    **filters: Any,
) -> list[dict[str, Any]]:
    """The rows `bottom:top` of several lists of `review_queue` (`pages`: each list's
    statuses, bottom, top; `filters`: `review_queue`'s), oldest first, in one query as plain
    values (`REVIEW_ROW_VALUES`), each with `viewer_reminder_at` (`with_review_reminder`).
    Each list's slice is its own `ORDER BY … LIMIT` (on PostgreSQL their ids a `UNION ALL`),
    so the cost stays that of a page however long the lists grow. The caller tells the lists
    apart by their statuses.

    Without filters (the page as it opens) the query is compiled once per process for each
    set of slices (`CompiledQuery`): building it through the ORM cost more than running it."""
    slices = tuple(
        (tuple(statuses), bottom, top) for statuses, bottom, top in pages if top > bottom
    )
    if not slices:
        return []
    if filters:
        found: Iterable[tuple[Any, ...]] = _review_page(
            tandem_id=membership.tandem_id,
            user_id=membership.user_id,
            now=now,
            slices=slices,
            filters=filters,
        )
    else:
        compiled = _REVIEW_PAGES.get(slices)
        if compiled is None:
            if len(_REVIEW_PAGES) >= 64:  # a few pages of each list are what people open
                _REVIEW_PAGES.clear()
            compiled = _REVIEW_PAGES[slices] = CompiledQuery(
                partial(_review_page, slices=slices, filters={}),
                tandem_id=1_900_000_401,
                user_id=1_900_000_402,
                now=datetime(1901, 2, 3, 4, 5, 6, 400001, tzinfo=UTC),
            )
        found = compiled.rows(tandem_id=membership.tandem_id, user_id=membership.user_id, now=now)
    return [dict(zip(_REVIEW_PAGE_COLUMNS, row, strict=True)) for row in found]


_REVIEW_PAGE_COLUMNS = (*REVIEW_ROW_VALUES, "viewer_reminder_at")
_REVIEW_PAGES: dict[tuple[Any, ...], CompiledQuery] = {}


def _review_page(
    *,
    tandem_id: int,
    user_id: int,
    now: datetime,
    slices: tuple[tuple[tuple[str, ...], int, int], ...],
    filters: dict[str, Any],
) -> QuerySet[Decision, tuple[Any, ...]]:
    # The membership's ids are all that `review_queue` and `with_review_reminder` read of it.
    membership = Membership(tandem_id=tandem_id, user_id=user_id)
    ids = [
        review_queue(membership=membership, statuses=statuses, **filters).values("pk")[bottom:top]
        for statuses, bottom, top in slices
    ]
    if connection.features.supports_slicing_ordering_in_compound and len(ids) > 1:
        shown = Q(pk__in=ids[0].union(*ids[1:], all=True))
    else:
        shown = Q()
        for each in ids:
            shown |= Q(pk__in=each)
    rows = Decision.objects.filter(shown, tandem_id=tandem_id).order_by("created_at", "id")
    found: QuerySet[Decision, tuple[Any, ...]] = with_review_reminder(
        rows, membership=membership, now=now
    ).values_list(*_REVIEW_PAGE_COLUMNS)
    return found


def review_values(
    queue: QuerySet[Decision], *, membership: Membership, now: datetime | None = None
) -> QuerySet[Decision, dict[str, Any]]:
    """`queue` (`review_queue`) as the plain values its rows show (`REVIEW_ROW_VALUES`), with
    the viewer's reminder (`with_review_reminder`)."""
    rows = with_review_reminder(queue.select_related(None), membership=membership, now=now)
    found: QuerySet[Decision, dict[str, Any]] = rows.values(
        *REVIEW_ROW_VALUES, "viewer_reminder_at"
    )
    return found


def overdue_q(now: datetime | None = None) -> Q:
    """A request past its due date (`Decision.is_overdue`, as a filter)."""
    return Q(status=DecisionStatus.AWAITING_ANSWER, due_at__lte=now or timezone.now())


def with_review_reminder(
    queue: QuerySet[Decision], *, membership: Membership, now: datetime | None = None
) -> QuerySet[Decision]:
    """`queue` (`review_queue`) with `viewer_reminder_at`: when the person's own reminder on
    each decision is due (only one still to come; None without), read with the rows instead
    of by a query of its own."""
    due = ReviewReminder.objects.filter(
        decision_id=OuterRef("pk"),
        user_id=membership.user_id,
        remind_at__gt=now or timezone.now(),
    ).values("remind_at")[:1]
    return queue.annotate(viewer_reminder_at=Subquery(due))
