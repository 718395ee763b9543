"""Occurrences: one by its (original) start, those in a window or after a moment (computed
starts merged with the stored rows), the past ones, and the tandem's upcoming and past ones
for the web pages, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Final

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_noop

from apps.checkins.models import CheckInSeries, Occurrence, OccurrenceStatus, Retro
from apps.checkins.recurrence import Schedule, next_occurrences, occurrences_between
from apps.checkins.selectors.series import series_get, series_of
from apps.core.api.fast.rows import Row
from apps.core.errors import DomainError, NotFound
from apps.tandems.models import Membership, Tandem

MAX_WINDOW: Final = timedelta(days=400)
MAX_NEXT: Final = 100


def parse_start(value: str) -> datetime:
    """An occurrence start from a URL: an aware ISO 8601 instant, returned in UTC."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise NotFound(gettext_noop("Not found."))
    return parsed.astimezone(UTC)


# Names an occurrence can be addressed by besides its start (`start_resolve`).
NAMED_STARTS: Final = ("next", "current")


def _named_start(series: CheckInSeries, name: str, now: datetime) -> datetime:
    """`current`: the occurrence under way now (started, not over, not skipped); `next`: the
    next one to start (not skipped; a moved one at its new time). Its original start, by
    which it is addressed. NotFound when there is none (a stopped series has no next)."""
    if name == "current":
        under_way = [
            occ
            for occ in occurrences_between_for(
                series=series,
                window_start=now - series.duration + timedelta(microseconds=1),
                window_end=now + timedelta(microseconds=1),
            )
            if occ.status != OccurrenceStatus.SKIPPED
        ]
        if not under_way:
            raise NotFound(gettext_noop("No check-in of this series is under way."))
        return under_way[-1].original_start
    if series.active:
        after = now + timedelta(microseconds=1)
        for reach in (timedelta(days=42), MAX_WINDOW):
            ahead = occurrences_between_for(
                series=series, window_start=after, window_end=after + reach
            )
            ahead = [occ for occ in ahead if occ.status != OccurrenceStatus.SKIPPED]
            if ahead:
                return ahead[0].original_start
    raise NotFound(gettext_noop("This series has no next check-in."))


def start_resolve(
    *, membership: Membership, series_id: int | str, value: str, now: datetime | None = None
) -> datetime:
    """An occurrence's start from a URL: its key (an aware instant, e.g.
    2026-03-02T08:00:00Z), or `next` / `current` of the series (the series is read only
    then; another tandem's series is a 404 as everywhere)."""
    if value in NAMED_STARTS:
        series = series_get(membership=membership, series_id=series_id)
        return _named_start(series, value, now or timezone.now())
    return parse_start(value)


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
    if start in NAMED_STARTS:
        return series, occurrence_find(
            series=series, start=_named_start(series, start, timezone.now())
        )
    return series, occurrence_find(series=series, start=parse_start(start))


def _with_counts(qs: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return qs.annotate(
        agenda_count=Count("agenda", distinct=True),
        open_agenda_count=Count("agenda", filter=Q(agenda__resolved=False), distinct=True),
    )


# The columns of an occurrence the API's list reads (with its agenda counts); its series is
# the one already loaded, so `series_id` is not read but set (`_plain`).
PLAIN_COLUMNS: Final = (
    "original_start",
    "moved_to",
    "status",
    "notes",
    "agenda_count",
    "open_agenda_count",
)


class OccurrenceRow(Row):
    """An occurrence of a list read as plain values (`PLAIN_COLUMNS`, plus `series_id` and
    `series`, the series already loaded) instead of a model instance, for the API's fast
    read path: the attributes the list's serializer reads, `start` computed as
    `Occurrence.start` does. A `fast.rows()` kind of row (its values dict is its
    `__dict__`), so the compiled serializer writes a page of them in one loop that reads the
    columns straight from each row's dict (`fast.many`)."""

    original_start: datetime
    moved_to: datetime | None

    @property
    def start(self) -> datetime:
        return self.moved_to or self.original_start


def _plain(series: CheckInSeries, values: dict[str, Any]) -> OccurrenceRow:
    values["series_id"] = series.pk
    values["series"] = series
    row = OccurrenceRow.__new__(OccurrenceRow)
    row.__dict__ = values
    return row


def _untouched(series: CheckInSeries, start: datetime, plain: bool) -> Any:
    if plain:  # the same keys as a row read (`_plain`): one compiled loop writes them all
        return _plain(
            series,
            {
                "original_start": start,
                "moved_to": None,
                "status": OccurrenceStatus.SCHEDULED.value,
                "notes": "",
                "agenda_count": 0,
                "open_agenda_count": 0,
            },
        )
    row = Occurrence(series=series, original_start=start)
    row.agenda_count = row.open_agenda_count = 0  # type: ignore[attr-defined]
    return row


def _read(series: CheckInSeries, qs: QuerySet[Occurrence], plain: bool) -> list[Any]:
    if plain:
        return [_plain(series, values) for values in qs.values(*PLAIN_COLUMNS)]
    found = list(qs)
    for row in found:
        row.series = series  # already loaded; no query per row
    return found


def _merge(
    series: CheckInSeries, starts: list[datetime], rows: list[Any], plain: bool
) -> list[Any]:
    by_start = {row.original_start: row for row in rows}
    merged: list[Any] = []
    for start in starts:
        row = by_start.pop(start, None)
        merged.append(_untouched(series, start, plain) if row is None else row)
    # Rows moved into the window from a computed start outside it.
    merged.extend(by_start.values())
    merged.sort(key=lambda occ: (occ.start, occ.original_start))
    return merged


def occurrences_between_for(
    *, series: CheckInSeries, window_start: datetime, window_end: datetime, plain: bool = False
) -> list[Occurrence]:
    """The series' occurrences starting in [window_start, window_end): computed starts merged
    with the stored rows (one query), ordered by their actual start, each with its series and
    agenda counts; as `OccurrenceRow`s when `plain`."""
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
    merged = _merge(series, starts, _read(series, rows, plain), plain)
    # A row moved out of the window is still listed at its original slot only if its new
    # start is inside; otherwise it belongs to another window.
    return [occ for occ in merged if window_start <= occ.start < window_end]


def occurrences_next_for(
    *, series: CheckInSeries, after: datetime, n: int, plain: bool = False
) -> list[Occurrence]:
    """The next `n` occurrences after `after`, as `occurrences_between_for` gives them."""
    if not 1 <= n <= MAX_NEXT:
        raise DomainError(gettext("Must be from 1 to %(max)s.") % {"max": MAX_NEXT}, field="next")
    starts = next_occurrences(series.schedule, after, n)
    rows = _with_counts(Occurrence.objects.filter(series=series, original_start__in=starts))
    return _merge(series, starts, _read(series, rows, plain), plain)


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


def occurrence_neighbours(
    *, series: CheckInSeries, start: datetime
) -> tuple[datetime | None, datetime | None]:
    """The computed starts just before and just after `start` in the series (no query)."""
    before = _past_starts(series, start, 1)
    after = next_occurrences(series.schedule, start, 1)
    return (before[0] if before else None, after[0] if after else None)


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
    stored = Occurrence.objects.filter(series__in=series_list).filter(wanted)
    rows = list(_with_counts(stored))
    # Read through the same filter, not the rows' ids: a query even when no row is stored.
    retros: dict[int, list[Retro]] = {row.pk: [] for row in rows}
    for retro in (
        Retro.objects.filter(occurrence__in=stored.values("pk"))
        .select_related("member")
        .order_by("id")
    ):
        retros.setdefault(retro.occurrence_id, []).append(retro)
    for row in rows:
        row.page_retros = retros[row.pk]  # type: ignore[attr-defined]
    return {(row.series_id, row.original_start): row for row in rows}


def _placed(series: CheckInSeries, start: datetime, row: Occurrence | None) -> Occurrence:
    if row is None:
        row = Occurrence(series=series, original_start=start)
        row.agenda_count = row.open_agenda_count = 0  # type: ignore[attr-defined]
        row.page_retros = []  # type: ignore[attr-defined]
    else:
        row.series = series  # already loaded; no query per row (its retros are, by _rows_at)
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


# A page's list of the next (or last) `n` meetings across all series reads the stored rows of
# the first `n` × this computed starts only, not `n` of every series: a start whose meeting
# was moved later than the `n`-th leaves its place to one of the spare ones.
SPARE_STARTS: Final = 2


def _first_starts(
    starts: dict[int, list[datetime]], keep: int, *, newest: bool = False
) -> dict[int, list[datetime]]:
    """Of the computed starts of all the series (by series id), the first `keep` overall
    (by start, then series; the newest ones with `newest`), by series."""
    ranked = sorted(
        ((start, pk) for pk, found in starts.items() for start in found), reverse=newest
    )
    kept: dict[int, list[datetime]] = {pk: [] for pk in starts}
    for start, pk in ranked[:keep]:
        kept[pk].append(start)
    return kept


def _latest_starts(
    series_list: list[CheckInSeries], now: datetime, keep: int
) -> dict[int, list[datetime]]:
    """The `keep` newest computed starts before `now` of all the series together, by series:
    looking back in growing windows shared by the series, until the windows hold `keep`
    starts (so a series that ended long ago costs nothing once the recent ones fill the
    list, and the cost follows `keep`, not the series' age)."""
    found: dict[int, list[datetime]] = {series.pk: [] for series in series_list}
    earliest = {
        series.pk: datetime.combine(series.start_date, datetime.min.time(), tzinfo=UTC)
        - timedelta(days=2)
        for series in series_list
    }
    alive = list(series_list)
    span = timedelta(days=62)
    window_end = now
    while alive and sum(len(starts) for starts in found.values()) < keep:
        window_start = window_end - span
        for series in alive:
            found[series.pk] += occurrences_between(
                series.schedule, max(window_start, earliest[series.pk]), window_end
            )
        alive = [series for series in alive if window_start > earliest[series.pk]]
        window_end = window_start
        span *= 2
    return _first_starts(found, keep, newest=True)


def occurrences_upcoming_for_tandem(
    *,
    tandem: Tandem,
    now: datetime,
    n: int = 10,
    series: list[CheckInSeries] | None = None,
) -> list[Occurrence]:
    """The next `n` occurrences of the tandem's active series, by actual start, including one
    that is going on now and skipped ones (so they can be restored). Untouched occurrences are
    unsaved rows. Three queries, whatever the number of occurrences; two when the caller
    passes the tandem's `series`, already read (the inactive ones among them are left out)."""
    if series is None:
        series_list = list(series_of(tandem=tandem).filter(active=True))
    else:
        series_list = [s for s in series if s.active and s.tandem_id == tandem.pk]
    starts = {
        series.pk: next_occurrences(series.schedule, now - series.duration, n)
        for series in series_list
    }
    starts = _first_starts(starts, n * SPARE_STARTS)
    # Also occurrences moved to a time ahead from a computed start that is not listed.
    rows = _rows_at(series_list, starts, also=Q(moved_to__gt=now - PAGE_MAX_DURATION))
    found = _combine(series_list, starts, rows, _placed)
    found = [occ for occ in found if occ.start + occ.series.duration > now]
    found.sort(key=lambda occ: (occ.start, occ.series_id))
    return found[:n]


def occurrences_past_for_tandem(
    *,
    tandem: Tandem,
    now: datetime,
    limit: int = 12,
    series: list[CheckInSeries] | None = None,
) -> list[Occurrence]:
    """The last `limit` occurrences of all the tandem's series (also ended and inactive ones)
    that have ended by `now`, newest first, each with `page_retros`. Three queries; two when
    the caller passes the tandem's `series`, already read."""
    if series is None:
        series_list = list(series_of(tandem=tandem))
    else:
        series_list = [s for s in series if s.tandem_id == tandem.pk]
    starts = _latest_starts(series_list, now, limit * SPARE_STARTS)
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


# --- what Insights counts ------------------------------------------------------------------

# How an occurrence went, as Insights counts it.
AS_PLANNED: Final = "as_planned"
MOVED: Final = "moved"
SKIPPED: Final = "skipped"


def occurrence_outcomes_for_insights(
    *, tandem: Tandem, window_start: datetime, window_end: datetime
) -> list[tuple[datetime, str, int | None]]:
    """(planned start, outcome) of every occurrence of the tandem's series (also ended and
    stopped ones) whose computed start lies in [window_start, window_end): the computed
    starts merged with the stored rows, two queries whatever the window's length.

    The outcome is SKIPPED for a skipped occurrence, MOVED for one moved elsewhere (also
    when it was then held at the new time), AS_PLANNED otherwise — a meeting nobody touched
    took place as planned, as far as Tandem knows. A stopped series has no occurrences after
    the moment it was stopped. The caller passes a window that has passed (a future
    occurrence has no outcome yet). Rows left behind by a reschedule at a start their series
    no longer computes count only if something happened to them (skipped, moved, held).
    The third value is who last skipped, moved or restored it (None if not recorded).
    """
    series_list = list(series_of(tandem=tandem))
    rows = {
        (series_id, start): (status, moved_to, by)
        for series_id, start, status, moved_to, by in Occurrence.objects.filter(
            series__tandem=tandem,
            original_start__gte=window_start,
            original_start__lt=window_end,
        ).values_list("series_id", "original_start", "status", "moved_to", "changed_by_id")
    }
    found: list[tuple[datetime, str, int | None]] = []
    stopped: dict[int, datetime] = {}
    for series in series_list:
        end = window_end
        if not series.active and series.stopped_at is not None:
            stopped[series.pk] = series.stopped_at
            end = min(end, series.stopped_at)
        for start in _planned_starts(series, window_start, end):
            status, moved_to, by = rows.pop(
                (series.pk, start), (OccurrenceStatus.SCHEDULED, None, None)
            )
            found.append((start, _outcome(status, moved_to, start), by))
    for (series_id, start), (status, moved_to, by) in rows.items():
        after_stop = series_id in stopped and start >= stopped[series_id]
        if status == OccurrenceStatus.HELD or (
            status != OccurrenceStatus.SCHEDULED and not after_stop
        ):
            found.append((start, _outcome(status, moved_to, start), by))
    found.sort(key=lambda f: f[0])
    return found


# The longest window whose starts are kept (a month asked for live, with a day's margin):
# longer ones, such as the hourly count of ten years of months, are computed each time, so
# the kept starts stay small (at most `_starts_until`'s size × a daily series' two months).
KEPT_WINDOW: Final = timedelta(days=33)


def _planned_starts(series: CheckInSeries, window_start: datetime, end: datetime) -> list[datetime]:
    """`occurrences_between(series.schedule, window_start, end)`, for a short window from
    starts computed once per process up to the UTC midnight after `end` (`_starts_until`): a
    tandem with many series asks for the same month's starts again with each request, a
    later `end` each time."""
    horizon = datetime.combine(end.astimezone(UTC).date() + timedelta(days=1), time(), UTC)
    if horizon - window_start > KEPT_WINDOW:
        return occurrences_between(series.schedule, window_start, end)
    starts = _starts_until(kept_schedule(series), window_start, horizon)
    return [start for start in starts if start < end]


@lru_cache(maxsize=1024)
def _schedule(
    rule: str, start_date: date, local_time: time, timezone_name: str, last_date: date | None
) -> Schedule:
    return Schedule(
        rule=rule,
        start_date=start_date,
        local_time=local_time,
        timezone=timezone_name,
        last_date=last_date,
    )


def kept_schedule(series: CheckInSeries) -> Schedule:
    """`series.schedule`, its rule parsed once per process for each timing: keyed by the
    timing fields, so an edited series is a new entry, never a stale one. The per-process
    caches of computed starts (`_starts_until`, `for_home`'s) key on the schedule too."""
    return _schedule(
        series.rule, series.start_date, series.local_time, series.timezone, series.last_date
    )


@lru_cache(maxsize=1024)
def _starts_until(
    schedule: Schedule, window_start: datetime, horizon: datetime
) -> tuple[datetime, ...]:
    """The schedule's starts in `[window_start, horizon)`."""
    return tuple(occurrences_between(schedule, window_start, horizon))


def _outcome(status: str, moved_to: datetime | None, start: datetime) -> str:
    if status == OccurrenceStatus.SKIPPED:
        return SKIPPED
    if moved_to is not None and moved_to != start:
        return MOVED
    return AS_PLANNED
