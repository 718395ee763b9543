"""Connecting Microsoft Teams in the browser, in English on a desktop: the webhooks settings
page, the endpoint's page with its delivery log after a test event delivered over real TLS
(a receiver on loopback standing in for Teams, with a certificate from a throw-away CA for
the Teams host name). Takes the screenshots docs/integrations.md shows."""

from __future__ import annotations

import json
import socket
import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme
from django.test import override_settings

from apps.webhooks import services, tasks
from apps.webhooks.models import Endpoint, WebhookDelivery, WebhookState
from tests.apps.webhooks.receiver import receiving
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "contoso.webhook.office.com"


def test_a_member_connects_microsoft_teams(  # type: ignore[no-untyped-def]
    new_page, pair: Pair, tmp_path: Path, monkeypatch: Any
) -> None:
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(server)
    real = socket.getaddrinfo

    def answers(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host == HOST:  # the Teams host is the receiver on loopback
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    connect = socket.create_connection
    port = 0

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        # Port 443 of the Teams host is the receiver's port (a test may not listen on 443).
        if address == ("127.0.0.1", 443):
            address = ("127.0.0.1", port)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    pair.leader.set_password(PASSWORD)
    pair.leader.save()
    page = new_page(width=1200, height=900)
    login(page, pair.leader.email)

    with (
        receiving(tls=server) as receiver,
        override_settings(
            TANDEM_WEBHOOK_REQUIRE_HTTPS=True,
            TANDEM_WEBHOOK_ALLOW_HOSTS=[HOST],
            TANDEM_WEBHOOK_CA_BUNDLE=str(bundle),
        ),
    ):
        port = int(receiver.url.split(":")[2].split("/")[0])
        url = f"https://{HOST}/webhookb2/3f1c0b2e-6a8d@72f988bf/IncomingWebhook/9c4e/1d2f"
        page.goto(f"/t/{pair.tandem.pk}/")
        page.get_by_role("link", name="Webhooks: Slack, Microsoft Teams, your own receiver").click()
        form = page.locator("main form").last
        form.get_by_label("URL:", exact=True).fill(url)
        form.get_by_label("Microsoft Teams incoming webhook").check()
        form.get_by_label("A decision was logged").check()
        form.get_by_label("A request was answered").check()
        form.get_by_label("The decision matrix changed").check()
        form.get_by_label("Description:", exact=True).fill("Teams: Leadership channel")
        form.get_by_label("Description:", exact=True).blur()
        screenshot(page, "webhooks-settings")
        with page.expect_navigation():
            form.get_by_role("button", name="Add the webhook").click()

        endpoint = Endpoint.objects.get()
        assert endpoint.format == "teams" and endpoint.url == url
        with page.expect_navigation():
            page.get_by_role("button", name="Send a test event").click()
        # What a worker does: the dispatch pass, then the delivery over TLS.
        services.dispatch()
        for pk, token in WebhookDelivery.objects.filter(state=WebhookState.CLAIMED).values_list(
            "pk", "claim_token"
        ):
            tasks.deliver.run(pk, str(token))
        page.reload()

    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert (delivery.state, delivery.status_code) == (WebhookState.SENT, 200)
    [got] = receiver.received
    message = json.loads(got.body)
    assert message["type"] == "message"
    assert message["attachments"][0]["content"]["type"] == "AdaptiveCard"
    log = page.locator("main").inner_text()
    assert "webhook.test" in log and "200" in log
    screenshot(page, "webhook-teams-log")
