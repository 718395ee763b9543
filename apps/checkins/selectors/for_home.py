"""What check-ins contribute to the composition layer (apps.home): the upcoming occurrences
and the person's open action items of several tandems at once, and a tandem's rows for the
whole-tandem export."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime, time
from functools import lru_cache
from typing import Any, Final

from django.db.models import Count, F, OuterRef, Q, QuerySet

from apps.accounts.models import User
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    PrivateNote,
    Retro,
    TalkingPoint,
)
from apps.checkins.recurrence import Schedule, next_occurrences, occurrences_between
from apps.checkins.selectors.occurrences import _combine, kept_schedule
from apps.core.bounded import CappedCount, Listed, first_of_each
from apps.tandems.models import Membership, Tandem


def _bare(series: CheckInSeries, start: datetime, row: Occurrence | None) -> Occurrence:
    if row is None:
        return Occurrence(series=series, original_start=start)
    row.series = series  # already loaded; no query per row
    return row


def _stored(
    starts: dict[int, list[datetime]], computed: set[tuple[int, datetime]], **moved: datetime
) -> QuerySet[Occurrence]:
    """The stored rows of the series in `starts` at one of the computed starts, and those
    moved into the span `moved` gives (either may come twice: callers key them by slot).
    Two selects in one query, each on its own index: written as one condition with OR, the
    database read every row of the series' whole history to test it."""
    series_ids = list(starts)
    at_starts = Occurrence.objects.filter(
        series_id__in=series_ids, original_start__in=[start for _pk, start in computed]
    )
    moved_in = Occurrence.objects.filter(
        series_id__in=series_ids, status=OccurrenceStatus.MOVED, **moved
    )
    return at_starts.order_by().union(moved_in.order_by(), all=True)


# How many more starts than asked for a series keeps per process from the UTC midnight before
# `now` (`_next_starts`): those between midnight and now are left out when asked. A series
# meets at most once a local date, and a UTC day touches at most three of them.
_KEPT_EXTRA: Final = 3


@lru_cache(maxsize=1024)
def _starts_after(schedule: Schedule, after: datetime, count: int) -> tuple[datetime, ...]:
    """The schedule's first `count` starts after `after` (`kept_schedule`'s: a changed
    timing is a new entry, never a stale one)."""
    return tuple(next_occurrences(schedule, after, count))


def _next_starts(series: CheckInSeries, now: datetime, count: int) -> list[datetime]:
    """`next_occurrences(series.schedule, now, count)`, from the starts kept per process
    since the UTC midnight before `now`: the home and tandem pages ask for every active
    series' next few with each request. Computed afresh should too few of the kept ones lie
    after `now` while the series has more."""
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    schedule = kept_schedule(series)
    kept = _starts_after(schedule, midnight, count + _KEPT_EXTRA)
    ahead = kept[bisect_right(kept, now) :]
    if len(ahead) >= count or len(kept) < count + _KEPT_EXTRA:
        return list(ahead[:count])
    return next_occurrences(schedule, now, count)


# Key of a computed start: (start, series id), in the order the home page lists them.
_Key = tuple[datetime, int]

# The stored rows read first: those of the first `n` × this of a tandem's computed starts
# (`_rows_of_first`).
HOME_SPARE: Final = 2


def _in_place(row: Occurrence | None) -> bool:
    """Whether the occurrence of a computed start takes place there (not skipped, not moved)."""
    return row is None or (row.status != OccurrenceStatus.SKIPPED and row.moved_to is None)


def _rows_of_first(
    keys: dict[int, list[_Key]], n: int, *, series_ids: list[int], now: datetime
) -> tuple[dict[tuple[int, datetime], Occurrence], dict[int, int]]:
    """The stored rows of the first computed starts of each tandem (`keys`, per tandem, in
    order) that can be among its first `n` occurrences, and every row of `series_ids` moved
    (or held elsewhere) to a time from `now` on; and per tandem, how many of its keys that
    covers.

    A stored row can only take a start out of its place: skip it, or move it (the moved
    ones are read by their new time). So once `n` of the keys read keep their place, no later
    key can come before them. The first `n` × `HOME_SPARE` keys of each tandem are read with
    the moved ones in one query; only where too few of them keep their place is the next
    batch read (twice as many), a query a batch.
    """
    ahead = Occurrence.objects.filter(series_id__in=series_ids, moved_to__gte=now).order_by()
    rows: dict[tuple[int, datetime], Occurrence] = {}
    read = dict.fromkeys(keys, 0)
    upto = dict.fromkeys(keys, n * HOME_SPARE)
    first = True
    while upto:
        asked = {
            (pk, start) for tid, end in upto.items() for start, pk in keys[tid][read[tid] : end]
        }
        # One condition on the series and one on the starts rather than one per key, which
        # costs more to build than the few rows of other keys this may also find (left out).
        stored = Occurrence.objects.filter(
            series_id__in=sorted({pk for pk, _start in asked}),
            original_start__in=sorted({start for _pk, start in asked}),
        ).order_by()
        if first:
            stored, first = (stored if asked else stored.none()).union(ahead, all=True), False
        for row in stored:
            key = (row.series_id, row.original_start)
            if key in asked or (row.moved_to is not None and row.moved_to >= now):
                rows[key] = row
        for tid, end in list(upto.items()):
            read[tid] = min(end, len(keys[tid]))
            in_place = sum(
                1 for start, pk in keys[tid][: read[tid]] if _in_place(rows.get((pk, start)))
            )
            if in_place >= n or read[tid] == len(keys[tid]):
                del upto[tid]
            else:
                upto[tid] = 2 * end
    return rows, read


def occurrences_upcoming_for_home(
    *, tandem_ids: list[int], now: datetime, n: int
) -> dict[int, list[Occurrence]]:
    """Per tandem of `tandem_ids`, the next `n` (at least one) occurrences of its active
    series that start from `now` on, skipped ones left out, by actual start, then series
    (and a computed start before one moved onto the same instant); tandems with none are
    left out.

    The candidates are each series' next `n` + 2 computed starts (a few spare ones, so that
    skipped ones do not leave the list short), each at its own time or where its stored row
    moved it, and every occurrence moved to a time ahead. The stored rows are read only for
    the first few computed starts of each tandem (`_rows_of_first`), and the starts come from
    those kept per process (`_next_starts`), so the work follows `n`, hardly the number of
    series or their histories. Two queries for all the tandems, more only when many of the
    first meetings were skipped or moved away.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    series_list = list(CheckInSeries.objects.filter(tandem_id__in=tandem_ids, active=True))
    if not series_list:
        return {}
    by_id = {series.pk: series for series in series_list}
    keys: dict[int, list[_Key]] = {}
    for series in series_list:
        keys.setdefault(series.tandem_id, []).extend(
            (start, series.pk) for start in _next_starts(series, now, n + 2)
        )
    for found in keys.values():
        found.sort()
    computed = {(pk, start) for found in keys.values() for start, pk in found}
    rows, read = _rows_of_first(keys, n, series_ids=list(by_id), now=now)

    upcoming: dict[int, list[tuple[tuple[datetime, int, bool, datetime], Occurrence]]] = {}

    def add(occ: Occurrence, *, computed_start: bool) -> None:
        if occ.status != OccurrenceStatus.SKIPPED and occ.start >= now:
            order = (occ.start, occ.series_id, not computed_start, occ.original_start)
            upcoming.setdefault(occ.series.tandem_id, []).append((order, occ))

    for tid, count in read.items():
        for start, pk in keys[tid][:count]:
            add(_bare(by_id[pk], start, rows.pop((pk, start), None)), computed_start=True)
    # Moved ahead from elsewhere or from a later start; held elsewhere only at a computed one.
    for key, row in rows.items():
        if row.status == OccurrenceStatus.MOVED or key in computed:
            add(
                _bare(by_id[row.series_id], row.original_start, row), computed_start=key in computed
            )
    return {
        tid: [occ for _order, occ in sorted(found, key=lambda pair: pair[0])[:n]]
        for tid, found in upcoming.items()
    }


def occurrences_week_for_home(
    *, tandem_ids: list[int], now: datetime, until: datetime
) -> dict[int, list[Occurrence]]:
    """Per tandem of `tandem_ids`, the occurrences of its active series that start in
    [now, until), skipped ones left out, by actual start, each with `agenda_count` and
    `open_agenda_count`. Three queries for all the tandems (series, rows, counts)."""
    series_list = list(CheckInSeries.objects.filter(tandem_id__in=tandem_ids, active=True))
    if not series_list:
        return {}
    starts = {s.pk: occurrences_between(s.schedule, now, until) for s in series_list}
    computed = {(pk, start) for pk, found in starts.items() for start in found}
    stored = _stored(starts, computed, moved_to__gte=now, moved_to__lt=until)
    rows = {
        (row.series_id, row.original_start): row
        for row in stored
        if (row.series_id, row.original_start) in computed or row.status == OccurrenceStatus.MOVED
    }
    week = [
        occ
        for occ in _combine(series_list, starts, rows, _bare)
        if occ.status != OccurrenceStatus.SKIPPED and now <= occ.start < until
    ]
    counts = {
        row["occurrence_id"]: row
        for row in AgendaItem.objects.filter(occurrence_id__in=[o.pk for o in week if o.pk])
        .values("occurrence_id")
        .annotate(n=Count("id"), n_open=Count("id", filter=Q(resolved=False)))
        .order_by()
    }
    found: dict[int, list[Occurrence]] = {}
    for occ in sorted(week, key=lambda occ: (occ.start, occ.series_id)):
        row = counts.get(occ.pk, {"n": 0, "n_open": 0})
        occ.agenda_count, occ.open_agenda_count = row["n"], row["n_open"]  # type: ignore[attr-defined]
        found.setdefault(occ.series.tandem_id, []).append(occ)
    return found


def action_items_for_home(
    *, user: User, tandem_ids: list[int], limit: int, of_others: bool = False
) -> dict[int, Listed[ActionItem]]:
    """Per tandem of `tandem_ids`, the person's first `limit` open action items (by due date,
    undated last) and how many they have open there, counted up to `COUNT_CAP` + 1 (more
    than that is "more than COUNT_CAP"); tandems with none are left out. With `of_others`,
    the open items of everyone else there instead: what the person waits for. Two queries
    (see `open_action_items_for_home`)."""
    whose = "of_others" if of_others else "mine"
    found = open_action_items_for_home(user=user, tandem_ids=tandem_ids, limit=limit, whose=[whose])
    return {tid: lists[whose] for tid, lists in found.items() if lists[whose].items}


_WHOSE = {"mine": lambda user: Q(owner_id=user.pk), "of_others": lambda user: ~Q(owner_id=user.pk)}


def open_action_items_for_home(
    *, user: User, tandem_ids: list[int], limit: int, whose: Sequence[str] = ("mine", "of_others")
) -> dict[int, dict[str, Listed[ActionItem]]]:
    """Per tandem of `tandem_ids`, lists of open action items by due date (undated last),
    each its first `limit` items and how many it has, counted up to `COUNT_CAP` + 1: by
    `whose`, "mine" (the person's own) and "of_others" (everyone else's there: what the
    person waits for). Two queries for all the tandems and lists, each reading at most
    `limit` items and `COUNT_CAP` + 1 index entries per list, however many items there are."""
    if not tandem_ids:
        return {}
    owned = {name: _WHOSE[name](user) for name in whose}
    open_items = ActionItem.objects.filter(status=ActionItemStatus.OPEN)
    order = [F("due_date").asc(nulls_last=True), F("id").asc()]
    lists = [Q(of, tandem_id=tid) for tid in tandem_ids for of in owned.values()]
    items = (
        first_of_each(open_items, lists=lists, order_by=order, limit=limit)
        .select_related("owner")
        .order_by("tandem_id", *order)
    )
    found = {tid: {name: Listed[ActionItem]() for name in owned} for tid in tandem_ids}
    for item in items:
        mine = item.owner_id == user.pk
        for name in owned:
            if (name == "mine") == mine:
                found[item.tandem_id][name].items.append(item)
    totals = Tandem.objects.filter(pk__in=tandem_ids).values_list(
        "pk",
        *(CappedCount(open_items.filter(of, tandem_id=OuterRef("pk"))) for of in owned.values()),
    )
    for tid, *counts in totals:
        for name, total in zip(owned, counts, strict=True):
            found[tid][name].total = total
    return found


def checkins_export_rows(*, membership: Membership) -> dict[str, QuerySet[Any]]:
    """The member's tandem's series, occurrences, agendas, action items and retros, for the
    whole-tandem export, by section, in id order; with the standing talking points (every
    version), the comments on agenda items, and the member's *own* private notes (never the
    partner's)."""
    tid = membership.tandem_id
    return {
        "checkin_series": CheckInSeries.objects.filter(tandem_id=tid).order_by("pk"),
        "occurrences": Occurrence.objects.filter(series__tandem_id=tid).order_by("pk"),
        "agenda_items": AgendaItem.objects.filter(occurrence__series__tandem_id=tid).order_by("pk"),
        "action_items": ActionItem.objects.filter(tandem_id=tid).order_by("pk"),
        "retros": Retro.objects.filter(occurrence__series__tandem_id=tid).order_by("pk"),
        "talking_points": TalkingPoint.objects.filter(series__tandem_id=tid).order_by("pk"),
        "agenda_comments": AgendaComment.objects.filter(
            item__occurrence__series__tandem_id=tid
        ).order_by("pk"),
        "private_notes": PrivateNote.objects.filter(
            occurrence__series__tandem_id=tid, author_id=membership.user_id
        ).order_by("pk"),
    }
