"""The next check-ins of the home and tandem pages (`occurrences_upcoming_for_home`) read the
stored rows of a tandem's first few computed starts only, and each series' next starts from
those kept per process. Tested to choose exactly what the selector chose when it read the rows
of every series' candidates (`_reference`, that code): over random series (some at the same
times, some ending, some stopped) with skipped, moved and held meetings, moves onto the same
instant as another meeting, rows a new timing left behind, several tandems asked together
and apart, and `now` at and between starts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.checkins.models import CheckInSeries, Occurrence, OccurrenceStatus
from apps.checkins.recurrence import Schedule, next_occurrences, occurrences_between
from apps.checkins.selectors import occurrences_upcoming_for_home
from apps.checkins.selectors.for_home import _next_starts
from apps.tandems.models import Role, Tandem
from tests.factories import TandemFactory
from tests.factories.checkins import series_for

NOW = datetime(2026, 5, 6, 7, 30, tzinfo=UTC)  # a Wednesday

Summary = dict[int, list[tuple[int, datetime, datetime, str, int | None]]]


def _reference(*, tandem_ids: list[int], now: datetime, n: int) -> dict[int, list[Occurrence]]:
    """The selector as it was: every active series' next `n` + 2 starts, the stored rows at
    all of them and every row moved ahead, merged, cut to `n` per tandem. The one change: the
    rows moved here from elsewhere, which it took in the database's order (arbitrary among
    those of one series at one instant), come by their original start."""
    series_list = list(CheckInSeries.objects.filter(tandem_id__in=tandem_ids, active=True))
    if not series_list:
        return {}
    starts = {s.pk: next_occurrences(s.schedule, now, n + 2) for s in series_list}
    computed = {(pk, start) for pk, found in starts.items() for start in found}
    at_starts = Occurrence.objects.filter(
        series_id__in=list(starts), original_start__in=[start for _pk, start in computed]
    )
    moved_in = Occurrence.objects.filter(
        series_id__in=list(starts), status=OccurrenceStatus.MOVED, moved_to__gte=now
    )
    rows = {
        (row.series_id, row.original_start): row
        for row in [*at_starts, *moved_in]
        if (row.series_id, row.original_start) in computed or row.status == OccurrenceStatus.MOVED
    }
    by_id = {series.pk: series for series in series_list}
    found = []
    for series in series_list:
        for start in starts[series.pk]:
            row = rows.pop((series.pk, start), None) or Occurrence(original_start=start)
            row.series = series
            found.append(row)
    for row in sorted(rows.values(), key=lambda row: row.original_start):
        row.series = by_id[row.series_id]
        found.append(row)
    upcoming: dict[int, list[Occurrence]] = {}
    for occ in found:
        if occ.status != OccurrenceStatus.SKIPPED and occ.start >= now:
            upcoming.setdefault(occ.series.tandem_id, []).append(occ)
    for listed in upcoming.values():
        listed.sort(key=lambda occ: (occ.start, occ.series_id))
        del listed[n:]
    return upcoming


def _summary(found: dict[int, list[Occurrence]]) -> Summary:
    return {
        tid: [(o.series_id, o.original_start, o.start, o.status, o.pk) for o in occurrences]
        for tid, occurrences in found.items()
    }


_SHAPES = [
    {"frequency": "weekly", "weekdays": (0,)},
    {"frequency": "weekly", "weekdays": (0, 2, 4)},
    {"frequency": "weekly", "weekdays": (2,), "interval": 2},
    {"frequency": "daily", "weekdays": ()},
    {"frequency": "daily", "weekdays": (), "interval": 3},
    {"frequency": "monthly_by_date", "weekdays": (), "month_day": 6},
    {"frequency": "weekly", "weekdays": (0, 1, 2, 3, 4), "count": 40},  # ends about now
    {"frequency": "weekly", "weekdays": (2,), "until": date(2026, 5, 20)},  # ends soon
    {"frequency": "daily", "weekdays": (), "until": date(2026, 5, 2)},  # has ended
]


def _tandem_with_series(rng: random.Random, shapes: int) -> Tandem:
    tandem = TandemFactory()
    leader = tandem.memberships.get(role=Role.LEADER)
    for i in range(shapes):
        shape = rng.choice(_SHAPES)
        series = series_for(
            leader,
            title=f"Series {i}",
            start_date=date(2026, 3, 2) + timedelta(days=rng.randrange(0, 55)),
            # Few times and zones, so that series meet at the same instant (ties).
            local_time=rng.choice([time(9, 30), time(10, 30)]),
            timezone_name=rng.choice(["Europe/Berlin", "UTC", "Europe/London"]),
            **shape,
        )
        if rng.random() < 0.15:
            CheckInSeries.objects.filter(pk=series.pk).update(active=False)
    return tandem


def _touch(rng: random.Random, tandems: list[Tandem]) -> None:
    """Rows for random meetings around NOW: skipped, moved (ahead, behind, onto another
    meeting's instant or onto NOW itself), held (where planned or elsewhere), scheduled; and
    rows at instants their series does not compute (left behind by a new timing)."""
    series = list(CheckInSeries.objects.filter(tandem__in=tandems))
    planned = {
        s.pk: occurrences_between(s.schedule, NOW - timedelta(weeks=3), NOW + timedelta(weeks=8))
        for s in series
    }
    instants = sorted({start for found in planned.values() for start in found})
    for s in series:
        taken = set()
        starts = list(planned[s.pk])
        starts += [start + timedelta(minutes=17) for start in rng.sample(starts, len(starts) // 8)]
        for start in starts:
            if start in taken or rng.random() < 0.45:
                continue
            taken.add(start)
            status = rng.choice(["scheduled", "skipped", "moved", "moved", "held"])
            moved_to = None
            if status == "moved" or (status == "held" and rng.random() < 0.5):
                moved_to = rng.choice(
                    [
                        rng.choice(instants),  # onto another meeting (a tie)
                        NOW,
                        NOW + timedelta(minutes=rng.randrange(-3000, 30000)),
                        start + timedelta(hours=rng.choice([-30, -1, 1, 30])),
                    ]
                )
            Occurrence.objects.create(
                series=s, original_start=start, status=status, moved_to=moved_to
            )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_the_next_check_ins_are_those_reading_every_candidate_finds(seed: int) -> None:
    rng = random.Random(seed)
    tandems = [_tandem_with_series(rng, shapes) for shapes in (1, 4, 7)]
    bare = TandemFactory()  # no series at all
    _touch(rng, tandems)
    ids = [t.pk for t in tandems]
    series_starts = sorted(
        {
            start
            for s in CheckInSeries.objects.filter(tandem__in=tandems)
            for start in next_occurrences(s.schedule, NOW, 3)
        }
    )
    nows = [NOW, NOW + timedelta(hours=rng.randrange(1, 300)), *rng.sample(series_starts, 2)]
    asked = [ids, [bare.pk, *ids], *([tid] for tid in ids), rng.sample(ids, 2), [bare.pk]]
    differ = []
    for now in nows:
        for n in (1, 2, 3, 5):
            for tandem_ids in asked:
                expected = _summary(_reference(tandem_ids=tandem_ids, now=now, n=n))
                found = occurrences_upcoming_for_home(tandem_ids=tandem_ids, now=now, n=n)
                if _summary(found) != expected:
                    differ.append((now, n, tandem_ids))
                assert all(o.series.tandem_id == tid for tid, occs in found.items() for o in occs)
    assert differ == []


def test_a_series_next_starts_are_those_computed_afresh() -> None:
    """`_next_starts` serves from starts kept since the UTC midnight, whatever the moment of
    the day (also at midnight, at a start and just after one) and whether the series ends on
    the way."""
    schedules = [
        Schedule("FREQ=DAILY", date(2026, 3, 2), time(0, 0), "Pacific/Kiritimati"),
        Schedule("FREQ=DAILY", date(2026, 3, 2), time(23, 30), "America/Los_Angeles"),
        Schedule("FREQ=WEEKLY;BYDAY=MO,WE,FR", date(2026, 3, 2), time(9, 0), "Europe/Berlin"),
        Schedule("FREQ=DAILY;COUNT=70", date(2026, 3, 2), time(9, 0), "UTC", date(2026, 5, 10)),
        Schedule(
            "FREQ=DAILY;UNTIL=20260315",
            date(2026, 3, 2),
            time(2, 30),
            "Europe/Berlin",
            date(2026, 3, 15),
        ),
    ]
    rng = random.Random(7)
    moments = [NOW + timedelta(minutes=rng.randrange(0, 60 * 24 * 70)) for _ in range(60)]
    moments += [datetime(2026, 3, day, tzinfo=UTC) for day in (1, 2, 14, 15, 29, 30)]
    for schedule in schedules:
        series = CheckInSeries(
            rule=schedule.rule,
            start_date=schedule.start_date,
            local_time=schedule.local_time,
            timezone=schedule.timezone,
            last_date=schedule.last_date,
        )
        some = next_occurrences(schedule, NOW - timedelta(days=70), 200)
        for now in [*moments, *some[:40], *(start + timedelta(microseconds=1) for start in some)]:
            for count in (1, 5):
                assert _next_starts(series, now, count) == next_occurrences(schedule, now, count)


@pytest.mark.django_db
def test_reads_the_rows_of_the_first_starts_then_more_when_they_were_skipped() -> None:
    """Two queries however many series and meetings; a third reads further ahead when the
    first starts read were all skipped, and the list is still the next three."""
    tandem = TandemFactory()
    leader = tandem.memberships.get(role=Role.LEADER)
    many = [series_for(leader, title=f"Weekly {i}", start_date=date(2025, 1, 6)) for i in range(8)]
    with CaptureQueriesContext(connection) as queries:
        (found,) = occurrences_upcoming_for_home(tandem_ids=[tandem.pk], now=NOW, n=3).values()
    assert len(queries) == 2
    monday = datetime(2026, 5, 11, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert [(o.series_id, o.start) for o in found] == [(s.pk, monday) for s in many[:3]]

    for s in many:  # every series skips next Monday: the week after comes next
        Occurrence.objects.create(series=s, original_start=monday, status="skipped")
    with CaptureQueriesContext(connection) as queries:
        (found,) = occurrences_upcoming_for_home(tandem_ids=[tandem.pk], now=NOW, n=3).values()
    assert len(queries) == 3  # the rows of 6 keys (all skipped), then of the next 6
    later = monday + timedelta(weeks=1)
    assert [(o.series_id, o.start) for o in found] == [(s.pk, later) for s in many[:3]]
    assert _summary({1: found}) == _summary(
        {1: _reference(tandem_ids=[tandem.pk], now=NOW, n=3)[tandem.pk]}
    )


@pytest.mark.django_db
def test_a_changed_timing_is_seen_at_once() -> None:
    """The starts kept per process are keyed by the series' timing: a new time, rule or end
    gives the new series' starts on the next call, not the kept ones."""
    tandem = TandemFactory()
    series = series_for(tandem.memberships.get(role=Role.LEADER), start_date=date(2025, 1, 6))
    (found,) = occurrences_upcoming_for_home(tandem_ids=[tandem.pk], now=NOW, n=1).values()
    assert [o.start for o in found] == [datetime(2026, 5, 11, 7, 0, tzinfo=UTC)]

    CheckInSeries.objects.filter(pk=series.pk).update(local_time=time(14, 0))
    (found,) = occurrences_upcoming_for_home(tandem_ids=[tandem.pk], now=NOW, n=1).values()
    assert [o.start for o in found] == [datetime(2026, 5, 11, 12, 0, tzinfo=UTC)]

    CheckInSeries.objects.filter(pk=series.pk).update(rule="FREQ=WEEKLY;BYDAY=TH")
    (found,) = occurrences_upcoming_for_home(tandem_ids=[tandem.pk], now=NOW, n=1).values()
    assert [o.start for o in found] == [datetime(2026, 5, 7, 12, 0, tzinfo=UTC)]

    CheckInSeries.objects.filter(pk=series.pk).update(
        rule="FREQ=WEEKLY;UNTIL=20260506;BYDAY=TH", last_date=date(2026, 4, 30)
    )
    assert occurrences_upcoming_for_home(tandem_ids=[tandem.pk], now=NOW, n=1) == {}
