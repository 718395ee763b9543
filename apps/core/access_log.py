"""gunicorn's access log without the secrets that travel in URLs (apps/core/redaction.py).

deploy/gunicorn.conf.py sets `logger_class` to `RedactingLogger`: docker-compose.yml, the
Dockerfile and the integration tests all start gunicorn with that file.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from apps.core.redaction import REDACTED, redact_path, redact_query, redact_uri

# Atoms (gunicorn's names for the fields of `access_log_format`) that carry a URL, by kind.
_REQUEST_LINE = ("r",)
_PATHS = ("U", "{path_info}e")
_QUERIES = ("q", "{query_string}e")
_URIS = ("f", "{raw_uri}e", "{referer}i", "{http_referer}e")
# Credentials in headers: the default format logs none of them; a custom one must not either.
_CREDENTIALS = (
    "{authorization}i",
    "{http_authorization}e",
    "{cookie}i",
    "{http_cookie}e",
    "{csrf_cookie}e",
    "{set-cookie}o",
)


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in _REQUEST_LINE:
            if isinstance(atoms.get(key), str):
                atoms[key] = _redact_request_line(atoms[key])
        for keys, redact in ((_PATHS, redact_path), (_QUERIES, redact_query), (_URIS, redact_uri)):
            for key in keys:
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
        for key in _CREDENTIALS:
            if key in atoms:
                atoms[key] = REDACTED
        return atoms


def _redact_request_line(line: str) -> str:
    """`GET /invitations/<token>/ HTTP/1.1` → `GET /invitations/[redacted]/ HTTP/1.1`."""
    parts = line.split(" ")
    if len(parts) != 3:  # not the shape gunicorn writes: we cannot tell what it hides
        return REDACTED
    method, target, protocol = parts
    return f"{method} {redact_uri(target)} {protocol}"
