from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client

from apps.checkins import services, tasks
from apps.checkins.models import ActionItem, CheckInSeries
from apps.notifications.models import Notice
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

AT_LEAD = FIRST - timedelta(minutes=59)  # the one-hour lead has come


def test_task_names_are_pinned() -> None:
    assert tasks.schedule_reminders.name == "checkins.schedule_reminders"
    assert tasks.carry_over.name == "checkins.carry_over"
    assert (
        tasks.remind_due_and_carry_overdue_action_items.name
        == "checkins.remind_due_and_carry_overdue_action_items"
    )
    # The old name stays registered for one release (messages queued before the rename).
    assert tasks.remind_due_action_items.name == "checkins.remind_due_action_items"


def test_each_member_gets_one_reminder_with_the_agenda_even_when_run_twice(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    services.agenda_item_add(
        membership=pair.assistant_membership,
        series_id=series.pk,
        start=FIRST,
        kind="question",
        text="Travel budget?",
    )
    services.action_item_create(
        membership=pair.leader_membership, text="Call Bob", owner_id=pair.leader.pk
    )
    traveller.move_to(AT_LEAD)

    tasks.schedule_reminders()
    tasks.schedule_reminders()

    notices = Notice.objects.order_by("recipient_id")
    assert [(n.recipient_id, n.kind, n.key, n.not_after) for n in notices] == [
        (
            user.pk,
            "checkin_reminder",
            f"checkin:{series.pk}:2026-03-02T08:00:00Z:reminder:{user.pk}",
            FIRST,
        )
        for user in sorted([pair.leader, pair.assistant], key=lambda u: u.pk)
    ]
    leader_notice = notices.get(recipient=pair.leader)
    assert "Travel budget?" in leader_notice.body and "Call Bob" in leader_notice.body
    assert leader_notice.due_at == FIRST - timedelta(hours=1)
    # The link opens the occurrence's own page (the agenda), as a member sees it.
    assert leader_notice.url == (f"/t/{pair.tandem.pk}/check-ins/{series.pk}/2026-03-02T08:00:00Z/")
    client = Client()
    client.force_login(pair.leader)
    assert client.get(leader_notice.url).status_code == 200


def test_no_reminder_before_the_lead_time(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    traveller.move_to(FIRST - timedelta(minutes=61))

    services.reminders_schedule()

    assert not Notice.objects.exists()


def test_a_skipped_occurrence_gets_no_reminder(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=FIRST)
    traveller.move_to(AT_LEAD)

    services.reminders_schedule()

    assert not Notice.objects.filter(kind="checkin_reminder").exists()
    # The partner was told of the skip, and by whom (the one notice there is).
    assert list(Notice.objects.values_list("recipient_id", "kind")) == [
        (pair.assistant.pk, "checkin.changed")
    ]


def test_a_paused_person_gets_no_reminder(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    pair.assistant.paused_from = FIRST - timedelta(days=1)
    pair.assistant.save(update_fields=["paused_from"])
    traveller.move_to(AT_LEAD)

    services.reminders_schedule()

    assert list(Notice.objects.values_list("recipient_id", flat=True)) == [pair.leader.pk]


def test_a_moved_occurrence_is_reminded_at_its_new_time(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    moved_to = FIRST + timedelta(hours=5)
    services.occurrence_move(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, to=moved_to
    )
    reminders = Notice.objects.filter(kind="checkin_reminder")
    traveller.move_to(AT_LEAD)
    services.reminders_schedule()
    assert not reminders.exists()

    traveller.move_to(moved_to - timedelta(minutes=30))
    services.reminders_schedule()

    assert sorted(reminders.values_list("not_after", flat=True)) == [moved_to, moved_to]


def test_an_action_item_due_is_reminded_once_to_its_owner(
    pair: Pair, traveller: time_machine.Coordinates
) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership,
        text="Send report",
        owner_id=pair.assistant.pk,
        due_date=date(2026, 3, 3),
    )
    # Given by the leader: the assignment itself is announced (its own notice, kind
    # action_item.assigned); the due reminder comes on the day.
    due = Notice.objects.filter(kind="action_item_due")
    services.action_items_remind_due()
    assert not due.exists()
    traveller.move_to(FIRST + timedelta(days=1))  # Tuesday 09:00 Berlin: due today

    tasks.remind_due_and_carry_overdue_action_items()
    tasks.remind_due_and_carry_overdue_action_items()
    traveller.move_to(FIRST + timedelta(days=3))
    tasks.remind_due_and_carry_overdue_action_items()

    assert list(due.values_list("recipient_id", "key", "url")) == [
        (pair.assistant.pk, f"action:{item.pk}:due", f"/t/{pair.tandem.pk}/check-ins/action-items/")
    ]
    assert ActionItem.objects.get().due_reminded_at is not None
