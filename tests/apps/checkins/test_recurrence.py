"""When check-ins happen: tables for each shape and clock change, properties against a naive
reference, and proof that the work done follows the window, not the series' age."""

from calendar import monthrange
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, takewhile
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from apps.checkins.recurrence import (
    Frequency,
    Recurrence,
    RecurrenceError,
    Schedule,
    from_rrule,
    last_local_date,
    localize,
    next_occurrences,
    occurrences_between,
    to_rrule,
)
from apps.checkins.recurrence import dates as recurrence_dates
from apps.core.dates import LATEST

F = Frequency
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def schedule(
    rec: Recurrence,
    start: date,
    *,
    at: time = time(9, 0),
    tz: str = "UTC",
    with_last_date: bool = True,
) -> Schedule:
    """A stored series, built the way the service builds it."""
    rule = to_rrule(rec, start=start)
    return Schedule(
        rule=rule,
        start_date=start,
        local_time=at,
        timezone=tz,
        last_date=last_local_date(rule, start) if with_last_date else None,
    )


def at_nine(*days: date) -> list[datetime]:
    return [datetime.combine(day, time(9, 0), tzinfo=UTC) for day in days]


# --- one table per shape of recurrence ------------------------------------------------------

# UTC at 09:00, so the expected instants read like the calendar dates they are; the clock
# changes have their own tables below.
SHAPES = [
    pytest.param(
        Recurrence(F.DAILY),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 1, 5)),
        at_nine(date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3), date(2026, 1, 4)),
        id="daily",
    ),
    pytest.param(
        Recurrence(F.DAILY, interval=3),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 1, 12)),
        at_nine(date(2026, 1, 1), date(2026, 1, 4), date(2026, 1, 7), date(2026, 1, 10)),
        id="every-3-days",
    ),
    pytest.param(
        Recurrence(F.WEEKLY, weekdays=(MON, THU)),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 1, 15)),
        at_nine(date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 8), date(2026, 1, 12)),
        id="weekly-mon-thu",
    ),
    pytest.param(
        Recurrence(F.WEEKLY, interval=2, weekdays=(TUE,)),
        date(2026, 1, 6),
        (utc(2026, 1, 1), utc(2026, 3, 1)),
        at_nine(date(2026, 1, 6), date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 17)),
        id="every-2-weeks-tue",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_DATE, month_day=31),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2027, 1, 1)),
        at_nine(
            date(2026, 1, 31),
            date(2026, 3, 31),
            date(2026, 5, 31),
            date(2026, 7, 31),
            date(2026, 8, 31),
            date(2026, 10, 31),
            date(2026, 12, 31),
        ),
        id="monthly-31st-skips-short-months",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_DATE, month_day=29),
        date(2027, 1, 1),
        (utc(2027, 1, 1), utc(2028, 4, 1)),
        at_nine(
            *(date(2027, month, 29) for month in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
            date(2028, 1, 29),
            date(2028, 2, 29),
            date(2028, 3, 29),
        ),
        id="monthly-29th-february-only-in-leap-years",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON,), nth=1),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 7, 1)),
        at_nine(
            date(2026, 1, 5),
            date(2026, 2, 2),
            date(2026, 3, 2),
            date(2026, 4, 6),
            date(2026, 5, 4),
            date(2026, 6, 1),
        ),
        id="monthly-first-monday",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(FRI,), nth=-1),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 7, 1)),
        at_nine(
            date(2026, 1, 30),
            date(2026, 2, 27),
            date(2026, 3, 27),
            date(2026, 4, 24),
            date(2026, 5, 29),
            date(2026, 6, 26),
        ),
        id="monthly-last-friday",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, interval=3, weekdays=(WED,), nth=2),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2027, 1, 1)),
        at_nine(date(2026, 1, 14), date(2026, 4, 8), date(2026, 7, 8), date(2026, 10, 14)),
        id="quarterly-second-wednesday",
    ),
    pytest.param(
        Recurrence(F.DAILY, until=date(2026, 1, 3)),
        date(2026, 1, 1),
        (utc(2025, 1, 1), utc(2027, 1, 1)),
        at_nine(date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)),
        id="until-is-inclusive",
    ),
    pytest.param(
        Recurrence(F.WEEKLY, weekdays=(MON,), count=3),
        date(2026, 1, 5),
        (utc(2025, 1, 1), utc(2027, 1, 1)),
        at_nine(date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)),
        id="ends-after-count",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_DATE, month_day=31, count=3),
        date(2026, 1, 1),
        (utc(2025, 1, 1), utc(2027, 1, 1)),
        at_nine(date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31)),
        id="skipped-months-do-not-count",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_DATE, month_day=-1),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 5, 1)),
        at_nine(date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)),
        id="monthly-last-day",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(THU,), nth=5),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2027, 1, 1)),
        at_nine(
            date(2026, 1, 29),
            date(2026, 4, 30),
            date(2026, 7, 30),
            date(2026, 10, 29),
            date(2026, 12, 31),
        ),
        id="monthly-fifth-thursday-only-in-months-with-one",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON, TUE, WED, THU, FRI), nth=-1),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 7, 1)),
        at_nine(
            date(2026, 1, 30),
            date(2026, 2, 27),
            date(2026, 3, 31),
            date(2026, 4, 30),
            date(2026, 5, 29),
            date(2026, 6, 30),
        ),
        id="monthly-last-working-day",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(SAT, SUN), nth=1),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 5, 1)),
        at_nine(date(2026, 1, 3), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 4)),
        id="monthly-first-weekend-day",
    ),
    pytest.param(
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=tuple(range(7)), nth=2),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2026, 4, 1)),
        at_nine(date(2026, 1, 2), date(2026, 2, 2), date(2026, 3, 2)),
        id="monthly-second-day",
    ),
    pytest.param(
        # The positions count the whole month, also in the month the series starts.
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON, TUE, WED, THU, FRI), nth=-1),
        date(2026, 1, 31),
        (utc(2026, 1, 1), utc(2026, 4, 1)),
        at_nine(date(2026, 2, 27), date(2026, 3, 31)),
        id="monthly-last-working-day-from-a-saturday",
    ),
    pytest.param(
        Recurrence(F.YEARLY_BY_DATE, month=2, month_day=29),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2034, 1, 1)),
        at_nine(date(2028, 2, 29), date(2032, 2, 29)),
        id="yearly-29-february-only-in-leap-years",
    ),
    pytest.param(
        Recurrence(F.YEARLY_BY_DATE, month=2, month_day=-1),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2029, 1, 1)),
        at_nine(date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)),
        id="yearly-last-day-of-february",
    ),
    pytest.param(
        Recurrence(F.YEARLY_BY_WEEKDAY, month=11, weekdays=(THU,), nth=4),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2028, 1, 1)),
        at_nine(date(2026, 11, 26), date(2027, 11, 25)),
        id="yearly-fourth-thursday-of-november",
    ),
    pytest.param(
        Recurrence(
            F.YEARLY_BY_WEEKDAY, interval=2, month=12, weekdays=(MON, TUE, WED, THU, FRI), nth=-1
        ),
        date(2026, 1, 1),
        (utc(2026, 1, 1), utc(2031, 1, 1)),
        at_nine(date(2026, 12, 31), date(2028, 12, 29), date(2030, 12, 31)),
        id="every-2-years-last-working-day-of-december",
    ),
    pytest.param(
        Recurrence(F.ONCE),
        date(2026, 3, 5),
        (utc(2025, 1, 1), utc(2030, 1, 1)),
        at_nine(date(2026, 3, 5)),
        id="once",
    ),
]


@pytest.mark.parametrize("with_last_date", [True, False], ids=["last-date", "no-last-date"])
@pytest.mark.parametrize(("rec", "start", "window", "expected"), SHAPES)
def test_occurrences_follow_the_recurrence(
    rec: Recurrence,
    start: date,
    window: tuple[datetime, datetime],
    expected: list[datetime],
    with_last_date: bool,
) -> None:
    series = schedule(rec, start, with_last_date=with_last_date)
    assert occurrences_between(series, *window) == expected


@pytest.mark.parametrize(("rec", "start", "window", "expected"), SHAPES)
def test_next_occurrences_follow_the_recurrence(
    rec: Recurrence,
    start: date,
    window: tuple[datetime, datetime],
    expected: list[datetime],
) -> None:
    series = schedule(rec, start)
    assert next_occurrences(series, window[0], len(expected)) == expected


@pytest.mark.parametrize(
    ("rec", "start", "expected"),
    [
        (Recurrence(F.DAILY), date(2026, 1, 1), None),
        (Recurrence(F.DAILY, count=1), date(2026, 1, 1), date(2026, 1, 1)),
        (Recurrence(F.ONCE), date(2026, 1, 1), date(2026, 1, 1)),
        # A fifth Friday is found months before UNTIL.
        (
            Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(FRI,), nth=5, until=date(2026, 4, 28)),
            date(2026, 1, 1),
            date(2026, 1, 30),
        ),
        # ... and a 29th of February years before it.
        (
            Recurrence(F.YEARLY_BY_DATE, month=2, month_day=29, until=date(2031, 12, 31)),
            date(2026, 1, 1),
            date(2028, 2, 29),
        ),
        (
            Recurrence(F.YEARLY_BY_WEEKDAY, month=11, weekdays=(THU,), nth=4, count=3),
            date(2026, 1, 1),
            date(2028, 11, 23),
        ),
        (Recurrence(F.DAILY, interval=2, count=5), date(2026, 1, 1), date(2026, 1, 9)),
        (Recurrence(F.WEEKLY, weekdays=(MON,), count=3), date(2026, 1, 1), date(2026, 1, 19)),
        (Recurrence(F.MONTHLY_BY_DATE, month_day=31, count=3), date(2026, 1, 1), date(2026, 5, 31)),
        (Recurrence(F.DAILY, until=date(2026, 1, 3)), date(2026, 1, 1), date(2026, 1, 3)),
        # The last Friday on or before UNTIL, not UNTIL itself.
        (
            Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(FRI,), nth=-1, until=date(2026, 6, 25)),
            date(2026, 1, 1),
            date(2026, 5, 29),
        ),
        # Found although the last occurrence lies years before UNTIL.
        (
            Recurrence(F.MONTHLY_BY_DATE, interval=12, month_day=29, until=date(2031, 12, 31)),
            date(2024, 2, 1),
            date(2028, 2, 29),
        ),
    ],
)
def test_last_local_date_is_the_final_occurrence(
    rec: Recurrence, start: date, expected: date | None
) -> None:
    assert last_local_date(to_rrule(rec, start=start), start) == expected


# --- clock changes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "wall", "tz", "expected_utc", "expected_offset"),
    [
        # Berlin springs forward 02:00 CET -> 03:00 CEST: 02:30 does not exist, it is 03:30.
        (date(2026, 3, 29), time(2, 30), "Europe/Berlin", utc(2026, 3, 29, 1, 30), 2),
        # Berlin falls back 03:00 CEST -> 02:00 CET: 02:30 happens twice, the first counts.
        (date(2026, 10, 25), time(2, 30), "Europe/Berlin", utc(2026, 10, 25, 0, 30), 2),
        (date(2026, 10, 25), time(2, 30, fold=1), "Europe/Berlin", utc(2026, 10, 25, 0, 30), 2),
        # New York springs forward 02:00 EST -> 03:00 EDT: 02:30 is 03:30 EDT.
        (date(2026, 3, 8), time(2, 30), "America/New_York", utc(2026, 3, 8, 7, 30), -4),
        # New York falls back 02:00 EDT -> 01:00 EST: 01:30 happens twice, the first counts.
        (date(2026, 11, 1), time(1, 30), "America/New_York", utc(2026, 11, 1, 5, 30), -4),
        # Ordinary days on either side.
        (date(2026, 1, 15), time(9, 0), "Europe/Berlin", utc(2026, 1, 15, 8, 0), 1),
        (date(2026, 7, 15), time(9, 0), "Europe/Berlin", utc(2026, 7, 15, 7, 0), 2),
        (date(2026, 7, 15), time(9, 0), "America/New_York", utc(2026, 7, 15, 13, 0), -4),
    ],
)
def test_localize_decides_clock_changes_deliberately(
    day: date, wall: time, tz: str, expected_utc: datetime, expected_offset: int
) -> None:
    instant = localize(day, wall, tz)
    assert instant == expected_utc
    assert instant.tzinfo is UTC
    assert instant.astimezone(ZoneInfo(tz)).utcoffset() == timedelta(hours=expected_offset)


def test_a_wall_time_in_the_spring_gap_happens_the_gap_later() -> None:
    instant = localize(date(2026, 3, 29), time(2, 30), "Europe/Berlin")
    assert instant.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


@pytest.mark.parametrize(
    ("start", "window", "expected"),
    [
        (
            date(2026, 3, 27),
            (utc(2026, 3, 27), utc(2026, 3, 31)),
            [utc(2026, 3, 27, 8), utc(2026, 3, 28, 8), utc(2026, 3, 29, 7), utc(2026, 3, 30, 7)],
        ),
        (
            date(2026, 10, 23),
            (utc(2026, 10, 23), utc(2026, 10, 27)),
            [
                utc(2026, 10, 23, 7),
                utc(2026, 10, 24, 7),
                utc(2026, 10, 25, 8),
                utc(2026, 10, 26, 8),
            ],
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_nine_in_berlin_stays_nine_across_dst(
    start: date, window: tuple[datetime, datetime], expected: list[datetime]
) -> None:
    series = schedule(Recurrence(F.DAILY), start, tz="Europe/Berlin")
    found = occurrences_between(series, *window)
    assert found == expected
    assert [o.astimezone(BERLIN).time() for o in found] == [time(9, 0)] * 4


def test_weekly_nine_in_berlin_is_nine_local_all_year() -> None:
    series = schedule(Recurrence(F.WEEKLY, weekdays=(MON,)), date(2026, 1, 5), tz="Europe/Berlin")
    found = occurrences_between(series, utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(found) == 52
    assert {o.astimezone(BERLIN).time() for o in found} == {time(9, 0)}
    assert {o.hour for o in found} == {7, 8}
    # The last Monday before each change in winter time, the first one after in summer time.
    assert utc(2026, 3, 23, 8) in found
    assert utc(2026, 3, 30, 7) in found
    assert utc(2026, 10, 19, 7) in found
    assert utc(2026, 10, 26, 8) in found


def test_a_daily_series_in_the_gap_moves_only_on_the_gap_day() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 3, 28), at=time(2, 30), tz="Europe/Berlin")
    assert occurrences_between(series, utc(2026, 3, 28), utc(2026, 3, 31)) == [
        utc(2026, 3, 28, 1, 30),  # 02:30 CET
        utc(2026, 3, 29, 1, 30),  # 03:30 CEST, 02:30 does not exist
        utc(2026, 3, 30, 0, 30),  # 02:30 CEST
    ]


def test_a_daily_series_on_the_doubled_hour_takes_the_first_instance() -> None:
    series = schedule(
        Recurrence(F.DAILY), date(2026, 10, 31), at=time(1, 30), tz="America/New_York"
    )
    assert occurrences_between(series, utc(2026, 10, 31), utc(2026, 11, 3)) == [
        utc(2026, 10, 31, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT, the first of the two
        utc(2026, 11, 2, 6, 30),  # 01:30 EST
    ]


def test_a_skipped_calendar_day_is_reported_once() -> None:
    # Samoa moved across the date line: 2011-12-30 never happened in Apia (-10 -> +14). Its
    # 09:00 is read with the offset before the gap and lands on 31 December's 09:00.
    series = schedule(Recurrence(F.DAILY), date(2011, 12, 29), tz="Pacific/Apia")
    assert occurrences_between(series, utc(2011, 12, 29), utc(2012, 1, 1)) == [
        utc(2011, 12, 29, 19),  # 29 December 09:00 -10
        utc(2011, 12, 30, 19),  # 31 December 09:00 +14, once for the 30th and the 31st
        utc(2011, 12, 31, 19),  # 1 January 09:00 +14
    ]
    assert next_occurrences(series, utc(2011, 12, 29, 19), 2) == [
        utc(2011, 12, 30, 19),
        utc(2011, 12, 31, 19),
    ]


# --- windows and "next" ---------------------------------------------------------------------


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 1))
    assert occurrences_between(series, utc(2026, 1, 2, 9), utc(2026, 1, 4, 9)) == [
        utc(2026, 1, 2, 9),
        utc(2026, 1, 3, 9),
    ]


def test_the_window_may_be_given_in_any_timezone() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 1), tz="Europe/Berlin")
    tokyo = ZoneInfo("Asia/Tokyo")
    window = (datetime(2026, 1, 2, 17, tzinfo=tokyo), datetime(2026, 1, 3, 17, tzinfo=tokyo))
    assert occurrences_between(series, *window) == [utc(2026, 1, 2, 8)]


def test_an_empty_or_reversed_window_has_no_occurrences() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 1))
    assert occurrences_between(series, utc(2026, 1, 2, 9), utc(2026, 1, 2, 9)) == []
    assert occurrences_between(series, utc(2026, 1, 5), utc(2026, 1, 2)) == []


def test_nothing_happens_before_the_first_date() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 10))
    assert occurrences_between(series, utc(2026, 1, 1), utc(2026, 1, 11)) == [utc(2026, 1, 10, 9)]


def test_next_occurrences_are_strictly_after() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 1))
    assert next_occurrences(series, utc(2026, 1, 2, 9), 2) == [
        utc(2026, 1, 3, 9),
        utc(2026, 1, 4, 9),
    ]


def test_next_occurrences_are_fewer_when_the_series_ends() -> None:
    series = schedule(Recurrence(F.DAILY, count=3), date(2026, 1, 1))
    assert next_occurrences(series, utc(2026, 1, 1, 12), 10) == [
        utc(2026, 1, 2, 9),
        utc(2026, 1, 3, 9),
    ]
    assert next_occurrences(series, utc(2026, 1, 3, 9), 10) == []


def test_no_next_occurrences_asked_none_given() -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 1))
    assert next_occurrences(series, utc(2026, 1, 1), 0) == []


def test_a_stored_rule_that_never_happens_yields_nothing() -> None:
    # to_rrule refuses this series; stored text that says it anyway must not hang or fail.
    series = Schedule(
        rule="FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30",
        start_date=date(2026, 2, 1),
        local_time=time(9, 0),
        timezone="UTC",
    )
    assert occurrences_between(series, utc(2026, 1, 1), utc(2040, 1, 1)) == []
    assert next_occurrences(series, utc(2026, 1, 1), 3) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda s: occurrences_between(s, datetime(2026, 1, 1), utc(2026, 2, 1)),
        lambda s: occurrences_between(s, utc(2026, 1, 1), datetime(2026, 2, 1)),
        lambda s: next_occurrences(s, datetime(2026, 1, 1), 1),
        lambda s: next_occurrences(s, utc(2026, 1, 1), -1),
    ],
    ids=["naive-window-start", "naive-window-end", "naive-after", "negative-n"],
)
def test_naive_datetimes_and_negative_counts_are_refused(call: Any) -> None:
    series = schedule(Recurrence(F.DAILY), date(2026, 1, 1))
    with pytest.raises(ValueError, match=r"aware|negative"):
        call(series)


# --- the RRULE text -------------------------------------------------------------------------

ROUND_TRIPS = [
    (Recurrence(F.DAILY), "FREQ=DAILY"),
    (
        Recurrence(F.DAILY, interval=3, until=date(2026, 12, 31)),
        "FREQ=DAILY;INTERVAL=3;UNTIL=20261231T235959",
    ),
    (Recurrence(F.WEEKLY, weekdays=(MON, THU)), "FREQ=WEEKLY;BYDAY=MO,TH"),
    (
        Recurrence(F.WEEKLY, interval=2, weekdays=(MON, THU), count=10),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10",
    ),
    (Recurrence(F.WEEKLY, interval=2, weekdays=(TUE,)), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    (
        Recurrence(F.WEEKLY, weekdays=(SUN, SAT, WED)),
        "FREQ=WEEKLY;BYDAY=WE,SA,SU",
    ),
    (Recurrence(F.MONTHLY_BY_DATE, month_day=31), "FREQ=MONTHLY;BYMONTHDAY=31"),
    (
        Recurrence(F.MONTHLY_BY_DATE, interval=52, month_day=1, count=1000),
        "FREQ=MONTHLY;INTERVAL=52;BYMONTHDAY=1;COUNT=1000",
    ),
    (Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON,), nth=1), "FREQ=MONTHLY;BYDAY=1MO"),
    (Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(FRI,), nth=-1), "FREQ=MONTHLY;BYDAY=-1FR"),
    (Recurrence(F.MONTHLY_BY_DATE, month_day=-1), "FREQ=MONTHLY;BYMONTHDAY=-1"),
    (Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON,), nth=5), "FREQ=MONTHLY;BYDAY=5MO"),
    (
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON, TUE, WED, THU, FRI), nth=-1),
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    ),
    (
        Recurrence(F.MONTHLY_BY_WEEKDAY, interval=2, weekdays=(SAT, SUN), nth=3),
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=SA,SU;BYSETPOS=3",
    ),
    (
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=tuple(range(7)), nth=1),
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=1",
    ),
    (Recurrence(F.YEARLY_BY_DATE, month=3, month_day=15), "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"),
    (
        Recurrence(F.YEARLY_BY_DATE, interval=2, month=2, month_day=-1, count=4),
        "FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=-1;COUNT=4",
    ),
    (
        Recurrence(F.YEARLY_BY_WEEKDAY, month=11, weekdays=(THU,), nth=4),
        "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    ),
    (
        Recurrence(F.YEARLY_BY_WEEKDAY, month=12, weekdays=(MON, TUE, WED, THU, FRI), nth=-1),
        "FREQ=YEARLY;BYMONTH=12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    ),
    (Recurrence(F.ONCE), "FREQ=DAILY;COUNT=1"),
]


@pytest.mark.parametrize(("rec", "text"), ROUND_TRIPS, ids=[text for _, text in ROUND_TRIPS])
def test_rrule_text_round_trips(rec: Recurrence, text: str) -> None:
    assert to_rrule(rec, start=date(2026, 1, 1)) == text
    assert from_rrule(text) == rec


@pytest.mark.parametrize(("rec", "text"), ROUND_TRIPS, ids=[text for _, text in ROUND_TRIPS])
def test_rrule_text_is_read_alike_by_dateutil(rec: Recurrence, text: str) -> None:
    # What a subscribing calendar will parse: our own evaluation must agree with it.
    series = schedule(rec, date(2026, 1, 1))
    parsed = rrulestr(text, dtstart=datetime(2026, 1, 1, 9, 0))
    expected = [o.replace(tzinfo=UTC) for o in takewhile(lambda o: o.year < 2028, parsed)]
    assert occurrences_between(series, utc(2026, 1, 1), utc(2028, 1, 1)) == expected


def test_weekdays_are_a_set() -> None:
    assert Recurrence(F.WEEKLY, weekdays=(THU, MON)) == Recurrence(F.WEEKLY, weekdays=(MON, THU))
    assert Recurrence(F.WEEKLY, weekdays=(THU, MON)).weekdays == (MON, THU)


def test_frequency_is_read_from_its_stored_value() -> None:
    assert Recurrence("daily").frequency is F.DAILY  # type: ignore[arg-type]


def test_a_single_daily_meeting_is_a_one_off() -> None:
    # One rule, one Recurrence: FREQ=DAILY;COUNT=1 reads back as ONCE, whichever was built.
    assert Recurrence(F.DAILY, count=1) == Recurrence(F.ONCE) == Recurrence(F.ONCE, count=1)
    assert Recurrence(F.ONCE).count == 1
    # Every 3 days, once, is still a daily rule (it writes INTERVAL=3).
    assert Recurrence(F.DAILY, interval=3, count=1).frequency is F.DAILY


def test_a_cut_short_recurrence_keeps_its_shape() -> None:
    rec = Recurrence(F.YEARLY_BY_WEEKDAY, month=11, weekdays=(THU,), nth=4, count=3)
    assert rec.ending_on(date(2030, 1, 1)) == Recurrence(
        F.YEARLY_BY_WEEKDAY, month=11, weekdays=(THU,), nth=4, until=date(2030, 1, 1)
    )
    with pytest.raises(RecurrenceError) as caught:
        Recurrence(F.ONCE).ending_on(date(2030, 1, 1))
    assert caught.value.field == "until"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BYDAY=TH,MO;FREQ=WEEKLY;INTERVAL=1", Recurrence(F.WEEKLY, weekdays=(MON, THU))),
        ("FREQ=DAILY;UNTIL=20261231", Recurrence(F.DAILY, until=date(2026, 12, 31))),
        ("FREQ=MONTHLY;BYDAY=+2WE", Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(WED,), nth=2)),
        ("FREQ=DAILY;INTERVAL=1;COUNT=1", Recurrence(F.ONCE)),
        (
            "BYSETPOS=-1;BYDAY=SU,SA;FREQ=MONTHLY",
            Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(SAT, SUN), nth=-1),
        ),
        (
            "FREQ=YEARLY;BYMONTHDAY=+1;BYMONTH=1",
            Recurrence(F.YEARLY_BY_DATE, month=1, month_day=1),
        ),
    ],
)
def test_from_rrule_reads_equivalent_spellings(text: str, expected: Recurrence) -> None:
    assert from_rrule(text) == expected


# --- every refusal names its field ----------------------------------------------------------

INVALID_RECURRENCES = [
    ("frequency", {"frequency": "yearly"}),
    ("interval", {"frequency": F.DAILY, "interval": 0}),
    ("interval", {"frequency": F.DAILY, "interval": 53}),
    ("interval", {"frequency": F.DAILY, "interval": True}),
    ("interval", {"frequency": F.DAILY, "interval": "2"}),
    ("weekdays", {"frequency": F.WEEKLY}),
    ("weekdays", {"frequency": F.WEEKLY, "weekdays": (7,)}),
    ("weekdays", {"frequency": F.WEEKLY, "weekdays": (-1,)}),
    ("weekdays", {"frequency": F.WEEKLY, "weekdays": (MON, MON)}),
    ("weekdays", {"frequency": F.WEEKLY, "weekdays": "MO"}),
    ("weekdays", {"frequency": F.DAILY, "weekdays": (MON,)}),
    ("weekdays", {"frequency": F.MONTHLY_BY_DATE, "weekdays": (MON,), "month_day": 1}),
    ("weekdays", {"frequency": F.MONTHLY_BY_WEEKDAY, "nth": 1}),
    ("weekdays", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON, TUE), "nth": 1}),
    ("weekdays", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON, TUE, WED, THU), "nth": 1}),
    ("weekdays", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (FRI, SAT, SUN), "nth": -1}),
    ("weekdays", {"frequency": F.YEARLY_BY_WEEKDAY, "month": 1, "nth": 1}),
    ("weekdays", {"frequency": F.ONCE, "weekdays": (MON,)}),
    ("month", {"frequency": F.YEARLY_BY_DATE, "month_day": 1}),
    ("month", {"frequency": F.YEARLY_BY_DATE, "month": 0, "month_day": 1}),
    ("month", {"frequency": F.YEARLY_BY_DATE, "month": 13, "month_day": 1}),
    ("month", {"frequency": F.YEARLY_BY_DATE, "month": True, "month_day": 1}),
    ("month", {"frequency": F.MONTHLY_BY_DATE, "month": 1, "month_day": 1}),
    ("interval", {"frequency": F.ONCE, "interval": 2}),
    ("count", {"frequency": F.ONCE, "count": 2}),
    ("until", {"frequency": F.ONCE, "until": date(2026, 1, 1)}),
    ("month_day", {"frequency": F.MONTHLY_BY_DATE}),
    ("month_day", {"frequency": F.MONTHLY_BY_DATE, "month_day": 0}),
    ("month_day", {"frequency": F.MONTHLY_BY_DATE, "month_day": 32}),
    ("month_day", {"frequency": F.MONTHLY_BY_DATE, "month_day": -2}),
    ("month_day", {"frequency": F.YEARLY_BY_DATE, "month": 2, "month_day": 30}),
    ("month_day", {"frequency": F.YEARLY_BY_DATE, "month": 4, "month_day": 31}),
    ("month_day", {"frequency": F.YEARLY_BY_DATE, "month": 4}),
    ("month_day", {"frequency": F.ONCE, "month_day": 1}),
    ("month_day", {"frequency": F.DAILY, "month_day": 5}),
    (
        "month_day",
        {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON,), "nth": 1, "month_day": 5},
    ),
    ("nth", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON,)}),
    ("nth", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON,), "nth": 0}),
    ("nth", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON,), "nth": 6}),
    ("nth", {"frequency": F.YEARLY_BY_WEEKDAY, "month": 1, "weekdays": (MON,)}),
    ("nth", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (SAT, SUN), "nth": 0}),
    ("nth", {"frequency": F.MONTHLY_BY_WEEKDAY, "weekdays": (MON,), "nth": -2}),
    ("nth", {"frequency": F.WEEKLY, "weekdays": (MON,), "nth": 1}),
    ("count", {"frequency": F.DAILY, "count": 0}),
    ("count", {"frequency": F.DAILY, "count": 1001}),
    ("until", {"frequency": F.DAILY, "until": datetime(2026, 1, 1, 9, tzinfo=UTC)}),
    ("until", {"frequency": F.DAILY, "until": "2026-01-01"}),
    ("until", {"frequency": F.DAILY, "count": 3, "until": date(2026, 1, 1)}),
]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    INVALID_RECURRENCES,
    ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID_RECURRENCES)],
)
def test_an_invalid_recurrence_names_its_field(field: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(RecurrenceError) as caught:
        Recurrence(**kwargs)
    assert caught.value.field == field
    assert str(caught.value) == f"{field}: {caught.value.message}"


def test_an_error_with_a_value_carries_its_code_and_the_value_apart() -> None:
    """Services and pages translate the code and fill in the values; nobody parses the text."""
    with pytest.raises(RecurrenceError) as caught:
        to_rrule(Recurrence(F.MONTHLY_BY_DATE, interval=12, month_day=30), start=date(2026, 2, 1))

    error = caught.value
    assert (error.field, error.code, error.params) == (
        "month_day",
        "day %(day)s never occurs in the months this series visits",
        {"day": "30"},
    )
    assert error.message == "day 30 never occurs in the months this series visits"


@pytest.mark.parametrize(
    ("field", "rec", "start"),
    [
        ("until", Recurrence(F.DAILY, until=date(2025, 12, 31)), date(2026, 1, 1)),
        # Tuesday start, Mondays only, over by Wednesday: not a single occurrence.
        ("until", Recurrence(F.WEEKLY, weekdays=(MON,), until=date(2026, 1, 7)), date(2026, 1, 6)),
        # Every 12 months from February never meets a 30th.
        ("month_day", Recurrence(F.MONTHLY_BY_DATE, interval=12, month_day=30), date(2026, 2, 1)),
        # Every 4 years from 2027 never meets a leap year.
        (
            "month_day",
            Recurrence(F.YEARLY_BY_DATE, interval=4, month=2, month_day=29),
            date(2027, 1, 1),
        ),
        # Every 48 months from February 2027 visits no February with five Mondays.
        (
            "nth",
            Recurrence(F.MONTHLY_BY_WEEKDAY, interval=48, weekdays=(MON,), nth=5),
            date(2027, 2, 1),
        ),
    ],
)
def test_a_series_that_would_never_happen_is_refused(
    field: str, rec: Recurrence, start: date
) -> None:
    with pytest.raises(RecurrenceError) as caught:
        to_rrule(rec, start=start)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("rule", ""),
        ("rule", "FREQ=DAILY;"),
        ("rule", "FREQ=DAILY;INTERVAL"),
        ("rule", "FREQ=DAILY;FREQ=DAILY"),
        ("rule", "FREQ=DAILY;BYSETPOS=1"),
        ("rule", "RRULE:FREQ=DAILY"),
        ("rule", "FREQ=DAILY;BYDAY=MO"),
        ("rule", "FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=1"),
        ("rule", "FREQ=MONTHLY"),
        ("rule", "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=1"),
        ("month", "FREQ=YEARLY"),
        ("month", "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1"),
        ("month", "FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1"),
        ("rule", "FREQ=YEARLY;BYMONTH=1"),
        ("rule", "FREQ=MONTHLY;BYMONTH=1;BYMONTHDAY=1"),
        ("rule", "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1"),
        ("rule", "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1"),
        ("rule", "FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=1"),
        ("rule", "FREQ=MONTHLY;BYSETPOS=1"),
        ("rule", "FREQ=MONTHLY;BYWEEKNO=1"),
        ("rule", "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"),
        ("month_day", "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31"),
        ("weekdays", "FREQ=MONTHLY;BYDAY=MO,WE;BYSETPOS=1"),
        ("weekdays", "FREQ=MONTHLY;BYDAY=1MO,2MO;BYSETPOS=1"),
        ("nth", "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=6"),
        ("nth", "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=x"),
        ("frequency", "FREQ=HOURLY"),
        ("frequency", "INTERVAL=2"),
        ("interval", "FREQ=DAILY;INTERVAL=x"),
        ("interval", "FREQ=DAILY;INTERVAL=-1"),
        ("interval", "FREQ=DAILY;INTERVAL=0"),
        ("count", "FREQ=DAILY;COUNT=1001"),
        ("weekdays", "FREQ=WEEKLY"),
        ("weekdays", "FREQ=WEEKLY;BYDAY=XX"),
        ("weekdays", "FREQ=WEEKLY;BYDAY=1MO"),
        ("weekdays", "FREQ=MONTHLY;BYDAY=1MO,2MO"),
        ("nth", "FREQ=MONTHLY;BYDAY=MO"),
        ("nth", "FREQ=MONTHLY;BYDAY=6MO"),
        ("nth", "FREQ=MONTHLY;BYDAY=-2MO"),
        ("month_day", "FREQ=MONTHLY;BYMONTHDAY=-2"),
        ("month_day", "FREQ=MONTHLY;BYMONTHDAY=0"),
        ("month_day", "FREQ=MONTHLY;BYMONTHDAY=32"),
        ("until", "FREQ=DAILY;UNTIL=20261231T090000Z"),
        ("until", "FREQ=DAILY;UNTIL=20260231"),
        ("until", "FREQ=DAILY;COUNT=5;UNTIL=20261231"),
    ],
)
def test_an_unsupported_rule_names_its_field(field: str, text: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        from_rrule(text)
    assert caught.value.field == field


SCHEDULE: dict[str, Any] = {
    "rule": "FREQ=DAILY;COUNT=3",
    "start_date": date(2026, 1, 1),
    "local_time": time(9, 0),
    "timezone": "Europe/Berlin",
}


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("timezone", {"timezone": "Mars/Olympus_Mons"}),
        ("timezone", {"timezone": ""}),
        ("timezone", {"timezone": "../etc/passwd"}),
        ("timezone", {"timezone": "europe/berlin"}),
        ("local_time", {"local_time": time(9, 0, tzinfo=UTC)}),
        ("start_date", {"start_date": datetime(2026, 1, 1, 9, tzinfo=UTC)}),
        ("rule", {"rule": "FREQ=DAILY;BYHOUR=9"}),
        ("last_date", {"rule": "FREQ=DAILY", "last_date": date(2026, 1, 3)}),
        ("last_date", {"last_date": date(2025, 12, 31)}),
    ],
)
def test_an_invalid_schedule_names_its_field(field: str, changes: dict[str, Any]) -> None:
    with pytest.raises(RecurrenceError) as caught:
        Schedule(**(SCHEDULE | changes))
    assert caught.value.field == field


def test_localize_refuses_an_unknown_timezone() -> None:
    with pytest.raises(RecurrenceError) as caught:
        localize(date(2026, 1, 1), time(9, 0), "Europe/Atlantis")
    assert caught.value.field == "timezone"


def test_localize_refuses_an_aware_time() -> None:
    with pytest.raises(RecurrenceError) as caught:
        localize(date(2026, 1, 1), time(9, 0, tzinfo=UTC), "Europe/Berlin")
    assert caught.value.field == "local_time"


# --- the cost follows the window, not the series' age ---------------------------------------


@pytest.fixture
def iterated(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """Every date the underlying rrule iteration produces, in order."""
    seen: list[date] = []
    original = recurrence_dates._expand

    def counting(*args: Any, **kwargs: Any) -> Iterator[date]:
        for day in original(*args, **kwargs):
            seen.append(day)
            yield day

    monkeypatch.setattr(recurrence_dates, "_expand", counting)
    return seen


WEEK_OF_MARCH = (utc(2026, 3, 2), utc(2026, 3, 9))


@pytest.mark.parametrize("start", [date(2016, 1, 1), date(2026, 3, 1)], ids=["10-years-old", "new"])
def test_a_window_costs_the_same_for_an_old_and_a_new_daily_series(
    iterated: list[date], start: date
) -> None:
    series = schedule(Recurrence(F.DAILY), start, tz="Europe/Berlin")
    iterated.clear()

    found = occurrences_between(series, *WEEK_OF_MARCH)

    assert found == [utc(2026, 3, day, 8) for day in range(2, 9)]
    # The window's local dates (2 to 9 March, the end is 01:00 in Berlin) and the day before.
    assert iterated == [date(2026, 3, day) for day in range(1, 10)]


@pytest.mark.parametrize(
    "rec",
    [
        Recurrence(F.DAILY, interval=5),
        Recurrence(F.WEEKLY, interval=3, weekdays=(MON, THU)),
        Recurrence(F.MONTHLY_BY_DATE, month_day=31),
        Recurrence(F.MONTHLY_BY_WEEKDAY, interval=2, weekdays=(FRI,), nth=-1),
        Recurrence(F.DAILY, until=date(2030, 1, 1)),
        Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON, TUE, WED, THU, FRI), nth=-1),
        Recurrence(F.YEARLY_BY_DATE, month=3, month_day=4),
        Recurrence(F.YEARLY_BY_WEEKDAY, interval=2, month=3, weekdays=(SAT, SUN), nth=1),
    ],
    ids=[
        "daily",
        "weekly",
        "monthly-by-date",
        "monthly-by-weekday",
        "until",
        "monthly-last-working-day",
        "yearly-by-date",
        "yearly-by-weekday",
    ],
)
def test_a_ten_year_old_series_iterates_only_near_the_window(
    iterated: list[date], rec: Recurrence
) -> None:
    series = schedule(rec, date(2016, 1, 1))
    iterated.clear()

    occurrences_between(series, *WEEK_OF_MARCH)
    assert len(iterated) <= 10
    assert all(day >= date(2026, 1, 1) for day in iterated)

    iterated.clear()
    next_occurrences(series, WEEK_OF_MARCH[0], 3)
    # Three occurrences plus what lies between the anchor and the window.
    assert len(iterated) <= 6
    assert all(day >= date(2026, 1, 1) for day in iterated)


def test_a_count_series_uses_its_last_date_to_skip_the_past(iterated: list[date]) -> None:
    # 1000 daily check-ins from 2024-01-01 end on 2026-09-26.
    rec = Recurrence(F.DAILY, count=1000)
    window = (utc(2026, 9, 20), utc(2026, 9, 27))
    with_last = schedule(rec, date(2024, 1, 1))
    without_last = schedule(rec, date(2024, 1, 1), with_last_date=False)
    assert with_last.last_date == date(2026, 9, 26)
    iterated.clear()

    assert occurrences_between(with_last, *window) == at_nine(
        *(date(2026, 9, day) for day in range(20, 27))
    )
    # From the window's margin (19 September) to the last date.
    assert iterated == [date(2026, 9, day) for day in range(19, 27)]

    iterated.clear()
    assert occurrences_between(without_last, *window) == occurrences_between(with_last, *window)
    # The documented fallback: from the start, bounded by COUNT (the second call adds 8).
    assert len(iterated) == 1000 + 8


@pytest.mark.parametrize(
    ("rec", "start", "first", "expected"),
    [
        (Recurrence(F.DAILY, interval=7), date(2016, 1, 1), date(2026, 3, 2), date(2026, 2, 27)),
        # Weekly: the Monday of an aligned week, so its Monday is not cut off.
        (
            Recurrence(F.WEEKLY, interval=2, weekdays=(MON, THU)),
            date(2016, 1, 7),
            date(2026, 3, 5),
            date(2026, 3, 2),
        ),
        # ... of a week on the rule's grid: 9 March's week is an off week.
        (
            Recurrence(F.WEEKLY, interval=2, weekdays=(MON, THU)),
            date(2016, 1, 7),
            date(2026, 3, 12),
            date(2026, 3, 2),
        ),
        # Monthly: the 1st of a month a multiple of 5 months after January 2016.
        (
            Recurrence(F.MONTHLY_BY_DATE, interval=5, month_day=31),
            date(2016, 1, 15),
            date(2026, 3, 5),
            date(2026, 1, 1),
        ),
        # Before the first full period the anchor is the start itself.
        (
            Recurrence(F.WEEKLY, weekdays=(MON,)),
            date(2026, 3, 5),
            date(2026, 3, 7),
            date(2026, 3, 5),
        ),
        (Recurrence(F.DAILY), date(2026, 3, 5), date(2026, 1, 1), date(2026, 3, 5)),
        # Yearly: 1 January of a year a multiple of 3 years after 2016, not 2026's.
        (
            Recurrence(F.YEARLY_BY_DATE, interval=3, month=6, month_day=1),
            date(2016, 6, 1),
            date(2026, 3, 5),
            date(2025, 1, 1),
        ),
        (
            Recurrence(F.YEARLY_BY_DATE, month=6, month_day=1),
            date(2026, 6, 1),
            date(2026, 9, 1),
            date(2026, 6, 1),
        ),
        # BYSETPOS counts a whole month: the anchor is a 1st, never a day within the month.
        (
            Recurrence(F.MONTHLY_BY_WEEKDAY, weekdays=(MON, TUE, WED, THU, FRI), nth=-1),
            date(2016, 1, 29),
            date(2026, 3, 30),
            date(2026, 3, 1),
        ),
    ],
)
def test_the_anchor_is_on_the_rules_grid_and_within_one_period_of_the_window(
    rec: Recurrence, start: date, first: date, expected: date
) -> None:
    assert recurrence_dates._anchor(rec, start, first) == expected


# --- properties against a naive reference ---------------------------------------------------

TIMEZONES = [
    "Europe/Berlin",
    "America/New_York",
    "UTC",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "America/Sao_Paulo",  # DST changed at midnight until 2019: 00:00 did not exist
]


@st.composite
def recurrences(draw: st.DrawFn) -> tuple[Recurrence, date]:
    frequency = draw(st.sampled_from(Frequency))
    interval = draw(st.one_of(st.integers(1, 4), st.integers(1, 52)))
    fields: dict[str, Any] = {}
    if frequency is F.WEEKLY:
        fields["weekdays"] = tuple(draw(st.sets(st.integers(0, 6), min_size=1)))
    if frequency in (F.YEARLY_BY_DATE, F.YEARLY_BY_WEEKDAY):
        interval = draw(st.one_of(st.integers(1, 4), st.integers(1, 12)))
        fields["month"] = draw(st.one_of(st.integers(1, 12), st.just(2)))
    if frequency in (F.MONTHLY_BY_DATE, F.YEARLY_BY_DATE):
        day = draw(st.one_of(st.integers(1, 31), st.sampled_from([29, 30, 31, -1])))
        assume(fields.get("month") is None or day <= monthrange(2000, fields["month"])[1])
        fields["month_day"] = day
    elif frequency in (F.MONTHLY_BY_WEEKDAY, F.YEARLY_BY_WEEKDAY):
        fields["weekdays"] = draw(
            st.one_of(
                st.tuples(st.integers(0, 6)),
                st.sampled_from([(MON, TUE, WED, THU, FRI), (SAT, SUN), tuple(range(7))]),
            )
        )
        fields["nth"] = draw(st.sampled_from([1, 2, 3, 4, 5, -1]))
    start = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
    if frequency is F.ONCE:
        return Recurrence(frequency), start
    ending = draw(st.sampled_from(["never", "count", "until"]))
    if ending == "count":
        fields["count"] = draw(st.one_of(st.integers(1, 30), st.integers(1, 1000)))
    elif ending == "until":
        fields["until"] = start + timedelta(days=draw(st.integers(0, 3000)))
    return Recurrence(frequency, interval=interval, **fields), start


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    rec, start = draw(recurrences())
    try:
        rule = to_rrule(rec, start=start)
    except RecurrenceError:
        assume(False)  # ends before it begins, or a month day that never comes
    wall = draw(st.one_of(st.sampled_from([time(0, 0), time(2, 30), time(9, 0)]), st.times()))
    return Schedule(
        rule=rule,
        start_date=start,
        local_time=wall,
        timezone=draw(st.sampled_from(TIMEZONES)),
        last_date=last_local_date(rule, start) if draw(st.booleans()) else None,
    )


instants = st.datetimes(datetime(2014, 6, 1), datetime(2032, 12, 31), timezones=st.just(UTC))


def moments_near(series: Schedule) -> st.SearchStrategy[datetime]:
    """Anywhere in 2014-2032, within ten years of the series' start, or, most often, right at
    one of its occurrences (exactly, a microsecond either side, or a few days either side),
    where the window's edges matter."""
    midnight = datetime.combine(series.start_date, time(), tzinfo=UTC)
    choices = [
        instants,
        st.timedeltas(timedelta(days=-40), timedelta(days=3700)).map(lambda d: midnight + d),
    ]
    occurrences = list(islice(reference(series), 200))
    if occurrences:
        near_occurrence = st.builds(
            lambda occurrence, offset: occurrence + offset,
            st.sampled_from(occurrences),
            st.one_of(
                st.sampled_from(
                    [timedelta(0), timedelta(microseconds=1), -timedelta(microseconds=1)]
                ),
                st.timedeltas(-timedelta(days=3), timedelta(days=3)),
            ),
        )
        choices += [near_occurrence, near_occurrence]
    return st.sampled_from(choices).flatmap(lambda choice: choice)


def reference(s: Schedule) -> Iterator[datetime]:
    """The naive way: the whole, unshifted rule from the start date, each date localized, up
    to the last accepted date (`apps.core.dates.LATEST`: nothing happens after it)."""
    rule = rrulestr(f"DTSTART:{s.start_date:%Y%m%d}T000000\nRRULE:{s.rule}")
    for occurrence in rule:
        if occurrence.date() > LATEST:
            return
        yield localize(occurrence.date(), s.local_time, s.timezone)


@settings(max_examples=400, deadline=None)
@given(series=schedules(), data=st.data())
def test_occurrences_between_matches_the_naive_reference(
    series: Schedule, data: st.DataObject
) -> None:
    window_start = data.draw(moments_near(series), label="window_start")
    window_end = window_start + data.draw(
        st.one_of(
            st.timedeltas(timedelta(0), timedelta(days=2)),
            st.timedeltas(timedelta(0), timedelta(days=400)),
        ),
        label="length",
    )
    expected = [
        start
        for start in takewhile(lambda start: start < window_end, reference(series))
        if start >= window_start
    ]
    event("occurrences in the window" if expected else "no occurrence in the window")
    assert occurrences_between(series, window_start, window_end) == expected


@settings(max_examples=300, deadline=None)
@given(series=schedules(), data=st.data(), n=st.integers(0, 25))
def test_next_occurrences_match_the_naive_reference(
    series: Schedule, data: st.DataObject, n: int
) -> None:
    after = data.draw(moments_near(series), label="after")
    expected = list(islice((start for start in reference(series) if start > after), n))
    event("fewer than n" if len(expected) < n else "n found")
    assert next_occurrences(series, after, n) == expected


@settings(max_examples=200, deadline=None)
@given(series=schedules())
def test_last_local_date_is_the_references_last(series: Schedule) -> None:
    rec = series.recurrence
    if rec.count is None and rec.until is None:
        expected = None
    else:
        rule = rrulestr(f"DTSTART:{series.start_date:%Y%m%d}T000000\nRRULE:{series.rule}")
        expected = list(rule)[-1].date()
    assert last_local_date(series.rule, series.start_date) == expected


@given(drawn=recurrences())
def test_every_valid_recurrence_round_trips(drawn: tuple[Recurrence, date]) -> None:
    rec, start = drawn
    try:
        rule = to_rrule(rec, start=start)
    except RecurrenceError:
        assume(False)
    assert from_rrule(rule) == rec
