"""Every error under /api/ is JSON, also those gunicorn answers before Django sees the request.

A real gunicorn, started as devtools/processes.py starts it (deploy/gunicorn.conf.py,
whose worker class is tandem/gunicorn_worker.py's), on a free loopback port with production
settings and a SQLite file of its own, gets requests that gunicorn refuses itself (a request
line or headers beyond its limits, bytes that are not HTTP) and requests that Django refuses
(a Host that is not allowed, a path that matches no route). Each answer under /api/ is the
API's error format with `Content-Type: application/json`; gunicorn's own answers are JSON
whatever the path, since it may not have read one.
"""

from __future__ import annotations

import json
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.processes import base_env, free_port, gunicorn, running, wait_for


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def send(port: int, raw: bytes) -> Answer:
    """`raw` as it is on a new connection; the answer read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunked(body)
    return Answer(int(status_line.split(" ")[1]), headers, body)


def _unchunked(body: bytes) -> bytes:
    data = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        data, body = data + body[:size], body[size + 2 :]
    return data


def get(port: int, target: str, *headers: str, host: str = "127.0.0.1") -> Answer:
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}", *headers, "Connection: close"]
    return send(port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder: Path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        # Nothing here reads the database; a file of its own, never the test database.
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        TANDEM_VAR_DIR=str(folder),
    )
    with running("web", gunicorn(port, workers=1), env, folder):
        wait_for(
            lambda: _answers(port), timeout=60, what=f"gunicorn on port {port} (log: {folder})"
        )
        yield port


def _answers(port: int) -> bool:
    try:
        return get(port, "/api/v1/no-such-thing/").status == 404
    except OSError:
        return False


def assert_api_error(answer: Answer, status: int) -> None:
    assert answer.status == status, answer.body[:300]
    assert answer.headers["content-type"] == "application/json", answer.headers
    body = answer.json()
    assert isinstance(body, dict) and isinstance(body.get("detail"), str), body
    assert body["detail"].strip()


# --- what gunicorn refuses itself -----------------------------------------------------------


def test_a_request_line_beyond_the_limit_is_a_json_414(port: int) -> None:
    answer = get(port, "/api/v1/tandems/?q=" + "a" * 5000)

    assert_api_error(answer, 414)
    assert answer.json() == {"detail": "The request line (method, path and query) is too long."}


def test_a_page_path_beyond_the_limit_is_json_too(port: int) -> None:
    """Documented: gunicorn gives up before it knows the path, so its answer is always JSON."""
    assert_api_error(get(port, "/accounts/login/?next=" + "a" * 5000), 414)


def test_a_header_beyond_the_limit_is_a_json_431(port: int) -> None:
    assert_api_error(get(port, "/api/v1/me/", "X-Large: " + "a" * 9000), 431)


def test_too_many_headers_are_a_json_431(port: int) -> None:
    headers = [f"X-Header-{n}: {n}" for n in range(120)]

    assert_api_error(get(port, "/api/v1/me/", *headers), 431)


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /api/v1/me/\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/v1/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n",
        b"GET /api/v1/me/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"G\x00T /api/v1/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    ],
    ids=["control-character-in-path", "space-in-header-name", "http-9.9", "nul-in-method"],
)
def test_a_request_that_is_not_http_is_a_json_400(port: int, raw: bytes) -> None:
    assert_api_error(send(port, raw), 400)


# --- what Django refuses --------------------------------------------------------------------


def test_a_host_that_is_not_allowed_is_a_json_400_under_the_api(port: int) -> None:
    assert_api_error(get(port, "/api/v1/me/", host="evil.example"), 400)


def test_a_host_that_is_not_allowed_is_a_page_elsewhere(port: int) -> None:
    answer = get(port, "/accounts/login/", host="evil.example")

    assert answer.status == 400
    assert answer.headers["content-type"].startswith("text/html")


def test_a_long_path_within_the_limit_reaches_django(port: int) -> None:
    assert_api_error(get(port, "/api/v1/" + "a" * 3000 + "/"), 404)
