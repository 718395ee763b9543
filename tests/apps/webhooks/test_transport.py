"""The HTTP client of webhooks against server-side request forgery: private, loopback and
link-local addresses are refused after resolving, redirects are not followed, answers are
read with timeouts and a size cap."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import override_settings

from apps.webhooks import transport
from tests.apps.webhooks.receiver import receiving

BODY = b'{"type":"webhook.test"}'


def post(url: str) -> transport.Answer:
    return transport.post(url, body=BODY, headers={})


def test_loopback_is_refused_unless_allow_listed() -> None:
    with receiving() as receiver:
        with pytest.raises(transport.Refused, match=r"127\.0\.0\.1"):
            post(receiver.url)
        with override_settings(TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"]):
            assert post(receiver.url).status == 200
        with override_settings(TANDEM_WEBHOOK_ALLOW_HOSTS=["127.0.0.1"]):
            assert post(receiver.url).status == 200
    assert len(receiver.received) == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://192.168.0.1/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
    ],
)
def test_private_reserved_and_link_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(transport.Refused):
        post(url)


def test_a_host_name_is_checked_after_it_is_resolved() -> None:
    with receiving() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        with pytest.raises(transport.Refused, match="localhost resolves to"):
            post(f"http://localhost:{port}/hook")
    assert receiver.received == []


def test_a_name_with_one_public_and_one_private_address_is_refused(monkeypatch: Any) -> None:
    def answers(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    with pytest.raises(transport.Refused, match=r"10\.0\.0\.5"):
        post("https://rebinding.example.org/hook")


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch: Any) -> None:
    """A second lookup (DNS rebinding) cannot redirect it: the client connects to the
    address resolved once and checked, keeping the name only for the Host header."""
    with receiving() as receiver, override_settings(TANDEM_WEBHOOK_ALLOW_HOSTS=["hooks.test"]):
        port = int(receiver.url.split(":")[2].split("/")[0])
        calls: list[str] = []

        def answers(host: str, port_: int, *args: Any, **kwargs: Any) -> list[Any]:
            calls.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port_))]

        monkeypatch.setattr(socket, "getaddrinfo", answers)
        assert post(f"http://hooks.test:{port}/hook").status == 200
    assert calls.count("hooks.test") == 1  # the name once; the connection is to the address
    assert set(calls) == {"hooks.test", "127.0.0.1"}
    assert receiver.received[0].headers["host"] == f"hooks.test:{port}"


def test_a_redirect_is_not_followed() -> None:
    with (
        receiving(["redirect:http://169.254.169.254/latest/meta-data/"]) as receiver,
        override_settings(TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"]),
    ):
        answer = post(receiver.url)
    assert answer.status == 302
    assert len(receiver.received) == 1


@override_settings(TANDEM_WEBHOOK_REQUIRE_HTTPS=True)
def test_plain_http_is_refused_where_https_is_required() -> None:
    with pytest.raises(transport.Refused, match="https"):
        post("http://hooks.example.org/x")


def test_a_slow_receiver_times_out() -> None:
    with (
        receiving(["sleep:2"]) as receiver,
        override_settings(
            TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"], TANDEM_WEBHOOK_READ_TIMEOUT=1
        ),
        pytest.raises(transport.TransportError, match="timed out"),
    ):
        post(receiver.url)


def test_nothing_listening_is_a_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        override_settings(TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"]),
        pytest.raises(transport.TransportError),
    ):
        post(f"http://127.0.0.1:{port}/hook")


def test_a_huge_answer_is_read_only_up_to_the_cap(monkeypatch: Any) -> None:
    read: list[int] = []
    original = transport.http.client.HTTPResponse.read

    def counting(self: Any, amt: int | None = None) -> bytes:
        chunk: bytes = original(self, amt)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(transport.http.client.HTTPResponse, "read", counting)
    with (
        receiving(["big"]) as receiver,
        override_settings(
            TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"],
            TANDEM_WEBHOOK_MAX_RESPONSE_BYTES=10_000,
        ),
    ):
        assert post(receiver.url).status == 200
    assert sum(read) == 10_000
