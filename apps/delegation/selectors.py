"""Every read of the delegation app, scoped through the requesting person's membership.

Another tandem's area or decision is a NotFound, exactly like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.bounded import CappedCount, Listed, first_of_each
from apps.core.db import CompiledQuery
from apps.core.errors import NotFound
from apps.delegation.classification import AuthorRole, MatrixTerms, Verdict, classify
from apps.delegation.models import (
    ACKNOWLEDGEABLE,
    NEEDS_ACTION,
    REQUESTS,
    Answer,
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    MatrixChange,
    ReviewReminder,
)
from apps.delegation.terms import area_at, check_area_open
from apps.tandems.models import Membership, Tandem
from apps.tandems.selectors import tandems_for

RECENT_DAYS_DEFAULT = 30


def growth_window() -> int:
    """How many requests in a row must have been approved before a raise is suggested."""
    return int(settings.TANDEM_DELEGATION_GROWTH_WINDOW)


@dataclass(frozen=True)
class GrowthSuggestion:
    """The last `approved_in_a_row` requests at the area's level were all approved."""

    current_level: int
    suggested_level: int
    approved_in_a_row: int


def areas_of(*, membership: Membership) -> QuerySet[DecisionArea]:
    return DecisionArea.objects.filter(tandem_id=membership.tandem_id).select_related("goal")


def areas_at_a_glance(
    *,
    membership: Membership,
    since: datetime | None = None,
    now: datetime | None = None,
    archived: bool | None = None,
) -> QuerySet[DecisionArea]:
    """Areas with the counts of decisions taken since `since` and the elevation in force;
    only archived ones (`archived=True`), only those in force (False), or all (None).

    Counts are annotations and the elevation a prefetch, so the number of queries does not
    grow with areas or decisions. Attach growth suggestions with `with_growth_suggestions`.
    """
    now = now or timezone.now()
    since = since or now - timedelta(days=RECENT_DAYS_DEFAULT)

    def recent(**match: Any) -> Coalesce:
        # A subquery per area over its index (area, decided_at): the range since `since`
        # only, not a join with every decision the area ever had.
        counted = (
            Decision.objects.filter(area_id=OuterRef("pk"), decided_at__gte=since, **match)
            .order_by()
            .values("area_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    areas = areas_of(membership=membership)
    if archived is not None:
        areas = areas.filter(archived_at__isnull=not archived)
    return areas.annotate(
        recent_decisions=recent(),
        recent_needs_action=recent(status__in=NEEDS_ACTION),
        recent_outside_authority=recent(classification="outside_authority"),
    ).prefetch_related(
        Prefetch(
            "elevations",
            queryset=Elevation.objects.active_at(now).order_by("-level"),
            to_attr="active_elevations",
        )
    )


def growth_suggestions(
    *, areas: Iterable[DecisionArea], window: int | None = None
) -> dict[int, GrowthSuggestion]:
    """For each area in force whose last `window` requests at its current level (below the
    limit, not under an elevation, answered since the leader last dismissed a suggestion) were
    all approved, a suggestion to raise the level by one. One query.
    """
    window = window or growth_window()
    by_id = {area.pk: area for area in areas if area.level < 7 and area.archived_at is None}
    if not by_id:
        return {}
    rows: Iterable[tuple[int, str]]
    if connection.vendor == "postgresql":
        rows = _last_requests_lateral(list(by_id), window)
    else:
        rows = _last_requests_ranked(list(by_id), window)
    answers: dict[int, list[str]] = defaultdict(list)
    for area_id, answer in rows:
        answers[area_id].append(answer)
    return {
        area_id: GrowthSuggestion(
            current_level=by_id[area_id].level,
            suggested_level=by_id[area_id].level + 1,
            approved_in_a_row=window,
        )
        for area_id, given in answers.items()
        if len(given) == window and all(a == Answer.APPROVE for a in given)
    }


def _last_requests_lateral(area_ids: list[int], window: int) -> list[tuple[int, str]]:
    """(area id, answer) of each area's last `window` counted requests (see
    `growth_suggestions`), on PostgreSQL: per area an index scan that stops after `window`
    rows, however many requests the area has had."""
    decision, area = Decision._meta.db_table, DecisionArea._meta.db_table
    sql = f"""
        SELECT a.id, d.answer FROM "{area}" a CROSS JOIN LATERAL (
            SELECT d.answer FROM "{decision}" d
            WHERE d.area_id = a.id AND d.status = %s AND d.classification = ANY(%s)
              AND NOT d.above_limit AND NOT d.under_elevation AND d.level_applied = a.level
              AND (a.growth_dismissed_at IS NULL OR d.answered_at > a.growth_dismissed_at)
            ORDER BY d.answered_at DESC, d.id DESC LIMIT %s
        ) d WHERE a.id = ANY(%s)
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [DecisionStatus.ANSWERED, list(REQUESTS), window, area_ids])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _last_requests_ranked(area_ids: list[int], window: int) -> QuerySet[Any]:
    """The same as `_last_requests_lateral` by a window function over all the areas'
    requests (SQLite, the embedded default for small installations)."""
    return (
        Decision.objects.filter(
            area_id__in=area_ids,
            classification__in=REQUESTS,
            status=DecisionStatus.ANSWERED,
            above_limit=False,
            under_elevation=False,
            level_applied=F("area__level"),
        )
        # After "not now", only what was answered since counts (`area_growth_dismiss`).
        .filter(
            Q(area__growth_dismissed_at__isnull=True)
            | Q(answered_at__gt=F("area__growth_dismissed_at"))
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("area_id")],
                order_by=[F("answered_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=window)
        .values_list("area_id", "answer")
    )


def with_growth_suggestions(areas: Iterable[DecisionArea]) -> list[DecisionArea]:
    """Sets `growth_suggestion` (or None) on each area; one query for all of them."""
    areas = list(areas)
    suggestions = growth_suggestions(areas=areas)
    for area in areas:
        area.growth_suggestion = suggestions.get(area.pk)  # type: ignore[attr-defined]
    return areas


def area_get(*, membership: Membership, area_id: int) -> DecisionArea:
    area = areas_at_a_glance(membership=membership).filter(pk=area_id).first()
    if area is None:
        raise NotFound(gettext_noop("Not found."))
    return with_growth_suggestions([area])[0]


def matrix_changes_of(*, membership: Membership) -> QuerySet[MatrixChange]:
    return MatrixChange.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "changed_by"
    )


def elevations_of(*, membership: Membership) -> QuerySet[Elevation]:
    return Elevation.objects.filter(tandem_id=membership.tandem_id).select_related(
        "area", "created_by"
    )


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


# --- reads of the web pages --------------------------------------------------------------


def recent_decisions_by_area(
    *, membership: Membership, per_area: int = 3
) -> dict[int, list[Decision]]:
    """The latest `per_area` decisions of each of the tandem's areas, newest first, keyed by
    area id. One query, whatever the number of areas or decisions: on PostgreSQL an index
    scan per area that stops after `per_area` rows; on SQLite a window function over the
    tandem's decisions."""
    fields = ("id", "area_id", "title", "classification", "status", "decided_at")
    rows: Iterable[Decision]
    if connection.vendor == "postgresql":
        decisions, areas = Decision._meta.db_table, DecisionArea._meta.db_table
        latest = RawSQL(  # noqa: S611 - table names from the models, values as parameters
            f"""SELECT d.id FROM "{areas}" a CROSS JOIN LATERAL (
                    SELECT d.id FROM "{decisions}" d WHERE d.area_id = a.id
                    ORDER BY d.decided_at DESC, d.id DESC LIMIT %s
                ) d WHERE a.tandem_id = %s""",  # noqa: S608
            [per_area, membership.tandem_id],
        )
        rows = (
            Decision.objects.filter(pk__in=latest)
            .only(*fields)
            .order_by("area_id", "-decided_at", "-id")
        )
    else:
        rows = (
            Decision.objects.filter(tandem_id=membership.tandem_id, area__isnull=False)
            .only(*fields)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("area_id")],
                    order_by=[F("decided_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=per_area)
            .order_by("area_id", "rank")
        )
    recent: dict[int, list[Decision]] = defaultdict(list)
    for decision in rows:
        recent[decision.area_id].append(decision)  # type: ignore[index]
    return dict(recent)


@dataclass(frozen=True)
class DecisionCounts:
    """How many decisions per area (by name; None for "no area"), per classification and per
    level applied (None for "no area")."""

    by_area: list[tuple[str | None, int]]
    by_classification: list[tuple[str, int]]
    by_level: list[tuple[int | None, int]]


def decision_counts(*, decisions: QuerySet[Decision], newest: int | None = None) -> DecisionCounts:
    """Counts of `decisions`, which must come from `decisions_of` (so they are the member's
    tandem's), e.g. after the log's filters; of their `newest` latest only, when given (the log
    past its count cap: what a page costs must not grow with the history). One query: grouped
    by area, classification and level together (a few dozen groups at most), summed here three
    ways; on PostgreSQL the index `delegation_decision_counts` answers a whole log's without
    reading the table."""
    if newest is not None:
        latest = decisions.order_by("-decided_at", "-id").values("pk")[:newest]
        decisions = Decision.objects.filter(pk__in=latest)
    by_area: dict[str | None, int] = defaultdict(int)
    by_classification: dict[str, int] = defaultdict(int)
    by_level: dict[int | None, int] = defaultdict(int)
    grouped = (
        decisions.order_by()
        .values("area__name", "classification", "level_applied")
        .annotate(n=Count("*"))
    )
    for row in grouped:
        by_area[row["area__name"]] += row["n"]
        by_classification[row["classification"]] += row["n"]
        by_level[row["level_applied"]] += row["n"]
    return DecisionCounts(
        by_area=sorted(by_area.items(), key=lambda item: (-item[1], item[0] or "")),
        by_classification=sorted(by_classification.items(), key=lambda item: (-item[1], item[0])),
        by_level=sorted(by_level.items(), key=lambda item: (item[0] is None, item[0] or 0)),
    )


@dataclass(frozen=True)
class ClassificationPreview:
    """How a decision would be classified if the member logged it now; nothing is written."""

    area: DecisionArea | None
    terms: MatrixTerms | None
    elevation: Elevation | None
    verdict: Verdict


def decision_classification_preview(
    *,
    membership: Membership,
    area_id: int | None,
    amount: Decimal | None,
    decided_at: datetime | None = None,
) -> ClassificationPreview:
    """The verdict `services.decision_log` would reach for these values: the same terms in
    force at `decided_at` and the same pure `classify`, without writing anything.

    An area of another tandem is a NotFound, like a missing one.
    """
    area: DecisionArea | None = None
    terms: MatrixTerms | None = None
    elevation: Elevation | None = None
    if area_id is not None:
        at = decided_at or timezone.now()
        then = area_at(tandem_id=membership.tandem_id, area_id=area_id, at=at)
        if then is None:
            raise NotFound(gettext_noop("Not found."))
        area = then.area
        check_area_open(area, at=at)
        terms, elevation = then.terms, then.elevation
    verdict = classify(terms=terms, amount=amount, author_role=AuthorRole(membership.role))
    return ClassificationPreview(area=area, terms=terms, elevation=elevation, verdict=verdict)


@dataclass(frozen=True)
class TemplateSource:
    """Another tandem of the person whose matrix they may copy, with its areas in force."""

    tandem_id: int
    name: str
    areas: int


def template_sources(*, membership: Membership) -> list[TemplateSource]:
    """The person's other tandems (in either seat) that have a matrix to copy into this one
    (`services.matrix_copy`), by name. One query."""
    rows = (
        tandems_for(membership.user)
        .exclude(pk=membership.tandem_id)
        .annotate(
            in_force=Count("decision_areas", filter=Q(decision_areas__archived_at__isnull=True))
        )
        .filter(in_force__gt=0)
        .order_by("name", "pk")
        .values_list("pk", "name", "in_force")
    )
    return [TemplateSource(tandem_id=pk, name=name, areas=count) for pk, name, count in rows]


# --- what delegation contributes to the composition layer (apps.home) -----------------------


@dataclass(frozen=True)
class DecisionsForHome:
    """A tandem's decisions that wait for someone: requests for the leader to answer,
    decisions to acknowledge, and the person's own requests waiting for an answer."""

    to_answer: int
    to_acknowledge: int
    my_requests_waiting: int


def decisions_for_home(*, user: User, tandem_ids: list[int]) -> dict[int, DecisionsForHome]:
    """Per tandem of `tandem_ids` (the person's own, as the caller resolved them), the counts
    of decisions that wait, each counted up to `COUNT_CAP` + 1 (over `COUNT_CAP`: "more than
    COUNT_CAP"); tandems with none are left out. One query, reading at most `COUNT_CAP` + 1
    index entries per count, however many decisions wait."""

    def waiting(**where: Any) -> CappedCount:
        return CappedCount(Decision.objects.filter(tandem_id=OuterRef("pk"), **where))

    rows = Tandem.objects.filter(pk__in=tandem_ids).values_list(
        "pk",
        waiting(status=DecisionStatus.AWAITING_ANSWER),
        waiting(status__in=ACKNOWLEDGEABLE),
        waiting(status=DecisionStatus.AWAITING_ANSWER, author_id=user.pk),
    )
    return {
        tid: DecisionsForHome(to_answer, to_acknowledge, mine)
        for tid, to_answer, to_acknowledge, mine in rows
        if to_answer or to_acknowledge
    }


# The lists of waiting decisions, each by the statuses it holds.
WAITING_LISTS = {
    "awaiting_answer": (DecisionStatus.AWAITING_ANSWER,),
    "to_acknowledge": ACKNOWLEDGEABLE,
}


def decisions_waiting_for_home(
    *, tandem_ids: list[int], limit: int
) -> dict[int, dict[str, Listed[Decision]]]:
    """Per tandem of `tandem_ids` (the person's own, as the caller resolved them), the first
    `limit` decisions that wait, oldest first, in two lists: "awaiting_answer" (requests)
    and "to_acknowledge"; each list with its length, counted up to `COUNT_CAP` + 1. Two
    queries, each reading per list at most `limit` rows (an index scan per status) and
    `COUNT_CAP` + 1 index entries, however many decisions wait. Who may act on which is the
    caller's to say (the leader answers; an assistant waits for their own requests)."""
    order = [F("created_at").asc(), F("id").asc()]
    per_status = [
        Q(tandem_id=tid, status=status)
        for tid in tandem_ids
        for statuses in WAITING_LISTS.values()
        for status in statuses
    ]
    rows = (
        first_of_each(Decision.objects.all(), lists=per_status, order_by=order, limit=limit)
        .select_related("area", "author")
        .order_by("tandem_id", *order)
    )
    list_of = {str(status): name for name, statuses in WAITING_LISTS.items() for status in statuses}
    found: dict[int, dict[str, Listed[Decision]]] = {}
    for decision in rows:
        lists = found.setdefault(decision.tandem_id, {name: Listed() for name in WAITING_LISTS})
        listed = lists[list_of[decision.status]]
        if len(listed.items) < limit:  # a list of several statuses has `limit` of each
            listed.items.append(decision)
    counts = Tandem.objects.filter(pk__in=tandem_ids).values_list(
        "pk",
        *(
            CappedCount(Decision.objects.filter(tandem_id=OuterRef("pk"), status__in=statuses))
            for statuses in WAITING_LISTS.values()
        ),
    )
    for tid, *totals in counts:
        if tid in found:
            for name, total in zip(WAITING_LISTS, totals, strict=True):
                found[tid][name].total = total
    return found


def delegation_export_rows(*, membership: Membership) -> dict[str, QuerySet[Any]]:
    """The member's tandem's matrix, its history and its decisions, for the whole-tandem
    export, by section, in id order."""
    tid = membership.tandem_id
    return {
        "decision_areas": DecisionArea.objects.filter(tandem_id=tid).order_by("pk"),
        "matrix_changes": MatrixChange.objects.filter(tandem_id=tid).order_by("pk"),
        "elevations": Elevation.objects.filter(tandem_id=tid).order_by("pk"),
        "decisions": decisions_of(membership=membership).order_by("pk"),
    }
