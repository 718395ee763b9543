"""Secrets that travel in URLs, kept out of the logs.

Some links are the secret themselves: an invitation (`/invitations/<token>/`), the private
calendar feed (`/api/v1/calendar/<token>.ics`, which calendar clients fetch for years), the
one-click links of a notice's e-mail (`/e/<token>/`) and the e-mailed one-time links under
`/accounts/<flow>/<uidb64>/<token>/` (password reset, sign-up confirmation). Whoever reads
gunicorn's access log (apps/core/access_log.py) or Django's "Not Found: <path>" warnings
could otherwise use them. Their secret part becomes
`[redacted]`; the rest of the line stays, so the log still says what was asked and answered.

Pure functions on strings: imported by gunicorn's master before Django is set up.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

REDACTED = "[redacted]"

# Each pattern matches a whole path; the groups named `secret` are replaced. Anchored at the
# path's start, so `/api/v1/invitations/accept/` (the token is in the body) stays readable.
_SECRET_PATHS = (
    re.compile(r"/invitations/(?P<secret>[^/]+)(?:/.*)?"),
    # `calendar/feed/` manages the feed (with the session or token); anything else is a feed.
    re.compile(r"/api/v1/calendar/(?!feed(?:/|$))(?P<secret>[^/]+?)(?:\.ics)?(?:/.*)?"),
    # Django's one-time links; after the first visit its reset view moves on to
    # `<uidb64>/set-password/` (the token then lives in the session).
    re.compile(r"/accounts/[\w-]+/[^/]+/(?!set-password/)(?P<secret>[^/]+)(?:/.*)?"),
    # The one-click links of a notice's e-mail (apps.notifications.actions).
    re.compile(r"/e/(?P<secret>[^/]+)(?:/.*)?"),
)
# Query parameters whose value is a secret, should a link ever carry one.
_SECRET_PARAMETER = re.compile(r"(?:\w*token|key|secret|password|signature)", re.IGNORECASE)


def redact_path(path: str) -> str:
    # Matched as Django routes it, decoded: `/%69nvitations/<token>/` is the invitation page too.
    decoded = unquote(path)
    for pattern in _SECRET_PATHS:
        match = pattern.fullmatch(decoded)
        if match:
            start, end = match.span("secret")
            return decoded[:start] + REDACTED + decoded[end:]
    return path


def redact_query(query: str) -> str:
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if equals and _SECRET_PARAMETER.fullmatch(name):
            value = REDACTED
        elif equals:
            # A link to a secret page as a parameter: the login page's `?next=/invitations/…`.
            target = unquote_plus(value)
            if target.startswith("/") and redact_uri(target) != target:
                value = quote(redact_uri(target), safe="/[]")
        parts.append(f"{name}{equals}{value}")
    return "&".join(parts)


def redact_uri(uri: str) -> str:
    """A request target as in a request line (`/path?query`), or a whole URL (a referer)."""
    if uri.startswith("/"):
        path, mark, query = uri.partition("?")
        return redact_path(path) + mark + redact_query(query)
    try:
        scheme, netloc, path, query, fragment = urlsplit(uri)
    except ValueError:  # not a URL we can take apart, so we cannot tell what it hides
        return REDACTED
    if not netloc:
        return uri  # "-", "*" or no URL at all
    return urlunsplit((scheme, netloc, redact_path(path), redact_query(query), fragment))


class RedactingFilter(logging.Filter):
    """For Django's log handlers: `django.request` logs "Not Found: <path>" for every 4xx, so
    an expired invitation or a revoked feed would otherwise put its token in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_uri(arg) if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        return True
