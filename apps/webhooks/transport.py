"""One HTTP POST to a webhook endpoint, safe against server-side request forgery.

- Only `https` (and `http` while TANDEM_WEBHOOK_REQUIRE_HTTPS is off: DEBUG, tests).
- The host is resolved here, and every address it resolves to must be public (not private,
  loopback, link-local, shared, reserved or multicast) unless TANDEM_WEBHOOK_ALLOW_NETWORKS
  holds it or TANDEM_WEBHOOK_ALLOW_HOSTS names the host. The connection goes to the address
  that was checked (a second lookup could answer otherwise), with the host name kept for TLS
  and the `Host` header: the TLS handshake sends the name (SNI) and the certificate must be
  valid for that name, issued by a CA of TANDEM_WEBHOOK_CA_BUNDLE (a PEM file) or, without it,
  of the system's store.
- Redirects are never followed: a 3xx is a failed try (a redirect could point anywhere).
- Connect and read timeouts, an overall deadline, and at most TANDEM_WEBHOOK_MAX_RESPONSE_BYTES
  of the answer are read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_noop


class Refused(Exception):
    """The URL, or an address it resolves to, is not one Tandem sends to."""


class TransportError(Exception):
    """The request did not get an answer (connection refused, timeout, TLS, DNS)."""


@dataclass(frozen=True)
class Answer:
    status: int
    latency_ms: int


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def url_problem(url: str) -> str | None:
    """Why this URL can never be sent to (scheme, host, credentials), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return gettext_noop("The URL is not valid.")
    schemes = ("https",) if settings.TANDEM_WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in schemes:
        return gettext_noop("The URL must start with https://.")
    if not parts.hostname:
        return gettext_noop("The URL has no host.")
    if parts.username or parts.password:
        return gettext_noop("The URL must not contain a user name or password.")
    return None


def _allowed(address: IPAddress, host: str) -> bool:
    if host.lower() in {h.lower() for h in settings.TANDEM_WEBHOOK_ALLOW_HOSTS}:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for network in settings.TANDEM_WEBHOOK_ALLOW_NETWORKS:
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> IPAddress:
    """The address to connect to: refused unless every address of the host is allowed (a
    host answering with one public and one private address is refused as a whole)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransportError(f"The host {host} cannot be resolved.") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise TransportError(f"The host {host} cannot be resolved.")
    for address in addresses:
        if not _allowed(address, host):
            raise Refused(f"{host} resolves to {address}, a private or reserved address.")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, not to what a new lookup of the host would say."""

    def __init__(self, host: str, port: int, address: IPAddress) -> None:
        super().__init__(host, port, timeout=settings.TANDEM_WEBHOOK_CONNECT_TIMEOUT)
        self.address = address

    def _open(self) -> socket.socket:
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        sock.settimeout(settings.TANDEM_WEBHOOK_READ_TIMEOUT)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


def tls_context() -> ssl.SSLContext:
    """Certificates verified, host names checked, TLS 1.2 at least."""
    bundle = settings.TANDEM_WEBHOOK_CA_BUNDLE or None
    context = ssl.create_default_context(cafile=bundle)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def connect(self) -> None:
        sock = self._open()
        try:
            self.sock = tls_context().wrap_socket(sock, server_hostname=self.host)
        except ssl.SSLCertVerificationError as exc:
            sock.close()
            reason = str(exc.verify_message or exc.reason or exc).rstrip(".")
            if exc.verify_code == _HOSTNAME_MISMATCH:
                raise TransportError(
                    f"TLS: the certificate of the endpoint is not valid for {self.host} ({reason})."
                ) from exc
            raise TransportError(
                f"TLS: the certificate of {self.host} is not trusted ({reason})."
            ) from exc
        except ssl.SSLError as exc:
            sock.close()
            raise TransportError(f"TLS: the handshake with {self.host} failed ({exc}).") from exc


_HOSTNAME_MISMATCH = 62  # X509_V_ERR_HOSTNAME_MISMATCH


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url`; the answer's status, whatever it is (the caller judges it).

    Raises `Refused` for a URL or address Tandem does not send to, `TransportError` when
    there is no answer in time.
    """
    problem = url_problem(url)
    if problem:
        raise Refused(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(host, port)
    connection = (_PinnedHTTPS if https else _PinnedHTTP)(host, port, address)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    deadline = (
        started + settings.TANDEM_WEBHOOK_CONNECT_TIMEOUT + settings.TANDEM_WEBHOOK_READ_TIMEOUT
    )
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Tandem-Webhooks/1",
                **headers,
            },
        )
        response = connection.getresponse()
        cap, read = settings.TANDEM_WEBHOOK_MAX_RESPONSE_BYTES, 0
        while read < cap and time.monotonic() < deadline:
            chunk = response.read(min(8192, cap - read))
            if not chunk:
                break
            read += len(chunk)
        status = response.status
    except TransportError:
        raise
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}"[:300]) from exc
    finally:
        connection.close()
    return Answer(status=status, latency_ms=int((time.monotonic() - started) * 1000))
