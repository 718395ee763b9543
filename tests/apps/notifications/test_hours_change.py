"""When a person's hours change, the e-mails held for them follow the new hours; the inbox
is never held by them (quiet hours, window and pause govern e-mail only)."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail

from apps.home.services import user_update_preferences
from apps.notifications import services
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.services import DispatchResult
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.notifications import notice_for

pytestmark = pytest.mark.django_db

LATE = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)  # Wednesday 23:30 in Berlin
SEVEN = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)  # Thursday 07:00 in Berlin
WED_10 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
MONDAY_9 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


def email_of(notice: Notice) -> Delivery:
    return notice.deliveries.get(channel=Channel.EMAIL)


def night_owl() -> object:
    return UserFactory(quiet_hours_start=time(22, 0), quiet_hours_end=time(7, 0))


def test_lifting_quiet_hours_releases_the_held_email_at_the_next_dispatch(run_pass) -> None:
    person = night_owl()
    with time_machine.travel(LATE, tick=False):
        notice = notice_for(person)
        assert email_of(notice).deliver_at == SEVEN

        user_update_preferences(user=person, quiet_hours_start=None, quiet_hours_end=None)

    assert email_of(notice).deliver_at == LATE
    next_pass = LATE + timedelta(seconds=30)
    assert run_pass(next_pass) == DispatchResult(claimed=2)
    assert email_of(notice).sent_at == next_pass
    assert [m.extra_headers["X-Tandem-Notices"] for m in mail.outbox] == [str(notice.pk)]


def test_lifting_quiet_hours_over_the_api_releases_the_held_email(run_pass) -> None:
    person = night_owl()
    with time_machine.travel(LATE, tick=False):
        notice = notice_for(person)
        response = client_for(person).patch(
            "/api/v1/me/", {"quiet_hours_start": None, "quiet_hours_end": None}, format="json"
        )

    assert response.status_code == 200
    assert run_pass(LATE + timedelta(seconds=30)).claimed == 2
    assert email_of(notice).state == DeliveryState.SENT


def test_moving_the_window_to_today_releases_what_waited_for_the_old_one(run_pass) -> None:
    person = UserFactory(window_weekday=0, window_start=time(9, 0), window_end=time(11, 0))
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        assert email_of(notice).deliver_at == MONDAY_9

        # Wednesday 09:00-12:00 in Berlin: now is inside it.
        user_update_preferences(user=person, window_weekday=2, window_end=time(12, 0))

    assert email_of(notice).deliver_at == WED_10
    assert run_pass(WED_10 + timedelta(seconds=30)).claimed == 2


def test_moving_the_window_later_holds_the_email_for_the_new_one(run_pass) -> None:
    person = UserFactory(window_weekday=0, window_start=time(9, 0), window_end=time(11, 0))
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        user_update_preferences(user=person, window_weekday=1)  # Tuesdays

    assert email_of(notice).deliver_at == MONDAY_9 + timedelta(days=1)
    assert run_pass(MONDAY_9) == DispatchResult(claimed=1)  # the in-app one only
    assert email_of(notice).state == DeliveryState.PENDING


def test_new_quiet_hours_hold_an_email_that_was_due(run_pass) -> None:
    person = UserFactory()
    with time_machine.travel(LATE, tick=False):
        notice = notice_for(person)
        user_update_preferences(user=person, quiet_hours_start=time(22), quiet_hours_end=time(7))

    assert email_of(notice).deliver_at == SEVEN


def test_ending_a_pause_early_releases_the_held_email(run_pass) -> None:
    person = UserFactory(paused_from=WED_10 - timedelta(days=1), paused_until=None)
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
    assert run_pass(WED_10) == DispatchResult(claimed=1)  # in-app only: the e-mail waits

    back = WED_10 + timedelta(hours=3)
    with time_machine.travel(back, tick=False):
        user_update_preferences(user=person, paused_until=back)

    assert run_pass(back + timedelta(seconds=30)) == DispatchResult(claimed=1)
    assert email_of(notice).sent_at == back + timedelta(seconds=30)


def test_a_notice_due_later_is_not_pulled_before_it_is_due(run_pass) -> None:
    person = night_owl()
    due = SEVEN + timedelta(hours=2)
    with time_machine.travel(LATE, tick=False):
        notice = notice_for(person, due_at=due)
        user_update_preferences(user=person, quiet_hours_start=None, quiet_hours_end=None)

    assert dict(notice.deliveries.values_list("channel", "deliver_at")) == {
        "in_app": due,
        "email": due,
    }


def test_an_email_waiting_for_a_retry_keeps_its_backoff(run_pass) -> None:
    person = UserFactory()
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
    refused = smtplib.SMTPServerDisconnected("try again")
    with mock.patch("apps.notifications.mail.send", side_effect=refused):
        run_pass(WED_10)
    retry_at = email_of(notice).deliver_at
    assert retry_at > WED_10

    with time_machine.travel(WED_10 + timedelta(seconds=10), tick=False):
        assert services.deliveries_reschedule(user=person) == 0
        user_update_preferences(user=person, quiet_hours_start=time(22), quiet_hours_end=time(7))

    assert email_of(notice).deliver_at == retry_at


def test_only_a_change_of_hours_reschedules(run_pass) -> None:
    person = night_owl()
    with time_machine.travel(LATE, tick=False):
        notice_for(person)
        with mock.patch(
            "apps.notifications.services.deliveries_reschedule",
            wraps=services.deliveries_reschedule,
        ) as reschedule:
            user_update_preferences(user=person, display_name="Lena", quiet_hours_end=time(7))
            user_update_preferences(user=person, quiet_hours_end=time(6))

    assert reschedule.call_count == 1


def test_quiet_hours_do_not_hide_the_inbox(run_pass) -> None:
    person = night_owl()
    with time_machine.travel(LATE, tick=False):
        notice = notice_for(person, title="Anna asks for your advice")

    run_pass(LATE + timedelta(seconds=30))

    with time_machine.travel(LATE + timedelta(minutes=1), tick=False):
        response = client_for(person).get("/api/v1/notices/")
        count = client_for(person).get("/api/v1/notices/unread-count/")
    assert [n["id"] for n in response.data["results"]] == [notice.pk]
    assert count.data == {"unread": 1}
    assert mail.outbox == []


def test_a_pause_does_not_hide_the_inbox_page(client, run_pass) -> None:
    person = UserFactory(paused_from=WED_10 - timedelta(days=1), paused_until=None)
    with time_machine.travel(WED_10, tick=False):
        notice_for(person, title="Feedback cycle is open")
    run_pass(WED_10 + timedelta(seconds=30))

    client.force_login(person)
    page = client.get("/inbox/")

    assert "Feedback cycle is open" in page.content.decode()
    assert mail.outbox == []
