"""The webhooks API and pages: the secret once, refusals naming the field, the log, the
buttons, German, and outsiders who learn nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.webhooks import services
from apps.webhooks.models import Endpoint, WebhookDelivery
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/tandem"


def api(pair: Pair) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/webhooks/"


def page(pair: Pair) -> str:
    return f"/t/{pair.tandem.pk}/webhooks/"


def test_the_api_shows_the_secret_only_in_the_answer_that_creates_it(pair: Pair) -> None:
    created = pair.leader_client.post(
        api(pair), {"url": URL, "events": ["decision.logged"], "format": "slack"}, format="json"
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert (body["format"], body["events"], body["enabled"]) == ("slack", ["decision.logged"], True)
    shown = pair.assistant_client.get(f"{api(pair)}{body['id']}/").json()
    assert "secret" not in shown and body["secret"] not in str(shown)
    listed = pair.leader_client.get(api(pair)).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]


@pytest.mark.parametrize(
    "url",
    ["https://10.0.0.1/hook", "https://169.254.169.254/latest/meta-data", "ftp://example.org/x"],
)
def test_the_api_refuses_an_address_it_will_never_send_to(pair: Pair, url: str) -> None:
    response = pair.leader_client.post(
        api(pair), {"url": url, "events": ["decision.logged"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert not Endpoint.objects.exists()


def test_the_api_refuses_an_unknown_event(pair: Pair) -> None:
    response = pair.leader_client.post(
        api(pair), {"url": URL, "events": ["decision.deleted"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["events"]


def test_the_log_the_test_and_redelivery_through_the_api(pair: Pair) -> None:
    endpoint, _secret = services.endpoint_create(
        membership=pair.leader_membership, url=URL, events=["decision.logged"]
    )
    tested = pair.assistant_client.post(f"{api(pair)}{endpoint.pk}/test/")
    assert tested.status_code == 202
    assert tested.json()["event_type"] == "webhook.test"
    assert tested.json()["state"] == "pending" and tested.json()["next_try"] is not None

    log = pair.leader_client.get(f"{api(pair)}{endpoint.pk}/deliveries/").json()
    assert [d["event_type"] for d in log["results"]] == ["webhook.test"]
    delivery_id = log["results"][0]["id"]
    again = pair.leader_client.post(f"{api(pair)}{endpoint.pk}/deliveries/{delivery_id}/redeliver/")
    assert again.status_code == 409  # still waiting for its first try
    WebhookDelivery.objects.filter(pk=delivery_id).update(state="failed")
    again = pair.leader_client.post(f"{api(pair)}{endpoint.pk}/deliveries/{delivery_id}/redeliver/")
    assert again.status_code == 202
    assert again.json()["state"] == "pending"


def test_switching_off_and_on_through_the_api(pair: Pair) -> None:
    endpoint, _secret = services.endpoint_create(
        membership=pair.leader_membership, url=URL, events=["decision.logged"]
    )
    Endpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=10, enabled=False)

    answer = pair.leader_client.patch(
        f"{api(pair)}{endpoint.pk}/", {"enabled": True}, format="json"
    )

    assert answer.status_code == 200
    assert (answer.json()["enabled"], answer.json()["failures_in_a_row"]) == (True, 0)


def test_another_tandems_webhook_is_not_found(pair: Pair, outsider_client: APIClient) -> None:
    endpoint, _secret = services.endpoint_create(
        membership=pair.leader_membership, url=URL, events=["decision.logged"]
    )
    for path in ("", f"{endpoint.pk}/", f"{endpoint.pk}/deliveries/"):
        assert outsider_client.get(api(pair) + path).status_code == 404
    assert outsider_client.post(f"{api(pair)}{endpoint.pk}/test/").status_code == 404
    assert not WebhookDelivery.objects.exists()


def test_the_page_adds_a_webhook_and_shows_its_secret_once(client: Client, pair: Pair) -> None:
    client.force_login(pair.assistant)
    assert client.get(page(pair)).status_code == 200

    added = client.post(
        page(pair),
        {"url": URL, "format": "teams", "events": ["decision.logged", "matrix.changed"]},
    )

    endpoint = Endpoint.objects.get()
    assert added.status_code == 302
    assert added.headers["Location"] == f"{page(pair)}{endpoint.pk}/"
    first = client.get(added.headers["Location"]).content.decode()
    secret = services.endpoint_secret(endpoint)
    assert secret in first
    assert secret not in client.get(added.headers["Location"]).content.decode()
    assert (endpoint.format, endpoint.events, endpoint.created_by_id) == (
        "teams",
        ["decision.logged", "matrix.changed"],
        pair.assistant.pk,
    )


def test_the_page_shows_a_refused_url_next_to_the_field(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)
    response = client.post(
        page(pair),
        {"url": "https://10.1.2.3/x", "format": "standard", "events": ["matrix.changed"]},
    )
    assert response.status_code == 400
    assert "private or reserved address" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_the_page_in_german_with_its_log_and_buttons(client: Client, pair: Pair) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    endpoint, _secret = services.endpoint_create(
        membership=pair.leader_membership, url=URL, events=["decision.logged"]
    )
    delivery = services.endpoint_send_test(
        membership=pair.leader_membership, endpoint_id=endpoint.pk
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state="failed",
        status_code=500,
        latency_ms=42,
        attempts=8,
        error="The endpoint answered 500.",
    )
    client.force_login(pair.leader)

    text = client.get(f"{page(pair)}{endpoint.pk}/").content.decode()

    for words in (
        "Zustellungen",
        "Testereignis senden",
        "Antwortcode",
        "42 ms",
        "Noch einmal senden",
    ):
        assert words in text
    redeliver = f"{page(pair)}{endpoint.pk}/deliveries/{delivery.pk}/redeliver/"
    assert f'action="{redeliver}"' in text
    assert client.post(redeliver).status_code == 302
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == "pending"

    assert client.post(f"{page(pair)}{endpoint.pk}/switch/").status_code == 302
    assert Endpoint.objects.get(pk=endpoint.pk).enabled is False
    assert client.post(f"{page(pair)}{endpoint.pk}/delete/").status_code == 302
    assert not Endpoint.objects.exists()


def test_another_tandems_webhook_page_is_not_found(
    client: Client, pair: Pair, other_pair: Pair
) -> None:
    endpoint, _secret = services.endpoint_create(
        membership=pair.leader_membership, url=URL, events=["decision.logged"]
    )
    client.force_login(other_pair.leader)
    assert client.get(page(pair)).status_code == 404
    assert client.get(f"{page(pair)}{endpoint.pk}/").status_code == 404
    own = f"/t/{other_pair.tandem.pk}/webhooks/{endpoint.pk}/"
    assert client.get(own).status_code == 404
    assert client.post(own + "delete/").status_code == 404
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
