"""Every read of check-ins, scoped to the tandem of the person who asks.

A series or item of another tandem is NotFound, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.checkins import rules
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    CalendarFeed,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    Retro,
)
from apps.checkins.recurrence import next_occurrences, occurrences_between
from apps.core.errors import DomainError, NotFound
from apps.tandems.models import Membership, Role, Tandem
from apps.tandems.tokens import token_hash, token_matches

MAX_WINDOW: Final = timedelta(days=400)
MAX_NEXT: Final = 100


def series_of(*, tandem: Tandem) -> QuerySet[CheckInSeries]:
    return CheckInSeries.objects.filter(tandem=tandem)


def series_get(*, membership: Membership, series_id: int | str) -> CheckInSeries:
    try:
        pk = int(series_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    series = CheckInSeries.objects.filter(tandem_id=membership.tandem_id, pk=pk).first()
    if series is None:
        raise NotFound(gettext_noop("Not found."))
    return series


def parse_start(value: str) -> datetime:
    """An occurrence start from a URL: an aware ISO 8601 instant, returned in UTC."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise NotFound(gettext_noop("Not found."))
    return parsed.astimezone(UTC)


def is_computed_start(series: CheckInSeries, start: datetime) -> bool:
    return occurrences_between(series.schedule, start, start + timedelta(microseconds=1)) == [start]


def occurrence_find(*, series: CheckInSeries, start: datetime) -> Occurrence:
    """The occurrence of `series` starting (originally) at `start`: its row if someone touched
    it, else an unsaved one. NotFound if the series has no occurrence then."""
    row = Occurrence.objects.filter(series=series, original_start=start).first()
    if row is not None:
        return row
    if not is_computed_start(series, start):
        raise NotFound(gettext_noop("This series has no occurrence at that time."))
    return Occurrence(series=series, original_start=start)


def occurrence_get(
    *, membership: Membership, series_id: int | str, start: str
) -> tuple[CheckInSeries, Occurrence]:
    series = series_get(membership=membership, series_id=series_id)
    return series, occurrence_find(series=series, start=parse_start(start))


def _with_counts(qs: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return qs.annotate(
        agenda_count=Count("agenda", distinct=True),
        open_agenda_count=Count("agenda", filter=Q(agenda__resolved=False), distinct=True),
    )


def _merge(
    series: CheckInSeries, starts: list[datetime], rows: list[Occurrence]
) -> list[Occurrence]:
    by_start = {row.original_start: row for row in rows}
    merged: list[Occurrence] = []
    for start in starts:
        row = by_start.pop(start, None)
        if row is None:
            row = Occurrence(series=series, original_start=start)
            row.agenda_count = row.open_agenda_count = 0  # type: ignore[attr-defined]
        merged.append(row)
    # Rows moved into the window from a computed start outside it.
    merged.extend(by_start.values())
    merged.sort(key=lambda occ: (occ.start, occ.original_start))
    return merged


def occurrences_between_for(
    *, series: CheckInSeries, window_start: datetime, window_end: datetime
) -> list[Occurrence]:
    """The series' occurrences starting in [window_start, window_end): computed starts merged
    with the stored rows (one query), ordered by their actual start."""
    if window_end <= window_start:
        raise DomainError(gettext_noop("Must be after 'from'."), field="to")
    if window_end - window_start > MAX_WINDOW:
        message = gettext("A window spans at most %(days)s days.") % {"days": MAX_WINDOW.days}
        raise DomainError(message, field="to")
    starts = occurrences_between(series.schedule, window_start, window_end)
    rows = _with_counts(
        Occurrence.objects.filter(series=series).filter(
            Q(original_start__in=starts)
            | Q(moved_to__gte=window_start, moved_to__lt=window_end)
            | Q(original_start__gte=window_start, original_start__lt=window_end)
        )
    )
    merged = _merge(series, starts, list(rows))
    # A row moved out of the window is still listed at its original slot only if its new
    # start is inside; otherwise it belongs to another window.
    return [occ for occ in merged if window_start <= occ.start < window_end]


def occurrences_next_for(*, series: CheckInSeries, after: datetime, n: int) -> list[Occurrence]:
    if not 1 <= n <= MAX_NEXT:
        raise DomainError(gettext("Must be from 1 to %(max)s.") % {"max": MAX_NEXT}, field="next")
    starts = next_occurrences(series.schedule, after, n)
    rows = _with_counts(Occurrence.objects.filter(series=series, original_start__in=starts))
    return _merge(series, starts, list(rows))


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


def action_items_of(*, tandem: Tandem) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(tandem=tandem).select_related(
        "owner", "occurrence", "created_by"
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


def _past_starts(series: CheckInSeries, now: datetime, limit: int) -> list[datetime]:
    """Up to `limit` computed starts before `now`, newest first, looking back in growing
    windows so the cost follows `limit`, not the series' age."""
    found: list[datetime] = []
    span = timedelta(days=62)
    earliest = datetime.combine(series.start_date, datetime.min.time(), tzinfo=UTC) - timedelta(
        days=2
    )
    window_end = now
    while len(found) < limit and window_end > earliest:
        window_start = max(window_end - span, earliest)
        found = occurrences_between(series.schedule, window_start, window_end) + found
        window_end = window_start
        span *= 2
    found.sort(reverse=True)
    return found[:limit]


def feed_user_for_token(token: str) -> User:
    """The person whose calendar feed this token opens; NotFound for a revoked or unknown one."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None or not token_matches(token, feed.token_hash) or not feed.user.is_active:
        raise NotFound(gettext_noop("Not found."))
    return feed.user


def series_for_feed(*, user: User) -> QuerySet[CheckInSeries]:
    """Every series of the person's tandems, with the rows that change the calendar."""
    return (
        CheckInSeries.objects.filter(tandem__memberships__user=user)
        .select_related("tandem")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.filter(
                    Q(status=OccurrenceStatus.SKIPPED) | Q(moved_to__isnull=False)
                ),
                to_attr="changed",
            )
        )
        .order_by("tandem_id", "id")
    )


def members_of_tandem(*, tandem_id: int) -> list[Membership]:
    return list(Membership.objects.filter(tandem_id=tandem_id).select_related("user"))


# --- reads for the web pages ----------------------------------------------------------------

# The longest a check-in may last (as the services allow).
PAGE_MAX_DURATION: Final = timedelta(hours=24)


def _rows_at(
    series_list: list[CheckInSeries], starts: dict[int, list[datetime]], also: Q | None = None
) -> dict[tuple[int, datetime], Occurrence]:
    """The stored rows of the given computed starts (and those matching `also`), with agenda
    counts and retros: two queries, whatever the number of series and occurrences."""
    all_starts = {start for found in starts.values() for start in found}
    wanted = Q(original_start__in=all_starts)
    if also is not None:
        wanted |= also
    if not series_list:
        return {}
    rows = _with_counts(
        Occurrence.objects.filter(series__in=series_list).filter(wanted)
    ).prefetch_related(
        Prefetch("retros", queryset=Retro.objects.select_related("member").order_by("id"))
    )
    return {(row.series_id, row.original_start): row for row in rows}


def _placed(series: CheckInSeries, start: datetime, row: Occurrence | None) -> Occurrence:
    if row is None:
        row = Occurrence(series=series, original_start=start)
        row.agenda_count = row.open_agenda_count = 0  # type: ignore[attr-defined]
        row.page_retros = []  # type: ignore[attr-defined]
    else:
        row.series = series  # already loaded; no query per row
        row.page_retros = list(row.retros.all())  # type: ignore[attr-defined]
    return row


def _combine(
    series_list: list[CheckInSeries],
    starts: dict[int, list[datetime]],
    rows: dict[tuple[int, datetime], Occurrence],
    place: Callable[[CheckInSeries, datetime, Occurrence | None], Occurrence],
) -> list[Occurrence]:
    """The computed starts of each series merged with the stored rows (keyed by series id and
    original start): a start nobody touched becomes an unsaved row, and a stored row whose
    original start was not computed (moved here from elsewhere) is added as it is."""
    rest = dict(rows)
    by_id = {series.pk: series for series in series_list}
    found = [
        place(series, start, rest.pop((series.pk, start), None))
        for series in series_list
        for start in starts[series.pk]
    ]
    found += [place(by_id[row.series_id], row.original_start, row) for row in rest.values()]
    return found


def occurrences_upcoming_for_tandem(
    *, tandem: Tandem, now: datetime, n: int = 10
) -> list[Occurrence]:
    """The next `n` occurrences of the tandem's active series, by actual start, including one
    that is going on now and skipped ones (so they can be restored). Untouched occurrences are
    unsaved rows. Three queries, whatever the number of occurrences."""
    series_list = list(series_of(tandem=tandem).filter(active=True))
    starts = {
        series.pk: next_occurrences(series.schedule, now - series.duration, n)
        for series in series_list
    }
    # Also occurrences moved to a time ahead from a computed start that is not listed.
    rows = _rows_at(series_list, starts, also=Q(moved_to__gt=now - PAGE_MAX_DURATION))
    found = _combine(series_list, starts, rows, _placed)
    found = [occ for occ in found if occ.start + occ.series.duration > now]
    found.sort(key=lambda occ: (occ.start, occ.series_id))
    return found[:n]


def occurrences_past_for_tandem(
    *, tandem: Tandem, now: datetime, limit: int = 12
) -> list[Occurrence]:
    """The last `limit` occurrences of all the tandem's series (also ended and inactive ones)
    that have ended by `now`, newest first, each with `page_retros`. Three queries."""
    series_list = list(series_of(tandem=tandem))
    starts = {
        series.pk: _past_starts(series, now - series.duration, limit) for series in series_list
    }
    rows = _rows_at(series_list, starts)
    found = [
        _placed(series, start, rows.get((series.pk, start)))
        for series in series_list
        for start in starts[series.pk]
    ]
    # An occurrence moved to a time still ahead is not past yet.
    found = [occ for occ in found if occ.start + occ.series.duration <= now]
    found.sort(key=lambda occ: (occ.original_start, occ.series_id), reverse=True)
    return found[:limit]


def occurrence_neighbours(
    *, series: CheckInSeries, start: datetime
) -> tuple[datetime | None, datetime | None]:
    """The computed starts just before and just after `start` in the series (no query)."""
    before = _past_starts(series, start, 1)
    after = next_occurrences(series.schedule, start, 1)
    return (before[0] if before else None, after[0] if after else None)


def agenda_for_page(*, occurrence: Occurrence) -> QuerySet[AgendaItem]:
    """The agenda with everything a page shows beside each item, in one query."""
    if occurrence.pk is None:
        return AgendaItem.objects.none()
    return AgendaItem.objects.filter(occurrence=occurrence).select_related(
        "author",
        "carried_from__occurrence",
        "carried_to__occurrence",
        "decision",
        "action_item",
    )


def action_items_overdue(*, tandem: Tandem, today: date) -> QuerySet[ActionItem]:
    """Open commitments of either member whose due date has passed (by `today`)."""
    return (
        action_items_of(tandem=tandem)
        .filter(status=ActionItemStatus.OPEN, due_date__lt=today)
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class CommitmentCounts:
    """How one member's commitments stand: kept and late are the done ones."""

    member: Membership
    open: int
    overdue: int
    kept: int
    late: int
    dropped: int


def commitments_by_member(*, tandem: Tandem, today: date) -> list[CommitmentCounts]:
    """Per member of the tandem (leader first), the counts of their action items: two
    queries, whatever the number of items."""
    members = sorted(
        Membership.objects.filter(tandem=tandem).select_related("user"),
        key=lambda m: (m.role != Role.LEADER, m.pk),
    )
    counts = {
        row["owner_id"]: row
        for row in ActionItem.objects.filter(tandem=tandem)
        .order_by()
        .values("owner_id")
        .annotate(
            n_open=Count("id", filter=Q(status=ActionItemStatus.OPEN)),
            n_overdue=Count("id", filter=Q(status=ActionItemStatus.OPEN, due_date__lt=today)),
            n_kept=Count("id", filter=Q(status=ActionItemStatus.DONE, kept=True)),
            n_late=Count("id", filter=Q(status=ActionItemStatus.DONE, kept=False)),
            n_dropped=Count("id", filter=Q(status=ActionItemStatus.DROPPED)),
        )
    }
    empty = {"n_open": 0, "n_overdue": 0, "n_kept": 0, "n_late": 0, "n_dropped": 0}
    result = []
    for member in members:
        row = counts.get(member.user_id, empty)
        result.append(
            CommitmentCounts(
                member=member,
                open=row["n_open"],
                overdue=row["n_overdue"],
                kept=row["n_kept"],
                late=row["n_late"],
                dropped=row["n_dropped"],
            )
        )
    return result


# --- what check-ins contribute to the composition layer (apps.home) -------------------------


def _bare(series: CheckInSeries, start: datetime, row: Occurrence | None) -> Occurrence:
    if row is None:
        return Occurrence(series=series, original_start=start)
    row.series = series  # already loaded; no query per row
    return row


def occurrences_upcoming_for_home(
    *, tandem_ids: list[int], now: datetime, n: int
) -> dict[int, list[Occurrence]]:
    """Per tandem of `tandem_ids`, the next `n` occurrences of its active series that start
    from `now` on, skipped ones left out, by actual start. Two queries for all the tandems."""
    series_list = list(CheckInSeries.objects.filter(tandem_id__in=tandem_ids, active=True))
    if not series_list:
        return {}
    # A few spare starts per series, so skipped ones do not leave the list short.
    starts = {s.pk: next_occurrences(s.schedule, now, n + 2) for s in series_list}
    computed = {(pk, start) for pk, found in starts.items() for start in found}
    stored = Occurrence.objects.filter(series_id__in=list(starts)).filter(
        Q(original_start__in=[start for _pk, start in computed])
        | Q(status=OccurrenceStatus.MOVED, moved_to__gte=now)
    )
    # A stored row counts at a start computed for its own series, or as a move ahead.
    rows = {
        (row.series_id, row.original_start): row
        for row in stored
        if (row.series_id, row.original_start) in computed or row.status == OccurrenceStatus.MOVED
    }
    upcoming: dict[int, list[Occurrence]] = {}
    for occ in _combine(series_list, starts, rows, _bare):
        if occ.status != OccurrenceStatus.SKIPPED and occ.start >= now:
            upcoming.setdefault(occ.series.tandem_id, []).append(occ)
    for found in upcoming.values():
        found.sort(key=lambda occ: (occ.start, occ.series_id))
        del found[n:]
    return upcoming


def action_items_for_home(
    *, user: User, tandem_ids: list[int], limit: int
) -> dict[int, list[ActionItem]]:
    """Per tandem of `tandem_ids`, the person's first `limit` open action items (by due date,
    undated last), each with `total`: how many they have open there. One query."""
    by_tandem = [F("tandem_id")]
    items = (
        ActionItem.objects.filter(
            tandem_id__in=tandem_ids, owner_id=user.pk, status=ActionItemStatus.OPEN
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=by_tandem,
                order_by=[F("due_date").asc(nulls_last=True), F("id").asc()],
            ),
            total=Window(Count("id"), partition_by=by_tandem),
        )
        .filter(rank__lte=limit)
        .order_by("tandem_id", "rank")
    )
    found: dict[int, list[ActionItem]] = {}
    for item in items:
        found.setdefault(item.tandem_id, []).append(item)
    return found


def checkins_export_rows(*, membership: Membership) -> dict[str, QuerySet[Any]]:
    """The member's tandem's series, occurrences, agendas, action items and retros, for the
    whole-tandem export, by section, in id order."""
    tid = membership.tandem_id
    return {
        "checkin_series": CheckInSeries.objects.filter(tandem_id=tid).order_by("pk"),
        "occurrences": Occurrence.objects.filter(series__tandem_id=tid).order_by("pk"),
        "agenda_items": AgendaItem.objects.filter(occurrence__series__tandem_id=tid).order_by("pk"),
        "action_items": ActionItem.objects.filter(tandem_id=tid).order_by("pk"),
        "retros": Retro.objects.filter(occurrence__series__tandem_id=tid).order_by("pk"),
    }
