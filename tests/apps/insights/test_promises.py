"""Promises kept, both ways, against a hand-computed history of a tandem in Auckland (whose
months start 11 to 13 hours before UTC's, and whose clocks go back on 5 April 2026): action
items done by their due date, requests answered by theirs, check-ins held as planned (with a
skipped and moved ones), feedback given by the deadline of revealed cycles only, and the
reminders each person received. Now is 10 May 2026; February to May is asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.checkins import services as checkins
from apps.checkins.models import Occurrence
from apps.delegation import services as delegation
from apps.delegation.models import DecisionArea
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackCycle
from apps.home.services import user_delete
from apps.insights.figures import Figure, Section
from apps.insights.sections import promises
from apps.insights.selectors import context_for
from apps.tandems.models import Membership
from tests.conftest import Pair
from tests.factories import TANDEMS_MADE_AT, TandemFactory
from tests.factories.checkins import series_for
from tests.factories.feedback import full_answers, make_cycle
from tests.factories.notifications import delivered_notice

AUCKLAND = "Pacific/Auckland"
NOW = datetime(2026, 5, 10, 0, 0, tzinfo=UTC)
FEB, MAY = date(2026, 2, 1), date(2026, 5, 31)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def item(
    pair: Pair, owner: str, due: date | None, *, done: datetime | None = None, status: str = ""
) -> None:
    membership = pair.leader_membership
    owner_id = pair.leader.pk if owner == "leader" else pair.assistant.pk
    with at(utc(2026, 2, 1)):
        made = checkins.action_item_create(
            membership=membership, text="Send the minutes", owner_id=owner_id, due_date=due
        )
    if done is not None:
        with at(done):
            checkins.action_item_update(membership=membership, item_id=made.pk, status="done")
    elif status:
        with at(utc(2026, 3, 1)):
            checkins.action_item_update(membership=membership, item_id=made.pk, status=status)


def request(
    pair: Pair, area: DecisionArea, logged: datetime, due: datetime, answered: datetime | None
) -> None:
    with at(logged):
        decision = delegation.decision_log(
            membership=pair.assistant_membership,
            title="New vendor",
            rationale="Cheaper.",
            area_id=area.pk,
            due_at=due,
        )
    if answered is not None:
        with at(answered):
            delegation.decision_answer(
                membership=pair.leader_membership, decision_id=decision.pk, answer="approve"
            )


def submit(membership: Membership, cycle_id: int, moment: datetime) -> None:
    cycle = FeedbackCycle.objects.get(pk=cycle_id)
    with at(moment):
        feedback.entry_submit(membership=membership, cycle_id=cycle_id, answers=full_answers(cycle))


def wednesday(day: int, month: int) -> datetime:
    """09:00 in Auckland on that day of 2026, in UTC."""
    return datetime(2026, month, day, 9, 0, tzinfo=ZoneInfo(AUCKLAND)).astimezone(UTC)


@pytest.fixture
def history(pair: Pair) -> Pair:
    pair.tandem.timezone = AUCKLAND
    pair.tandem.save()
    # The members sat there since the tandem began (a departure records when they joined).
    Membership.objects.filter(tandem=pair.tandem).update(created_at=TANDEMS_MADE_AT)
    leader, assistant = pair.leader_membership, pair.assistant_membership

    # Action items (Auckland dates). February: the leader's two items due on the 20th, one
    # done at 23:00 that day, one at 00:30 the next day (still the 20th in UTC: late).
    item(pair, "leader", date(2026, 2, 20), done=utc(2026, 2, 20, 10))
    item(pair, "leader", date(2026, 2, 20), done=utc(2026, 2, 20, 11, 30))
    # March: the assistant's item left open (late), one done early; a dropped one and one
    # without a due date do not count.
    item(pair, "assistant", date(2026, 3, 5))
    item(pair, "assistant", date(2026, 3, 31), done=utc(2026, 3, 29))
    item(pair, "assistant", date(2026, 3, 5), status="dropped")
    item(pair, "assistant", None, done=utc(2026, 3, 2))
    # May: one done by its date; one due after today is not counted yet.
    item(pair, "assistant", date(2026, 5, 5), done=utc(2026, 5, 4))
    item(pair, "assistant", date(2026, 5, 20))

    # Requests.
    with at(TANDEMS_MADE_AT):
        vendors = delegation.area_create(membership=leader, name="Vendors", level=4)
    # Due 23:30 on 28 Feb in Auckland, answered half an hour before: February, on time.
    request(pair, vendors, utc(2026, 2, 25), utc(2026, 2, 28, 10, 30), utc(2026, 2, 28, 10))
    # Due 00:30 on 1 March in Auckland, answered 30 minutes late: March.
    request(pair, vendors, utc(2026, 2, 25), utc(2026, 2, 28, 11, 30), utc(2026, 2, 28, 12))
    # Never answered: March, late. One due after today: not counted.
    request(pair, vendors, utc(2026, 3, 10), utc(2026, 3, 15), None)
    request(pair, vendors, utc(2026, 5, 8), utc(2026, 5, 20), None)

    # Check-ins: Wednesdays at 09:00 in Auckland from 4 March (the 1 April one is on
    # 31 March in UTC).
    with at(utc(2026, 3, 1)):
        series = series_for(
            leader,
            weekdays=(2,),
            start_date=date(2026, 3, 4),
            local_time=time(9, 0),
            timezone_name=AUCKLAND,
        )
        checkins.occurrence_skip(membership=leader, series_id=series.pk, start=wednesday(11, 3))
        checkins.occurrence_move(
            membership=assistant,
            series_id=series.pk,
            start=wednesday(18, 3),
            to=wednesday(18, 3) + timedelta(days=1),
        )
        checkins.occurrence_move(
            membership=assistant,
            series_id=series.pk,
            start=wednesday(1, 4),
            to=wednesday(1, 4) + timedelta(days=1),
        )
    with at(utc(2026, 4, 3)):  # the moved one took place at its new time
        checkins.occurrence_update(
            membership=leader, series_id=series.pk, start=wednesday(1, 4), held=True
        )
    with at(utc(2026, 4, 9)):
        checkins.occurrence_update(
            membership=leader, series_id=series.pk, start=wednesday(8, 4), held=True
        )
    with at(utc(2026, 5, 1)):
        checkins.occurrence_skip(membership=assistant, series_id=series.pk, start=wednesday(6, 5))

    # Feedback. Deadline 00:30 on 1 March in Auckland; both on time, revealed on the second.
    with at(utc(2026, 2, 1)):
        march = make_cycle(leader, opens_at=utc(2026, 2, 14, 11, 30), days=14, title="March")
        february = make_cycle(leader, opens_at=utc(2026, 2, 1, 1), days=10, title="February")
        april = make_cycle(leader, opens_at=utc(2026, 4, 1), days=14, title="April")
    submit(leader, march.pk, utc(2026, 2, 20))
    submit(assistant, march.pk, utc(2026, 2, 21))
    # February: only the leader writes; the cycle closes by itself and is revealed.
    submit(leader, february.pk, utc(2026, 2, 5))
    # April: the assistant submits after the deadline (within the grace).
    submit(leader, april.pk, utc(2026, 4, 3))
    submit(assistant, april.pk, utc(2026, 4, 15, 6))
    with at(utc(2026, 5, 1)):
        blind = make_cycle(leader, opens_at=utc(2026, 5, 1, 1), days=6, title="Still blind")
    submit(leader, blind.pk, utc(2026, 5, 2))  # not revealed: counts nowhere
    feedback.cycles_close_due(now=utc(2026, 3, 1))

    # Reminders received (in the inbox), by the Auckland month they arrived.
    delivered_notice(pair.leader, pair.tandem, at=utc(2026, 2, 28, 12), kind="decision.overdue")
    delivered_notice(pair.assistant, pair.tandem, at=utc(2026, 3, 5), kind="action_item_due")
    delivered_notice(pair.assistant, pair.tandem, at=utc(2026, 4, 10), kind="feedback.closing")
    delivered_notice(pair.assistant, pair.tandem, at=utc(2026, 3, 3), kind="checkin_reminder")
    elsewhere = TandemFactory(seats__leader=pair.leader)
    delivered_notice(pair.leader, elsewhere, at=utc(2026, 3, 3), kind="decision.overdue")
    return pair


def section(membership: Membership, first: date = FEB, last: date = MAY) -> Section:
    ctx = context_for(membership=membership, first=first, last=last)
    with at(NOW):
        return promises.section(ctx)


def series_of(figure: Figure) -> dict[str, tuple[list[float | None], float | None]]:
    return {s.key: (s.values, s.total) for s in figure.series}


def figure(found: Section, key: str) -> Figure:
    return next(f for f in found.figures if f.key == key)


def test_action_items_by_owner_and_due_date(history: Pair):
    found = section(history.leader_membership)

    assert series_of(figure(found, "action_items_due")) == {
        "action_items_due_leader": ([2, 0, 0, 0], 2),
        "action_items_due_assistant": ([0, 2, 0, 1], 3),
    }
    on_time = figure(found, "action_items_on_time")
    assert on_time.unit == "percent"
    assert series_of(on_time) == {
        "action_items_on_time_leader": ([50.0, None, None, None], 50.0),
        "action_items_on_time_assistant": ([None, 50.0, None, 100.0], 66.7),
    }
    assert on_time.link.endswith("/check-ins/action-items/?status=all")


def test_requests_by_the_month_they_were_due(history: Pair):
    found = section(history.leader_membership)

    assert series_of(figure(found, "requests_due")) == {"requests_due_pair": ([1, 2, 0, 0], 3)}
    assert series_of(figure(found, "requests_on_time")) == {
        "requests_on_time_pair": ([100.0, 0.0, None, None], 33.3)
    }


def test_checkins_by_their_planned_start(history: Pair):
    found = section(history.leader_membership)

    # March 4, 11 (skipped), 18 (moved), 25; April 1 (moved, held), 8 (held), 15, 22, 29;
    # May 6 (skipped); 13 May is still ahead.
    assert series_of(figure(found, "checkins_held")) == {"checkins_held_pair": ([0, 2, 4, 0], 6)}
    # By who skipped or moved: the leader skipped 11 March, the assistant 6 May; the
    # assistant moved both.
    assert series_of(figure(found, "checkins_skipped")) == {
        "checkins_skipped_leader": ([0, 1, 0, 0], 1),
        "checkins_skipped_assistant": ([0, 0, 0, 1], 1),
    }
    assert series_of(figure(found, "checkins_moved")) == {
        "checkins_moved_leader": ([0, 0, 0, 0], 0),
        "checkins_moved_assistant": ([0, 1, 1, 0], 2),
    }
    assert series_of(figure(found, "checkins_as_planned")) == {
        "checkins_as_planned_pair": ([None, 50.0, 80.0, 0.0], 60.0)
    }


def test_a_move_nobody_recorded_is_counted_as_not_recorded(history: Pair):
    Occurrence.objects.filter(original_start=wednesday(1, 4)).update(changed_by=None)

    found = section(history.leader_membership)

    moved = figure(found, "checkins_moved")
    assert series_of(moved) == {
        "checkins_moved_leader": ([0, 0, 0, 0], 0),
        "checkins_moved_assistant": ([0, 1, 0, 0], 1),
        "checkins_moved_unrecorded": ([0, 0, 1, 0], 1),
    }
    assert [s.who for s in moved.series] == ["leader", "assistant", "pair"]
    assert "Not recorded" in moved.definition


def test_feedback_by_the_deadline_of_revealed_cycles(history: Pair):
    found = section(history.leader_membership)

    assert series_of(figure(found, "feedback_on_time")) == {
        "feedback_on_time_leader": ([100.0, 100.0, 100.0, None], 100.0),
        "feedback_on_time_assistant": ([0.0, 100.0, 0.0, None], 33.3),
    }
    # The assistant sees the same: the leader's entry of the blind cycle counts for nobody.
    assert section(history.assistant_membership) == found


def test_reminders_each_person_received(history: Pair):
    found = section(history.leader_membership)

    assert series_of(figure(found, "reminders_needed")) == {
        "reminders_leader": ([0, 1, 0, 0], 1),
        "reminders_assistant": ([0, 1, 1, 0], 2),
    }


def test_hints_name_last_months_broken_promises(history: Pair):
    found = section(history.leader_membership, FEB, date(2026, 3, 31))

    assert found.hints == [
        "In March 2026, 2 requests waited past their due date.",
        "In March 2026, 1 action item was not done by its due date.",
    ]
    assert section(history.leader_membership).hints == []  # nothing broken in April


def test_an_empty_range(history: Pair):
    found = section(history.leader_membership, date(2025, 10, 1), date(2025, 12, 31))

    for shown in found.figures:
        for series in shown.series:
            if shown.unit == "percent":
                assert series.values == [None, None, None] and series.total is None
            else:
                assert series.values == [0, 0, 0] and series.total == 0
    assert found.hints == []


def test_a_deleted_assistant_counts_as_former_and_archived_areas_still_count(history: Pair):
    leader = history.leader_membership
    area = DecisionArea.objects.get(tandem=history.tandem, name="Vendors")
    delegation.area_archive(membership=leader, area_id=area.pk)
    user_delete(user=history.assistant, password="correct horse battery")

    found = section(leader)

    assert series_of(figure(found, "action_items_due")) == {
        "action_items_due_leader": ([2, 0, 0, 0], 2),
        "action_items_due_assistant": ([0, 0, 0, 0], 0),
        "action_items_due_former": ([0, 2, 0, 1], 3),
    }
    assert series_of(figure(found, "feedback_on_time"))["feedback_on_time_former"] == (
        [0.0, 100.0, 0.0, None],
        33.3,
    )
    # Their inbox went with their account.
    assert "reminders_former" not in series_of(figure(found, "reminders_needed"))
    assert series_of(figure(found, "requests_on_time")) == {
        "requests_on_time_pair": ([100.0, 0.0, None, None], 33.3)
    }


def _years(pair: Pair, years: int) -> None:
    leader, assistant = pair.leader_membership, pair.assistant_membership
    with at(TANDEMS_MADE_AT):
        vendors = delegation.area_create(membership=leader, name="Vendors", level=4)
    with at(utc(2022, 12, 1)):
        series_for(leader, start_date=date(2023, 1, 2))
    for month in range(12 * years):
        day = utc(2023 + month // 12, month % 12 + 1, 3)
        request(pair, vendors, day, day + timedelta(days=2), day + timedelta(days=1))
        with at(day):
            made = checkins.action_item_create(
                membership=leader, text="Minutes", owner_id=pair.assistant.pk, due_date=day.date()
            )
            checkins.action_item_update(membership=leader, item_id=made.pk, status="done")
            cycle = make_cycle(leader, opens_at=day, days=5, title=f"Cycle {month}")
        submit(leader, cycle.pk, day + timedelta(hours=1))
        submit(assistant, cycle.pk, day + timedelta(hours=2))
        delivered_notice(pair.assistant, pair.tandem, at=day, kind="action_item_due")


@pytest.mark.parametrize("years", [1, 3])
def test_the_same_queries_for_one_or_three_years(pair: Pair, years: int):
    _years(pair, years)
    ctx = context_for(
        membership=pair.leader_membership, first=date(2023, 1, 1), last=date(2025, 12, 31)
    )

    with CaptureQueriesContext(connection) as queries, at(utc(2026, 1, 15)):
        found = promises.section(ctx)

    assert len(queries) == 7  # who left is read with the context
    due = series_of(figure(found, "requests_due"))["requests_due_pair"]
    assert due[1] == 12 * years
    assert series_of(figure(found, "feedback_on_time"))["feedback_on_time_assistant"][1] == 100.0


def test_a_stopped_series_has_no_meetings_after_it_stopped(other_pair: Pair):
    leader = other_pair.leader_membership
    with at(utc(2026, 3, 1)):
        series = series_for(leader, start_date=date(2026, 3, 2))  # Mondays, 09:00 Berlin
        berlin = ZoneInfo("Europe/Berlin")
        last = datetime(2026, 3, 30, 9, 0, tzinfo=berlin).astimezone(UTC)
        checkins.occurrence_skip(membership=leader, series_id=series.pk, start=last)
    with at(utc(2026, 3, 20)):
        checkins.series_update(membership=leader, series_id=series.pk, active=False)

    found = section(leader, date(2026, 3, 1), date(2026, 3, 31))

    # 2, 9 and 16 March; the 23rd and the skipped 30th came after the stop.
    assert series_of(figure(found, "checkins_held")) == {"checkins_held_pair": ([3], 3)}
    assert series_of(figure(found, "checkins_skipped")) == {
        "checkins_skipped_leader": ([0], 0),
        "checkins_skipped_assistant": ([0], 0),
    }
