"""A database that cannot be reached, met outside the API's own error handling (loading the
session in a middleware, a page view), is a 503 with Retry-After — JSON under /api/, the
503 page elsewhere — not a 500. The live version: tests/integration/test_faults.py."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refused(*args: object, **kwargs: object) -> None:
    message = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    raise OperationalError(message) from psycopg.OperationalError(message)


def broken(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError  # a bug, not an outage


@pytest.fixture
def signed_in(client: Client) -> Client:
    client.force_login(UserFactory())
    client.raise_request_exception = False  # answer as production does
    return client


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/notices/"])
def test_the_api_answers_503_in_its_format_when_the_session_cannot_be_loaded(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setattr(SessionStore, "load", refused)

    response = signed_in.get(path)

    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {
        "detail": "The service is temporarily unavailable. Please retry shortly."
    }


def test_a_page_answers_with_the_503_page(signed_in: Client, monkeypatch) -> None:
    monkeypatch.setattr(SessionStore, "load", refused)

    response = signed_in.get("/", HTTP_ACCEPT_LANGUAGE="de")

    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>" in response.content


def test_any_other_error_there_is_still_a_500(signed_in: Client, monkeypatch) -> None:
    monkeypatch.setattr(SessionStore, "load", broken)

    assert signed_in.get("/api/v1/me/").status_code == 500
    response = signed_in.get("/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
