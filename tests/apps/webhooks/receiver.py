"""A real HTTP receiver on loopback, in a thread: what a webhook endpoint gets, recorded.

Each request takes the next scripted answer ("ok", "500", "sleep:<seconds>",
"redirect:<url>", "big"); with the script used up it answers 200. With `tls` (a server-side
SSL context, e.g. from a trustme CA) it speaks HTTPS.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"


@contextmanager
def receiving(
    script: list[str] | None = None, *, tls: ssl.SSLContext | None = None
) -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            answer = receiver.next_answer()
            if answer.startswith("sleep:"):
                time.sleep(float(answer.split(":", 1)[1]))
                answer = "ok"
            if answer.startswith("redirect:"):
                self.send_response(302)
                self.send_header("Location", answer.split(":", 1)[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 500 if answer == "500" else 200
            payload = b"x" * 1_000_000 if answer == "big" else b"ok"
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading at its cap
                self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https" if tls is not None else "http"
    receiver = Receiver(url=f"{scheme}://127.0.0.1:{server.server_address[1]}/hook")
    receiver.script.extend(script or [])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
