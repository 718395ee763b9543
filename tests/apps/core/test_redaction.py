"""Secrets in URLs stay out of the logs (apps/core/redaction.py)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.core.redaction import RedactingFilter, redact_uri

SECRET = "S3cr3t-T0ken_xyz"


@pytest.mark.parametrize(
    ("uri", "logged"),
    [
        ("/invitations/S3cr3t/", "/invitations/[redacted]/"),
        ("/invitations/S3cr3t", "/invitations/[redacted]"),
        ("/%69nvitations/S3cr3t/", "/invitations/[redacted]/"),
        ("/invitations/S3cr3t/?lang=de", "/invitations/[redacted]/?lang=de"),
        ("/api/v1/calendar/S3cr3t.ics", "/api/v1/calendar/[redacted].ics"),
        ("/api/v1/calendar/S3cr3t.ics/", "/api/v1/calendar/[redacted].ics/"),
        ("/api/v1/calendar/S3cr3t", "/api/v1/calendar/[redacted]"),
        ("/accounts/password-reset/MQ/S3cr3t/", "/accounts/password-reset/MQ/[redacted]/"),
        ("/accounts/confirm/MQ/S3cr3t/", "/accounts/confirm/MQ/[redacted]/"),
        (
            "/accounts/login/?next=/invitations/S3cr3t/",
            "/accounts/login/?next=/invitations/[redacted]/",
        ),
        (
            "/accounts/login/?next=%2Finvitations%2FS3cr3t%2F&x=1",
            "/accounts/login/?next=/invitations/[redacted]/&x=1",
        ),
        (
            "/x/?token=S3cr3t&feed_token=S3cr3t&page=2",
            "/x/?token=[redacted]&feed_token=[redacted]&page=2",
        ),
        (
            "https://tandem.example.org/invitations/S3cr3t/",
            "https://tandem.example.org/invitations/[redacted]/",
        ),
        ("http://[not-a-url/invitations/S3cr3t/", "[redacted]"),
        # What is no secret stays readable.
        ("/api/v1/invitations/accept/", "/api/v1/invitations/accept/"),
        ("/api/v1/calendar/feed/", "/api/v1/calendar/feed/"),
        ("/accounts/password-reset/MQ/set-password/", "/accounts/password-reset/MQ/set-password/"),
        ("/accounts/password-reset/sent/", "/accounts/password-reset/sent/"),
        ("/accounts/login/?next=/t/1/", "/accounts/login/?next=/t/1/"),
        ("/me/tokens/7/revoke/", "/me/tokens/7/revoke/"),
        ("/api/v1/me/tokens/7/", "/api/v1/me/tokens/7/"),
        ("-", "-"),
        ("*", "*"),
    ],
)
def test_the_secret_part_of_a_url_is_redacted(uri: str, logged: str) -> None:
    assert redact_uri(uri) == logged


def _routes(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, set[str]]]:
    """Every named route with the names of all its path parameters, prefixes included."""
    for pattern in patterns:
        converters = set(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, params in _routes(pattern.url_patterns, inner):
                yield name, params | converters
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", converters


def _is_secret(parameter: str) -> bool:
    return parameter == "token" or parameter.endswith("_token")


SECRET_ROUTES = sorted(
    {
        (name, frozenset(params))
        for name, params in _routes(get_resolver().url_patterns)
        if any(_is_secret(p) for p in params)
    },
    key=lambda route: route[0],
)


def test_the_urlconf_has_secret_routes_to_check() -> None:
    assert {"invitation", "api-calendar-ics", "password_reset_confirm"} <= {
        name for name, _params in SECRET_ROUTES
    }


@pytest.mark.parametrize(("name", "params"), SECRET_ROUTES, ids=[r[0] for r in SECRET_ROUTES])
def test_every_route_with_a_token_in_its_path_is_redacted(name: str, params: frozenset) -> None:
    """A new route with a `token` parameter fails here until redaction.py knows its shape."""
    kwargs = {p: SECRET if _is_secret(p) else ("MQ" if p == "uidb64" else "7") for p in params}
    path = reverse(name, kwargs=kwargs)

    for variant in (path, path.rstrip("/"), f"/accounts/login/?next={path}"):
        assert SECRET not in redact_uri(variant), variant


def _through_console(record_django_request: Any) -> str:
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        record_django_request()
    finally:
        handler.setStream(old)  # type: ignore[attr-defined]
    return stream.getvalue()


@pytest.mark.django_db
def test_django_logs_the_404_of_an_unknown_invitation_without_its_token(client: Any) -> None:
    output = _through_console(lambda: client.get(f"/invitations/{SECRET}/"))

    assert "Not Found: /invitations/[redacted]/" in output
    assert SECRET not in output


def test_the_filter_leaves_other_records_as_they_are() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s of %d at %s", ("page", 3, "/t/1/"), None
    )

    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "page of 3 at /t/1/"
