"""What check-ins contribute to the composition layer (apps.home): the upcoming occurrences
and the person's open action items of several tandems at once, and a tandem's rows for the
whole-tandem export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

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
from apps.checkins.recurrence import next_occurrences, occurrences_between
from apps.checkins.selectors.occurrences import _combine
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
    stored = _stored(starts, computed, moved_to__gte=now)
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
