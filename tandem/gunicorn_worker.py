"""gunicorn's worker for Tandem: the errors gunicorn answers itself are JSON too.

gunicorn refuses a request it cannot read before Django sees it: a request line longer than
`limit_request_line` (414), more or larger headers than `limit_request_fields` /
`limit_request_field_size` (431), a malformed request line, method or header (400), and a
few more. Its answer is a small HTML page; the API promises its one error format for every
error (`apps.core.api.errors`). When gunicorn gives up, the path may not have been read at
all (a request line that is too long is never finished), so every such answer is the API's
format, `{"detail": "…"}` with `Content-Type: application/json`, whatever the path: a web
page never meets such a request from a browser in normal use.

The detail is in the site's default language (`LANGUAGE_CODE`): no header could be read
to choose another. The status line, the access log entry and the closing of the connection
stay gunicorn's own.

deploy/gunicorn.conf.py names it as `worker_class`, so docker-compose.yml, the Dockerfile and
the integration tests (devtools/processes.py) run it; by hand:
`gunicorn -k tandem.gunicorn_worker.JsonErrorWorker tandem.wsgi`.
tests/integration/test_gunicorn_errors.py sends each kind of bad request to a real gunicorn.
"""

from __future__ import annotations

import json
import re
import socket
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from gunicorn.workers.sync import SyncWorker

_STATUS_LINE = re.compile(rb"\AHTTP/1\.[01] (\d{3}) ([^\r\n]*)\r\n")

_DETAILS = {
    400: gettext_noop("The request is not valid HTTP."),
    403: gettext_noop("Permission denied."),
    414: gettext_noop("The request line (method, path and query) is too long."),
    417: gettext_noop("The server cannot meet the request's Expect header."),
    431: gettext_noop("The request's headers are too many or too large."),
    500: gettext_noop("Server error."),
    501: gettext_noop("The request's transfer coding is not supported."),
}


def json_error(status: int, reason: str) -> bytes:
    """The whole HTTP answer gunicorn sends for `status`, in the API's error format."""
    with translation.override(settings.LANGUAGE_CODE):
        detail = gettext(_DETAILS[status]) if status in _DETAILS else reason
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


class _JsonErrorSocket:
    """Stands in for the client's socket while gunicorn writes its error page: the page
    (`gunicorn.util.write_error`, one `sendall`) goes out as JSON with the same status.
    Anything it cannot read as a status line goes out as it was."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def sendall(self, data: bytes) -> None:
        match = _STATUS_LINE.match(data)
        if match is not None:
            status, reason = int(match.group(1)), match.group(2).decode("latin-1")
            data = json_error(status, reason)
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class JsonErrorWorker(SyncWorker):
    """gunicorn's default (sync) worker, answering its own errors in JSON."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        super().handle_error(req, _JsonErrorSocket(client), addr, exc)
