"""Deliveries over real TLS to a receiver on loopback, with certificates from a throw-away CA
(trustme): the client connects to the address it checked, yet sends the host name (SNI) and
verifies the certificate for that name against TANDEM_WEBHOOK_CA_BUNDLE."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from django.test import override_settings

from apps.tandems.models import Membership, Role
from apps.webhooks import services, tasks, transport
from apps.webhooks.models import WebhookDelivery, WebhookState
from tests.apps.webhooks.receiver import Receiver, receiving
from tests.factories import TandemFactory

HOST = "hooks.test"
BODY = b'{"type":"webhook.test"}'


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca: trustme.CA, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    with override_settings(
        TANDEM_WEBHOOK_CA_BUNDLE=str(path),
        TANDEM_WEBHOOK_ALLOW_HOSTS=[HOST],
        TANDEM_WEBHOOK_CONNECT_TIMEOUT=2,
        TANDEM_WEBHOOK_READ_TIMEOUT=2,
    ):
        yield path


@pytest.fixture
def lookups(monkeypatch: Any) -> list[str]:
    """hooks.test resolves to loopback (as a company's DNS would answer); other names as
    usual. The list records every name looked up."""
    real = socket.getaddrinfo
    names: list[str] = []

    def answers(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        names.append(host)
        if host == HOST:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    return names


def server_context(issuer: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    issuer.issue_cert(*names).configure_cert(context)
    return context


def url_of(receiver: Receiver) -> str:
    port = int(receiver.url.split(":")[2].split("/")[0])
    return f"https://{HOST}:{port}/hook"


@pytest.mark.usefixtures("ca_bundle")
def test_a_certificate_for_the_name_from_the_trusted_ca_is_accepted(
    ca: trustme.CA, lookups: list[str]
) -> None:
    seen: list[str | None] = []
    context = server_context(ca, HOST)
    context.sni_callback = lambda sock, name, ctx: seen.append(name)  # type: ignore[assignment,misc]
    with receiving(tls=context) as receiver:
        answer = transport.post(url_of(receiver), body=BODY, headers={})
    assert answer.status == 200
    assert receiver.received[0].body == BODY
    assert receiver.received[0].headers["host"].startswith(f"{HOST}:")
    assert seen == [HOST]  # the name went out in the handshake (SNI) ...
    assert lookups.count(HOST) == 1  # ... while the connection went to the checked address


@pytest.mark.usefixtures("ca_bundle", "lookups")
def test_a_certificate_for_another_name_is_refused(ca: trustme.CA) -> None:
    with (
        receiving(tls=server_context(ca, "other.test")) as receiver,
        pytest.raises(transport.TransportError) as refused,
    ):
        transport.post(url_of(receiver), body=BODY, headers={})
    assert str(refused.value).startswith(
        f"TLS: the certificate of the endpoint is not valid for {HOST} ("
    )
    assert receiver.received == []


@pytest.mark.usefixtures("ca_bundle", "lookups")
def test_a_certificate_from_an_untrusted_ca_is_refused() -> None:
    stranger = trustme.CA()
    with (
        receiving(tls=server_context(stranger, HOST)) as receiver,
        pytest.raises(transport.TransportError) as refused,
    ):
        transport.post(url_of(receiver), body=BODY, headers={})
    assert str(refused.value).startswith(f"TLS: the certificate of {HOST} is not trusted (")
    assert receiver.received == []


@pytest.mark.usefixtures("lookups")
def test_without_the_bundle_the_system_store_does_not_trust_the_test_ca(ca: trustme.CA) -> None:
    with (
        override_settings(TANDEM_WEBHOOK_CA_BUNDLE="", TANDEM_WEBHOOK_ALLOW_HOSTS=[HOST]),
        receiving(tls=server_context(ca, HOST)) as receiver,
        pytest.raises(transport.TransportError, match="not trusted"),
    ):
        transport.post(url_of(receiver), body=BODY, headers={})


# --- through the delivery machinery: what the delivery log says ------------------------------


@pytest.fixture
def leader(db: None) -> Membership:
    return TandemFactory().memberships.get(role=Role.LEADER)


def deliver_test_event_to(leader: Membership, endpoint_id: int) -> WebhookDelivery:
    """A test event for the endpoint, dispatched and delivered here (a worker would)."""
    services.endpoint_send_test(membership=leader, endpoint_id=endpoint_id)
    services.dispatch()
    for pk, token in WebhookDelivery.objects.filter(
        state=WebhookState.CLAIMED, endpoint_id=endpoint_id
    ).values_list("pk", "claim_token"):
        tasks.deliver.run(pk, str(token))
    return WebhookDelivery.objects.get(endpoint_id=endpoint_id)


def deliver_test_event(leader: Membership, url: str) -> WebhookDelivery:
    endpoint, _ = services.endpoint_create(membership=leader, url=url, events=["decision.logged"])
    return deliver_test_event_to(leader, endpoint.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("ca_bundle", "lookups")
@pytest.mark.parametrize(
    ("names", "trusted", "error"),
    [
        ([HOST], True, ""),
        (["other.test"], True, f"TLS: the certificate of the endpoint is not valid for {HOST}"),
        ([HOST], False, f"TLS: the certificate of {HOST} is not trusted"),
    ],
)
def test_the_delivery_log_tells_why_a_tls_delivery_failed(
    ca: trustme.CA, leader: Membership, names: list[str], trusted: bool, error: str
) -> None:
    issuer = ca if trusted else trustme.CA()
    with receiving(tls=server_context(issuer, *names)) as receiver:
        delivery = deliver_test_event(leader, url_of(receiver))
    if not error:
        assert (delivery.state, delivery.status_code, delivery.error) == (
            WebhookState.SENT,
            200,
            "",
        )
        assert len(receiver.received) == 1
    else:
        assert delivery.state == WebhookState.PENDING  # retried later: a certificate can be fixed
        assert delivery.status_code is None
        assert delivery.error.startswith(error)
        assert receiver.received == []


@pytest.mark.django_db
@pytest.mark.usefixtures("lookups")
@override_settings(TANDEM_WEBHOOK_ALLOW_HOSTS=[HOST])
def test_where_https_is_required_an_http_endpoint_is_refused_at_delivery_too(
    leader: Membership,
) -> None:
    """An endpoint added while http:// was allowed (before the setting changed) is not sent
    to in production: the try fails for good, nothing leaves."""
    with receiving() as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        with override_settings(TANDEM_WEBHOOK_REQUIRE_HTTPS=False):
            endpoint, _ = services.endpoint_create(
                membership=leader, url=f"http://{HOST}:{port}/hook", events=["decision.logged"]
            )
        with override_settings(TANDEM_WEBHOOK_REQUIRE_HTTPS=True):
            delivery = deliver_test_event_to(leader, endpoint.pk)
    assert delivery.state == WebhookState.FAILED
    assert "https://" in delivery.error
    assert receiver.received == []
