"""The closed months kept as rows (`MonthFigures`, `apps.insights.rollup`) give exactly the
figures counted from scratch: over the demo's year of history (empty months before it,
skipped and moved check-ins, requests answered late, a DST month in Berlin), for ranges
that begin before, inside and at the end of the kept months, after the tandem moves to a
timezone whose months begin half a day before UTC's, after a person leaves and is deleted,
and with a feedback cycle that is never counted before it is revealed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackCycle
from apps.insights import periods, rollup, selectors
from apps.insights.models import MonthFigures
from apps.tandems.models import Membership, Role, Tandem
from apps.tandems.services.membership import membership_leave
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_month() -> Any:
    """The 15th of this month at noon, the clock running: a month cannot end mid-test (the
    demo's history and every range are counted from today)."""
    today = timezone.now()
    with time_machine.travel(today.replace(day=15, hour=12, minute=0), tick=True):
        yield


def _figures(membership: Membership, first: date, last: date) -> tuple[dict[str, Any], int]:
    """The API's figures of the range, and how many of its months were read from rows."""
    ctx = selectors.context_for(membership=membership, first=first, last=last)
    return selectors.insights_for(
        membership=membership, first=first, last=last
    ).as_data(), ctx.live_from


def _ours(ratings: list[list[Any]]) -> bool:
    """Whether the kept ratings hold the test's cycle's question."""
    return any(label == "How clear were my requests?" for _author, label, *_n in ratings)


def _ranges(tz_name: str) -> list[tuple[date, date]]:
    today = periods.today_in(tz_name)
    this = periods.month_start(today)
    return [
        periods.default_range(today),  # the last year, this month included
        (date(today.year - 2, today.month, 1), today),  # begins before any history
        (date(today.year - 1, today.month, 1), this - timedelta(days=1)),  # closed months only
        (date(today.year - 1, 3, 1), date(today.year - 1, 11, 30)),  # DST months inside
    ]


def _assert_rows_equal_scratch(membership: Membership) -> None:
    tz_name = Tandem.objects.get(pk=membership.tandem_id).timezone
    membership = Membership.objects.select_related("tandem", "user").get(pk=membership.pk)
    scratch = {}
    for first, last in _ranges(tz_name):
        scratch[(first, last)], kept_months = _figures(membership, first, last)
        assert kept_months == 0  # nothing kept (or nothing that applies): all counted live
    assert rollup.roll_up() > 0
    for first, last in _ranges(tz_name):
        kept, kept_months = _figures(membership, first, last)
        months = len(periods.months_between(first, last, tz_name))
        closed = months - (1 if last >= periods.month_start(periods.today_in(tz_name)) else 0)
        assert kept_months == closed  # every closed month read from its row
        assert kept == scratch[(first, last)], (first, last)


def test_kept_rows_give_the_figures_counted_from_scratch() -> None:
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    leader = Membership.objects.get(tandem=tandem, role=Role.LEADER)
    assistant = Membership.objects.get(tandem=tandem, role=Role.ASSISTANT)
    now = timezone.now()

    # A cycle of two months ago with one entry submitted, never revealed: counted nowhere.
    opens = now - timedelta(days=70)
    cycle = make_cycle(leader, opens_at=opens, days=7)
    with time_machine.travel(opens + timedelta(days=1), tick=False):
        feedback.entry_submit(membership=leader, cycle_id=cycle.pk, answers=full_answers(cycle))
    _assert_rows_equal_scratch(leader)
    month = periods.month_of(opens, tandem.timezone)
    row = MonthFigures.objects.get(tandem=tandem, month=month)
    assert not _ours(row.counted()["ratings"])

    # Revealed (the partner submits late): the next run counts it; the rows agree again.
    with time_machine.travel(opens + timedelta(days=2), tick=False):
        feedback.entry_submit(membership=assistant, cycle_id=cycle.pk, answers=full_answers(cycle))
    assert FeedbackCycle.objects.get(pk=cycle.pk).revealed_at is not None
    assert rollup.roll_up() > 0
    first, last = periods.default_range(periods.today_in(tandem.timezone))
    assert (
        _figures(leader, first, last)[0]
        == selectors.insights_for(membership=leader, first=first, last=last).as_data()
    )
    row.refresh_from_db()
    assert _ours(row.counted()["ratings"])

    # A timezone whose month begins 13 hours before UTC's: the old rows no longer apply.
    Tandem.objects.filter(pk=tandem.pk).update(timezone="Pacific/Auckland")
    _assert_rows_equal_scratch(leader)

    # A person leaves and is deleted: who is who changed, the rows no longer apply.
    membership_leave(membership=assistant)
    User.objects.filter(pk=assistant.user_id).delete()
    _assert_rows_equal_scratch(leader)


def test_rolling_up_twice_writes_the_same_rows() -> None:
    call_command("seed_demo", stdout=None)
    first = rollup.roll_up()
    before = {(r.tandem_id, r.month): r.counted() for r in MonthFigures.objects.all()}
    assert rollup.roll_up() == first
    after = {(r.tandem_id, r.month): r.counted() for r in MonthFigures.objects.all()}
    assert after == before
    assert len(before) == first


def test_a_month_that_has_just_ended_counts_live_until_it_is_kept() -> None:
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    leader = Membership.objects.select_related("tandem", "user").get(
        tandem=tandem, role=Role.LEADER
    )
    rollup.roll_up()
    today = periods.today_in(tandem.timezone)
    first, last = periods.default_range(today)
    expected = selectors.insights_for(membership=leader, first=first, last=last).as_data()
    # The row of last month is missing (say the task has not run since it ended).
    MonthFigures.objects.filter(
        tandem=tandem, month=periods.month_start(periods.month_start(today) - timedelta(days=1))
    ).delete()
    found, kept_months = _figures(leader, first, last)
    assert kept_months == 10
    assert found == expected


def test_a_row_counted_for_another_version_is_not_used() -> None:
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    leader = Membership.objects.select_related("tandem", "user").get(
        tandem=tandem, role=Role.LEADER
    )
    rollup.roll_up()
    MonthFigures.objects.filter(tandem=tandem).update(version="0/old")
    today = periods.today_in(tandem.timezone)
    assert _figures(leader, *periods.default_range(today))[1] == 0


def test_kept_rows_read_in_the_same_queries_for_one_year_and_for_five() -> None:
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    leader = Membership.objects.select_related("tandem", "user").get(
        tandem=tandem, role=Role.LEADER
    )
    rollup.roll_up()
    today = periods.today_in(tandem.timezone)
    counted = []
    for years in (1, 5):
        first = date(today.year - years, today.month, 1)
        with CaptureQueriesContext(connection) as queries:
            selectors.insights_for(membership=leader, first=first, last=today)
        counted.append(len(queries))
    assert counted[0] == counted[1]


def test_a_kept_month_holds_its_waiting_times_as_one_sorted_list() -> None:
    """A busy month keeps hundreds of durations: one flat list of whole seconds (one row),
    not a row per request, and sorted (the quantiles read it in order)."""
    call_command("seed_demo", stdout=None)
    tandem = Tandem.objects.get(name="Lena & Alex")
    rollup.roll_up()
    kept = [
        row.counted()["answer_time"]
        for row in MonthFigures.objects.filter(tandem=tandem).order_by("month")
    ]
    busy = [rows for rows in kept if rows]
    assert busy  # the demo answers requests in most months
    for rows in busy:
        (seconds,) = rows[0]
        assert len(rows) == 1
        assert seconds == sorted(seconds)
        assert all(isinstance(s, int) and s >= 0 for s in seconds)
    assert max(len(rows[0][0]) for rows in busy) > 1
