"""Webhooks end to end in one process: endpoints, events, signed deliveries to a real HTTP
receiver on loopback, retries, switching off, redelivery, the Slack and Teams presets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from apps.core.errors import Conflict, DomainError
from apps.notifications.models import Notice
from apps.tandems.models import Membership, Role
from apps.webhooks import sealing, services, tasks
from apps.webhooks.models import Endpoint, WebhookDelivery, WebhookState
from tests.apps.webhooks.receiver import Receiver, receiving
from tests.factories import TandemFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("loopback_allowed"),
]


@pytest.fixture
def loopback_allowed() -> Iterator[None]:
    with override_settings(
        TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"],
        TANDEM_WEBHOOK_READ_TIMEOUT=1,
        TANDEM_WEBHOOK_CONNECT_TIMEOUT=1,
    ):
        yield


@pytest.fixture
def leader() -> Membership:
    return TandemFactory().memberships.get(role=Role.LEADER)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def add(leader: Membership, url: str, **values: object) -> tuple[Endpoint, str]:
    values.setdefault("events", ["decision.logged", "matrix.changed"])
    return services.endpoint_create(membership=leader, url=url, **values)  # type: ignore[arg-type]


def emit(leader: Membership, event_type: str = "decision.logged", title: str = "Vendor") -> int:
    data = {"tandem": {"id": leader.tandem_id, "name": "T"}, "subject": {"title": title}}
    return services.event_emit(tandem=leader.tandem, event_type=event_type, data=data)


def deliver_due(now: object = None) -> services.DispatchResult:
    """One dispatch pass and the tasks it hands out, run here (a worker would run them)."""
    result = services.dispatch(now=now)  # type: ignore[arg-type]
    held = WebhookDelivery.objects.filter(state=WebhookState.CLAIMED)
    for pk, token in held.values_list("pk", "claim_token"):
        tasks.deliver.run(pk, str(token))
    return result


def test_the_secret_is_shown_once_and_stored_sealed(leader: Membership) -> None:
    endpoint, secret = add(leader, "https://hooks.example.org/x")

    assert secret.startswith("whsec_")
    stored = Endpoint.objects.get(pk=endpoint.pk).secret_sealed
    assert secret not in stored and secret.removeprefix("whsec_") not in stored
    assert sealing.unseal(stored) == secret


def test_a_delivery_is_signed_as_standard_webhooks_says(
    leader: Membership, receiver: Receiver
) -> None:
    _endpoint, secret = add(leader, receiver.url)
    assert emit(leader) == 1

    result = deliver_due()

    assert result.claimed == 1
    [got] = receiver.received
    # The reference implementation (PyPI `standardwebhooks`) accepts it: id, timestamp, HMAC.
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "decision.logged" and payload["version"] == 1
    assert payload["data"]["subject"]["title"] == "Vendor"
    delivery = WebhookDelivery.objects.get()
    assert got.headers["webhook-id"] == delivery.event_id
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("sent", 1, 200)
    assert delivery.latency_ms is not None
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(secret).verify(got.body + b" ", got.headers)


def test_an_event_nobody_subscribed_to_records_nothing(leader: Membership) -> None:
    add(leader, "https://hooks.example.org/x", events=["matrix.changed"])

    assert emit(leader, "decision.logged") == 0
    assert not WebhookDelivery.objects.exists()


def test_an_event_of_a_rolled_back_change_is_never_sent(leader: Membership) -> None:
    add(leader, "https://hooks.example.org/x")
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(leader)
        raise RuntimeError("the change fails")
    assert not WebhookDelivery.objects.exists()


def test_the_dispatch_pass_is_enqueued_only_after_the_commit(
    leader: Membership, django_capture_on_commit_callbacks
) -> None:
    add(leader, "https://hooks.example.org/x")
    with django_capture_on_commit_callbacks() as callbacks:
        emit(leader)
        assert WebhookDelivery.objects.get().state == "pending"
    assert len(callbacks) == 1


def test_a_500_is_retried_later_with_the_same_id(leader: Membership, receiver: Receiver) -> None:
    endpoint, secret = add(leader, receiver.url)
    receiver.script.append("500")
    emit(leader)

    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, 500)
    # Backoff with jitter: 30 s ± 20 %.
    wait = delivery.deliver_at - timezone.now()
    assert timedelta(seconds=20) < wait <= timedelta(seconds=36)
    assert deliver_due().claimed == 0  # not due yet

    deliver_due(now=timezone.now() + timedelta(minutes=1))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("sent", 2, 200)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    assert Webhook(secret).verify(second.body, second.headers)["type"] == "decision.logged"
    assert Endpoint.objects.get(pk=endpoint.pk).failures_in_a_row == 0


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    leader: Membership, receiver: Receiver
) -> None:
    add(leader, receiver.url)
    receiver.script.append("sleep:2.5")  # the read timeout is 1 s here
    emit(leader)

    deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, None)
    assert "timed out" in delivery.error
    deliver_due(now=timezone.now() + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.state == "sent"


@override_settings(TANDEM_WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_fails_for_good_after_its_last_try(
    leader: Membership, receiver: Receiver
) -> None:
    add(leader, receiver.url)
    receiver.script.extend(["500", "500", "500"])
    emit(leader)
    deliver_due()
    deliver_due(now=timezone.now() + timedelta(minutes=5))
    deliver_due(now=timezone.now() + timedelta(hours=1))

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert len(receiver.received) == 2


@override_settings(TANDEM_WEBHOOK_DISABLE_AFTER=3)
def test_failures_in_a_row_switch_the_endpoint_off_and_tell_its_creator(
    leader: Membership, receiver: Receiver
) -> None:
    endpoint, _secret = add(leader, receiver.url)
    receiver.script.extend(["500"] * 5)
    for title in ("a", "b", "c"):
        emit(leader, title=title)

    deliver_due()

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.failures_in_a_row) == (False, 3)
    [notice] = Notice.objects.filter(kind="webhook.disabled")
    assert notice.recipient_id == leader.user_id
    assert endpoint.url in notice.body
    # What is still due for it is not sent; the creator switches it on again.
    deliver_due(now=timezone.now() + timedelta(hours=1))
    assert len(receiver.received) == 3
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"skipped"}
    services.endpoint_update(membership=leader, endpoint_id=endpoint.pk, enabled=True)
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.failures_in_a_row) == (True, 0)


def test_a_success_resets_the_count_of_failures(leader: Membership, receiver: Receiver) -> None:
    endpoint, _secret = add(leader, receiver.url)
    receiver.script.append("500")
    emit(leader, title="a")
    deliver_due()
    assert Endpoint.objects.get(pk=endpoint.pk).failures_in_a_row == 1
    emit(leader, title="b")
    deliver_due()
    assert Endpoint.objects.get(pk=endpoint.pk).failures_in_a_row == 0


def test_a_test_event_goes_out_also_while_the_endpoint_is_off(
    leader: Membership, receiver: Receiver
) -> None:
    endpoint, secret = add(leader, receiver.url)
    services.endpoint_update(membership=leader, endpoint_id=endpoint.pk, enabled=False)

    services.endpoint_send_test(membership=leader, endpoint_id=endpoint.pk)
    deliver_due()

    [got] = receiver.received
    assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"


def test_redelivery_sends_the_same_event_again(leader: Membership, receiver: Receiver) -> None:
    endpoint, _secret = add(leader, receiver.url)
    emit(leader)
    deliver_due()
    delivery = WebhookDelivery.objects.get()

    again = services.delivery_redeliver(
        membership=leader, endpoint_id=endpoint.pk, delivery_id=delivery.pk
    )
    assert (again.state, again.attempts) == ("pending", 0)
    with pytest.raises(Conflict):  # still on its way
        services.delivery_redeliver(
            membership=leader, endpoint_id=endpoint.pk, delivery_id=delivery.pk
        )
    deliver_due()

    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_running_a_delivery_task_twice_sends_once(leader: Membership, receiver: Receiver) -> None:
    add(leader, receiver.url)
    emit(leader)
    services.dispatch()
    pk, token = WebhookDelivery.objects.values_list("pk", "claim_token").get()

    tasks.deliver.run(pk, str(token))
    tasks.deliver.run(pk, str(token))

    assert len(receiver.received) == 1


def test_a_keyed_event_is_recorded_once(leader: Membership) -> None:
    add(leader, "https://hooks.example.org/x", events=["checkin.reminder"])
    data = {"tandem": {"id": 1, "name": "T"}, "subject": {"title": "Weekly"}}
    for _ in range(3):
        services.event_emit(
            tandem=leader.tandem, event_type="checkin.reminder", data=data, key="checkin:1:r"
        )
    assert WebhookDelivery.objects.count() == 1


def test_the_slack_preset_writes_a_message_in_the_creators_language(
    leader: Membership, receiver: Receiver
) -> None:
    leader.user.language = "de"
    leader.user.save(update_fields=["language"])
    add(leader, receiver.url, format="slack")
    emit(leader, title="Neuer Lieferant")
    deliver_due()

    message = json.loads(receiver.received[0].body)
    assert message["text"] == "T: Eine Entscheidung wurde festgehalten: Neuer Lieferant"
    assert message["blocks"][0]["type"] == "section"


def test_the_teams_preset_sends_an_adaptive_card(leader: Membership, receiver: Receiver) -> None:
    add(leader, receiver.url, format="teams")
    emit(leader, title="New vendor")
    deliver_due()

    message = json.loads(receiver.received[0].body)
    [attachment] = message["attachments"]
    assert message["type"] == "message"
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert [block["text"] for block in card["body"]] == ["A decision was logged", "T", "New vendor"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("ftp://hooks.example.org/x", "url"),
        ("https://user:pw@hooks.example.org/x", "url"),
        ("https://10.0.0.7/hook", "url"),
        ("https://169.254.169.254/latest/meta-data", "url"),
        ("https://[::1]/hook", "url"),
    ],
)
def test_an_endpoint_that_can_never_be_sent_to_is_refused(
    leader: Membership, url: str, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        add(leader, url)
    assert refused.value.field == field


@override_settings(TANDEM_WEBHOOK_REQUIRE_HTTPS=True)
def test_production_insists_on_https(leader: Membership) -> None:
    with pytest.raises(DomainError, match="https"):
        add(leader, "http://hooks.example.org/x")


def test_unknown_or_no_events_are_refused(leader: Membership) -> None:
    for events in ([], ["decision.deleted"]):
        with pytest.raises(DomainError) as refused:
            add(leader, "https://hooks.example.org/x", events=events)
        assert refused.value.field == "events"


def test_task_names_are_pinned() -> None:
    assert (tasks.dispatch.name, tasks.deliver.name) == ("webhooks.dispatch", "webhooks.deliver")


def test_the_dispatcher_is_in_the_beat_schedule() -> None:
    from tandem.celery import app

    entry = app.conf.beat_schedule["webhooks.dispatch"]
    assert entry["task"] == "webhooks.dispatch"
    assert entry["options"]["expires"] < entry["schedule"]
