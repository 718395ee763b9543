"""The delivery rules, one test each, at frozen times (UTC instants, Berlin people)."""

from __future__ import annotations

import re
import smtplib
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from apps.notifications import actions, services, tasks
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.services import DispatchResult, notify
from tests.factories import UserFactory
from tests.factories.notifications import notice_for

pytestmark = pytest.mark.django_db

# Wednesday 2026-03-04, 10:00 in Berlin (CET, UTC+1).
WED_10 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def states(notice: Notice) -> dict[str, str]:
    return dict(notice.deliveries.values_list("channel", "state"))


def mailed_notices() -> list[str]:
    return [m.extra_headers["X-Tandem-Notices"] for m in mail.outbox]


@pytest.fixture
def person():
    return UserFactory(timezone="Europe/Berlin")


def test_a_due_notice_is_delivered_once_in_app_and_by_email(person, pair, run_pass) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person, pair.tandem, title="Check-in tomorrow at 09:00")

    first = run_pass(WED_10)
    second = run_pass(WED_10 + timedelta(minutes=1))

    assert first == DispatchResult(claimed=2)
    assert second == DispatchResult()
    notice.refresh_from_db()
    assert notice.delivered_at == WED_10
    assert states(notice) == {"in_app": "sent", "email": "sent"}
    assert mailed_notices() == [str(notice.pk)]
    message = mail.outbox[0]
    assert (message.to, message.subject) == ([person.email], "Check-in tomorrow at 09:00")
    assert message.alternatives[0][1] == "text/html"


def test_email_is_rendered_in_the_recipients_language(run_pass) -> None:
    person = UserFactory(language="de", display_name="Lena")
    with time_machine.travel(WED_10, tick=False):
        notice_for(person, title="Check-in morgen um 09:00", body="Drei Punkte auf der Agenda.")

    run_pass(WED_10)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject == "Check-in morgen um 09:00"
    assert "Drei Punkte auf der Agenda." in message.body
    assert '<html lang="de">' in html


def test_notify_is_idempotent_on_recipient_and_key(person, pair) -> None:
    first = notify(recipient=person, tandem=pair.tandem, kind="consult", key="c:1", title="A")
    again = notify(recipient=person, tandem=None, kind="other", key="c:1", title="B")
    other_person = notify(recipient=pair.leader, tandem=None, kind="consult", key="c:1", title="C")

    assert again.pk == first.pk
    assert (again.title, again.kind) == ("A", "consult")
    assert other_person.pk != first.pk
    assert Notice.objects.filter(recipient=person).count() == 1
    assert Delivery.objects.filter(notice=first).count() == 2


def test_notify_enqueues_nothing_so_it_works_with_the_broker_down(
    person, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        notice_for(person)
    assert callbacks == []


def test_notify_refuses_naive_datetimes(person) -> None:
    with pytest.raises(ValueError, match="due_at"):
        notice_for(person, due_at=datetime(2026, 3, 4, 9, 0))


def email_sent_at(notice: Notice) -> datetime | None:
    return notice.deliveries.get(channel=Channel.EMAIL).sent_at


def test_quiet_hours_hold_the_email_not_the_inbox(run_pass) -> None:
    person = UserFactory(quiet_hours_start=time(22, 0), quiet_hours_end=time(7, 0))
    late = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    with time_machine.travel(late, tick=False):
        notice = notice_for(person)

    assert run_pass(late) == DispatchResult(claimed=1)
    notice.refresh_from_db()
    assert (notice.delivered_at, states(notice), mail.outbox) == (
        late,
        {"in_app": "sent", "email": "pending"},
        [],
    )
    assert run_pass(datetime(2026, 3, 5, 5, 59, tzinfo=UTC)) == DispatchResult()
    seven = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert run_pass(seven) == DispatchResult(claimed=1)
    assert (email_sent_at(notice), mailed_notices()) == (seven, [str(notice.pk)])


def test_quiet_hours_across_the_spring_dst_change_in_berlin(run_pass) -> None:
    person = UserFactory(quiet_hours_start=time(22, 0), quiet_hours_end=time(7, 0))
    saturday_night = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # 23:00 CET
    with time_machine.travel(saturday_night, tick=False):
        notice = notice_for(person)

    seven_cest = datetime(2026, 3, 29, 5, 0, tzinfo=UTC)
    assert dict(notice.deliveries.values_list("channel", "deliver_at")) == {
        "in_app": saturday_night,
        "email": seven_cest,
    }
    assert run_pass(seven_cest - timedelta(seconds=1)) == DispatchResult(claimed=1)
    assert run_pass(seven_cest) == DispatchResult(claimed=1)
    assert email_sent_at(notice) == seven_cest


def test_non_urgent_email_waits_for_the_communication_window(run_pass) -> None:
    person = UserFactory(window_weekday=0, window_start=time(9, 0), window_end=time(11, 0))
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)

    monday_9 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert run_pass(WED_10) == DispatchResult(claimed=1)
    assert states(notice) == {"in_app": "sent", "email": "pending"}
    assert run_pass(monday_9 - timedelta(minutes=1)) == DispatchResult()
    assert run_pass(monday_9) == DispatchResult(claimed=1)
    notice.refresh_from_db()
    assert (notice.delivered_at, email_sent_at(notice)) == (WED_10, monday_9)


def test_urgent_notice_ignores_the_window_but_not_quiet_hours(run_pass) -> None:
    person = UserFactory(
        window_weekday=0,
        window_start=time(9, 0),
        window_end=time(11, 0),
        quiet_hours_start=time(22, 0),
        quiet_hours_end=time(7, 0),
    )
    with time_machine.travel(WED_10, tick=False):
        urgent = notice_for(person, urgent=True)

    assert run_pass(WED_10) == DispatchResult(claimed=2)
    urgent.refresh_from_db()
    assert urgent.delivered_at == WED_10


def test_pause_holds_the_email_and_it_is_sent_after_the_pause(run_pass) -> None:
    back = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Berlin
    person = UserFactory(paused_from=WED_10 - timedelta(days=1), paused_until=back)
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person, urgent=True)

    assert run_pass(WED_10) == DispatchResult(claimed=1)
    assert run_pass(back - timedelta(minutes=1)) == DispatchResult()
    assert states(notice) == {"in_app": "sent", "email": "pending"}
    assert run_pass(back) == DispatchResult(claimed=1)
    notice.refresh_from_db()
    assert (notice.delivered_at, email_sent_at(notice)) == (WED_10, back)


def test_a_pause_ending_in_quiet_hours_sends_the_email_when_they_end(run_pass) -> None:
    back = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 03:00 in Berlin, quiet until 07:00
    person = UserFactory(
        paused_from=WED_10 - timedelta(days=1),
        paused_until=back,
        quiet_hours_start=time(22, 0),
        quiet_hours_end=time(7, 0),
    )
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)

    assert run_pass(WED_10) == DispatchResult(claimed=1)
    assert run_pass(back) == DispatchResult(rescheduled=1)
    seven = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    assert run_pass(seven) == DispatchResult(claimed=1)
    assert email_sent_at(notice) == seven


def test_an_email_that_expires_during_the_pause_is_dropped(run_pass) -> None:
    person = UserFactory(paused_from=WED_10 - timedelta(days=1), paused_until=None)
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person, expires_at=WED_10 + timedelta(hours=2))

    assert run_pass(WED_10 + timedelta(hours=1)) == DispatchResult(claimed=1)
    assert run_pass(WED_10 + timedelta(hours=2)) == DispatchResult(expired=1)
    notice.refresh_from_db()
    assert (notice.delivered_at, states(notice), mail.outbox) == (
        WED_10 + timedelta(hours=1),
        {"in_app": "sent", "email": "expired"},
        [],
    )


def test_more_notices_than_the_threshold_go_as_one_digest(person, run_pass) -> None:
    with time_machine.travel(WED_10, tick=False):
        notices = [notice_for(person, title=f"Notice {n}") for n in range(4)]

    assert run_pass(WED_10) == DispatchResult(claimed=8, digests=1)

    assert mailed_notices() == [",".join(str(n.pk) for n in notices)]
    assert mail.outbox[0].subject == "4 new notices in Tandem"
    assert all(f"Notice {n}" in mail.outbox[0].body for n in range(4))
    assert Notice.objects.filter(delivered_at=WED_10).count() == 4
    assert set(Delivery.objects.filter(channel="email").values_list("state", "in_digest")) == {
        ("sent", True)
    }


def test_up_to_the_threshold_each_notice_is_its_own_email(person, run_pass) -> None:
    with time_machine.travel(WED_10, tick=False):
        notices = [notice_for(person) for _ in range(3)]

    assert run_pass(WED_10) == DispatchResult(claimed=6)
    assert sorted(mailed_notices()) == sorted(str(n.pk) for n in notices)


def test_the_digest_follows_the_persons_threshold_and_switch(person, run_pass) -> None:
    services.notification_preferences_update(user=person, digest_enabled=False)
    with time_machine.travel(WED_10, tick=False):
        for _ in range(5):
            notice_for(person)
    assert run_pass(WED_10) == DispatchResult(claimed=10)
    assert len(mail.outbox) == 5


def test_email_off_means_in_app_only(person, run_pass) -> None:
    services.notification_preferences_update(user=person, email_enabled=False)
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)

    assert run_pass(WED_10) == DispatchResult(skipped=1, claimed=1)
    notice.refresh_from_db()
    assert (notice.delivered_at, states(notice), mail.outbox) == (
        WED_10,
        {"in_app": "sent", "email": "skipped"},
        [],
    )


def test_deliveries_are_enqueued_only_after_the_claim_commits(
    person, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            transaction.atomic(),
        ):
            services.dispatch()

    held = {d.channel: d for d in notice.deliveries.all()}
    assert {d.state for d in held.values()} == {"claimed"}
    with mock.patch.object(tasks.deliver, "delay") as delay:
        for callback in callbacks:  # what the commit runs
            callback()
    assert delay.call_args_list == [
        mock.call(held["in_app"].pk, str(held["in_app"].claim_token)),
        mock.call(held["email"].pk, str(held["email"].claim_token)),
    ]


def test_an_unreachable_broker_gives_the_claimed_deliveries_back_at_once(
    person, django_capture_on_commit_callbacks
) -> None:
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        with (
            mock.patch.object(tasks.deliver, "delay", side_effect=refused) as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            result = services.dispatch()  # does not raise
        assert (result.claimed, delay.call_count) == (2, 1)
        assert set(notice.deliveries.values_list("state", "claim_token", "attempts")) == {
            ("pending", None, 0)
        }
        with django_capture_on_commit_callbacks() as callbacks:
            assert services.dispatch() == DispatchResult(claimed=2)  # no lease to wait for
    assert len(callbacks) == 1


def test_two_dispatch_passes_before_the_workers_run_deliver_once(
    person, eager, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        with django_capture_on_commit_callbacks() as first:
            assert services.dispatch().claimed == 2
        with django_capture_on_commit_callbacks() as second:
            assert services.dispatch() == DispatchResult()
        for callback in first:  # each task runs twice, as a redelivered message would
            callback()
            callback()

    assert second == []
    notice.refresh_from_db()
    assert notice.delivered_at == WED_10
    assert len(mail.outbox) == 1
    assert set(notice.deliveries.values_list("state", "attempts")) == {("sent", 1)}


def test_deliver_task_run_twice_has_one_effect(person, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        with django_capture_on_commit_callbacks():
            services.dispatch()
        for delivery in notice.deliveries.all():
            token = str(delivery.claim_token)
            assert services.delivery_send(delivery_id=delivery.pk, token=token) is True
            assert services.delivery_send(delivery_id=delivery.pk, token=token) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("people", [2, 6])
def test_a_chunk_of_emails_costs_four_queries_and_each_carries_its_own_links(
    people, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    persons = [UserFactory(language="de" if n % 2 else "en") for n in range(people)]
    with time_machine.travel(WED_10, tick=False):
        notices = [notice_for(p, kind="decision.request") for p in persons]
        with django_capture_on_commit_callbacks():  # claimed; the tasks do not run
            services.dispatch()
        emails = list(Delivery.objects.filter(channel=Channel.EMAIL).order_by("pk"))
        token = str(emails[0].claim_token)

        # Read the chunk, move it to sending, read the used links, mark it sent.
        with django_assert_num_queries(4):
            delivered = services.deliveries_send(delivery_ids=[d.pk for d in emails], token=token)

        # Each e-mail carries its own notice's links (read while they are fresh), labelled
        # in its person's language.
        for message, person, notice in zip(mail.outbox, persons, notices, strict=True):
            links = re.findall(r"^(.+): https?://[^/\s]+/e/([^\s]+)/$", message.body, re.M)
            german = person.language == "de"
            labels = (
                ["Zustimmen", "Rat geben", "Ablehnen"]
                if german
                else ["Approve", "Advise", "Reject"]
            )
            assert [label for label, _token in links] == labels
            assert {actions.read(link).notice.pk for _label, link in links} == {notice.pk}

    assert delivered == people
    assert mailed_notices() == [str(n.pk) for n in notices]


def test_a_backlog_goes_out_as_one_in_app_task_and_email_chunks(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.NOTIFICATIONS_DELIVERY_CHUNK = 2
    with time_machine.travel(WED_10, tick=False):
        notices = [notice_for(UserFactory()) for _ in range(3)]
        with (
            mock.patch.object(tasks.deliver_in_app, "delay") as in_app,
            mock.patch.object(tasks.deliver_many, "delay") as many,
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.dispatch()

    deliveries = Delivery.objects.filter(notice__in=notices).order_by("notice_id")
    token = str(deliveries[0].claim_token)
    in_app_ids = [d.pk for d in deliveries if d.channel == Channel.IN_APP]
    email_ids = [d.pk for d in deliveries if d.channel == Channel.EMAIL]
    assert in_app.call_args_list == [mock.call(in_app_ids, token)]
    assert many.call_args_list == [mock.call(email_ids[:2], token), mock.call(email_ids[2:], token)]


@pytest.mark.parametrize("people", [2, 6])
def test_in_app_deliveries_of_a_backlog_reach_the_inbox_once_and_expired_ones_are_dropped(
    people, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    with time_machine.travel(WED_10, tick=False):
        soon = notice_for(UserFactory(), expires_at=WED_10 + timedelta(minutes=5))
        notices = [notice_for(UserFactory()) for _ in range(people)]
        with django_capture_on_commit_callbacks():  # claimed; the tasks do not run
            services.dispatch()
    in_app = list(Delivery.objects.filter(channel=Channel.IN_APP).order_by("pk"))
    token = str(in_app[0].claim_token)
    later = WED_10 + timedelta(minutes=10)

    with time_machine.travel(later, tick=False):
        # Read the rows, drop the expired, lock, move to sent, into the inbox (+ a savepoint).
        with django_assert_num_queries(7):
            first = services.in_app_deliveries_send(
                delivery_ids=[d.pk for d in in_app], token=token
            )
        again = services.in_app_deliveries_send(delivery_ids=[d.pk for d in in_app], token=token)

    assert (first, again) == (people, 0)
    assert states(soon) == {"in_app": "expired", "email": "claimed"}
    for notice in notices:
        notice.refresh_from_db()
        assert (notice.delivered_at, states(notice)) == (
            later,
            {"in_app": "sent", "email": "claimed"},
        )
    assert mail.outbox == []


def test_an_expired_lease_is_swept_and_the_delivery_claimed_again(
    person, eager, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        with django_capture_on_commit_callbacks():  # claimed, but the worker never runs it
            services.dispatch()
    stale = {d.channel: str(d.claim_token) for d in notice.deliveries.all()}

    later = WED_10 + services.lease_duration() + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.dispatch()
        in_app = notice.deliveries.get(channel="in_app")
        assert services.delivery_send(delivery_id=in_app.pk, token=stale["in_app"]) is False

    assert result == DispatchResult(released=2, claimed=2)
    notice.refresh_from_db()
    assert notice.delivered_at == later
    assert len(mail.outbox) == 1
    assert set(notice.deliveries.values_list("state", "suspected_duplicates")) == {("sent", 0)}


def test_a_lease_expiring_while_sending_is_counted_as_possibly_duplicated(person, run_pass) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
    # The worker moved the e-mail to `sending` and died inside the SMTP call.
    Delivery.objects.filter(notice=notice, channel="email").update(
        state=DeliveryState.SENDING, claimed_until=WED_10 + timedelta(minutes=10), attempts=1
    )
    Delivery.objects.filter(notice=notice, channel="in_app").update(
        state=DeliveryState.CLAIMED, claimed_until=WED_10 + timedelta(minutes=10)
    )

    result = run_pass(WED_10 + timedelta(minutes=11))

    assert result == DispatchResult(released=2, suspected_duplicates=1, claimed=2)
    email = notice.deliveries.get(channel=Channel.EMAIL)
    assert (email.state, email.attempts, email.suspected_duplicates) == ("sent", 2, 1)
    assert len(mail.outbox) == 1


class FlakyBackend:
    """An e-mail backend whose server refuses the first `failures` messages."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("connection lost")

    def __init__(self, **kwargs: object) -> None:
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(**kwargs)

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        return self.inner.send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("connection lost")


def test_a_failed_send_is_retried_later_not_lost(person, run_pass, flaky) -> None:
    flaky.failures = 1
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)

    run_pass(WED_10)
    email = notice.deliveries.get(channel=Channel.EMAIL)
    assert (email.state, email.attempts, email.deliver_at, mail.outbox) == (
        "pending",
        1,
        WED_10 + timedelta(seconds=60),
        [],
    )
    assert "connection lost" in email.last_error

    assert run_pass(WED_10 + timedelta(seconds=59)) == DispatchResult()
    assert run_pass(WED_10 + timedelta(seconds=60)) == DispatchResult(claimed=1)
    email.refresh_from_db()
    assert (email.state, email.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_permanent_failure_is_recorded_and_not_retried(person, run_pass, flaky) -> None:
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({person.email: (550, b"no such user")})
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)

    run_pass(WED_10)
    assert run_pass(WED_10 + timedelta(days=1)) == DispatchResult()
    email = notice.deliveries.get(channel=Channel.EMAIL)
    assert (email.state, email.attempts, mail.outbox) == ("failed", 1, [])
    assert email.last_error.startswith("SMTPRecipientsRefused")


def test_transient_failures_give_up_after_the_last_attempt(person, run_pass, flaky) -> None:
    flaky.failures = 100
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)

    at = WED_10
    for _ in range(services.max_attempts()):
        run_pass(at)
        at += timedelta(hours=7)  # past the longest backoff
    email = notice.deliveries.get(channel=Channel.EMAIL)
    assert (email.state, email.attempts) == ("failed", services.max_attempts())
    assert run_pass(at) == DispatchResult()


def test_task_names_are_pinned() -> None:
    assert (
        tasks.dispatch.name,
        tasks.deliver.name,
        tasks.deliver_digest.name,
        tasks.deliver_many.name,
        tasks.deliver_in_app.name,
    ) == (
        "notifications.dispatch",
        "notifications.deliver",
        "notifications.deliver_digest",
        "notifications.deliver_many",
        "notifications.deliver_in_app",
    )


def test_the_dispatcher_is_the_one_beat_entry_of_notifications() -> None:
    from tandem.celery import app

    entries = {k: v for k, v in app.conf.beat_schedule.items() if k.startswith("notifications")}
    assert list(entries) == ["notifications.dispatch"]
    entry = entries["notifications.dispatch"]
    assert entry["task"] == "notifications.dispatch"
    assert entry["options"]["expires"] < entry["schedule"]


def test_dispatch_task_runs_the_service(person, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(WED_10, tick=False):
        notice = notice_for(person)
        with django_capture_on_commit_callbacks() as callbacks:
            tasks.dispatch.run()
    assert len(callbacks) == 1  # publishes both deliveries after the commit
    assert set(notice.deliveries.values_list("state", flat=True)) == {"claimed"}
