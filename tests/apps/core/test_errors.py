"""The API's error handler: bad input is a 400 in the one error format, an unreachable
database a 503 with Retry-After, and every other failure a 500 that is logged."""

from __future__ import annotations

import sqlite3
from unittest import mock

import orjson
import psycopg
import psycopg.errors
import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, ProgrammingError
from django.test import Client, RequestFactory, override_settings
from rest_framework.test import APIClient

from apps.core.api.errors import database_unavailable
from apps.core.api.views import permission_denied
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


def wrapped(django_class: type[DatabaseError], cause: Exception) -> DatabaseError:
    """The exception as Django's database layer raises it: its own class, the driver's
    exception as the cause."""
    error = django_class(*cause.args)
    error.__cause__ = cause
    return error


def pg_error(cls: type[psycopg.Error], message: str = "boom") -> psycopg.Error:
    return cls(message)


UNAVAILABLE = [
    pytest.param(
        wrapped(
            OperationalError, psycopg.OperationalError("connection failed: Connection refused")
        ),
        id="psycopg-cannot-connect",
    ),
    pytest.param(
        wrapped(
            OperationalError,
            psycopg.OperationalError("server closed the connection unexpectedly"),
        ),
        id="psycopg-server-closed",
    ),
    pytest.param(
        wrapped(OperationalError, psycopg.OperationalError("the connection is closed")),
        id="psycopg-connection-closed",
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.AdminShutdown)), id="pg-57P01-shutdown"
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.CannotConnectNow)),
        id="pg-57P03-starting-up",
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.ConnectionFailure)),
        id="pg-08006-connection-failure",
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.TooManyConnections)),
        id="pg-53300-too-many-connections",
    ),
    pytest.param(
        wrapped(OperationalError, sqlite3.OperationalError("database is locked")),
        id="sqlite-locked",
    ),
    pytest.param(
        wrapped(OperationalError, sqlite3.OperationalError("unable to open database file")),
        id="sqlite-cannot-open",
    ),
    pytest.param(InterfaceError("connection already closed"), id="django-connection-closed"),
]

BUGS = [
    pytest.param(
        wrapped(ProgrammingError, pg_error(psycopg.errors.UndefinedTable)), id="pg-42P01-no-table"
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.SerializationFailure)),
        id="pg-40001-serialization",
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.DeadlockDetected)), id="pg-40P01-deadlock"
    ),
    pytest.param(
        wrapped(OperationalError, pg_error(psycopg.errors.QueryCanceled)), id="pg-57014-canceled"
    ),
    pytest.param(
        wrapped(OperationalError, sqlite3.OperationalError("no such table: tandems_goal")),
        id="sqlite-no-table",
    ),
    pytest.param(
        wrapped(ProgrammingError, sqlite3.ProgrammingError("Cannot operate on a closed database.")),
        id="sqlite-closed-database-misuse",
    ),
    pytest.param(
        wrapped(InterfaceError, sqlite3.InterfaceError("Error binding parameter 1")),
        id="sqlite-binding",
    ),
    pytest.param(DatabaseError("something else"), id="django-database-error"),
]


@pytest.mark.parametrize("error", UNAVAILABLE)
def test_a_database_that_cannot_be_reached_is_unavailable(error: DatabaseError) -> None:
    assert database_unavailable(error)


@pytest.mark.parametrize("error", BUGS)
def test_a_database_error_from_a_query_is_not_unavailability(error: DatabaseError) -> None:
    assert not database_unavailable(error)


@pytest.mark.parametrize("error", UNAVAILABLE)
def test_an_unreachable_database_answers_503_with_retry_after(
    pair: Pair, error: DatabaseError
) -> None:
    with mock.patch("apps.notifications.selectors.inbox_for", side_effect=error):
        response = pair.leader_client.get("/api/v1/notices/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The service is temporarily unavailable. Please retry shortly."
    }


@pytest.mark.parametrize("error", BUGS)
def test_a_query_that_fails_is_a_logged_500(
    pair: Pair, error: DatabaseError, caplog: pytest.LogCaptureFixture
) -> None:
    client = pair.leader_client
    client.raise_request_exception = False
    with mock.patch("apps.notifications.selectors.inbox_for", side_effect=error):
        response = client.get("/api/v1/notices/")

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
    assert any(
        record.levelname == "ERROR" and record.exc_info and record.exc_info[1] is error
        for record in caplog.records
    )


def test_data_the_database_refuses_is_a_400(pair: Pair) -> None:
    error = wrapped(DataError, pg_error(psycopg.errors.NumericValueOutOfRange))
    with mock.patch("apps.notifications.selectors.inbox_for", side_effect=error):
        response = pair.leader_client.get("/api/v1/notices/")

    assert response.status_code == 400
    assert response.json() == {"detail": "The request contains data that cannot be stored."}


@pytest.mark.parametrize("path", ["elevations/", "decisions/", "matrix/changes/"])
def test_an_id_filter_beyond_64_bits_is_refused(pair: Pair, path: str) -> None:
    response = pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/{path}", {"area": "99999999999999999999"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["area"]


def test_a_path_id_beyond_64_bits_never_is_a_500(pair: Pair) -> None:
    """PostgreSQL finds nothing (404); SQLite cannot bind the number (400)."""
    response = pair.leader_client.get("/api/v1/tandems/99999999999999999999/")

    assert response.status_code in (400, 404)
    assert "detail" in response.json()


def test_json_nested_too_deeply_is_a_400(pair: Pair) -> None:
    body = "[" * 100_000 + "]" * 100_000

    response = pair.leader_client.generic(
        "POST", f"/api/v1/tandems/{pair.tandem.pk}/goals/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}


def test_a_body_beyond_the_upload_limit_is_a_413(pair: Pair, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # type: ignore[attr-defined]
    body = '{"title": "' + "x" * 2000 + '"}'

    response = pair.leader_client.generic(
        "POST", f"/api/v1/tandems/{pair.tandem.pk}/goals/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert not pair.tandem.goals.exists()


def test_a_body_that_is_not_json_is_a_415(pair: Pair) -> None:
    response = pair.leader_client.generic(
        "POST", f"/api/v1/tandems/{pair.tandem.pk}/goals/", "title=x", content_type="text/plain"
    )

    assert response.status_code == 415
    assert list(response.json()) == ["detail"]


def test_an_error_without_a_field_keeps_the_error_format(pair: Pair) -> None:
    response = pair.leader_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/goals/", [1, 2], format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tandems/abc/",
        "/api/v1/no-such-thing/",
        "/api/v1/tandems/1/areas/x/",
        "/api/nothing",
        "/api/v1/me",  # without its slash
        "/api/",
    ],
)
def test_an_api_path_that_matches_no_route_answers_json_in_every_mode(
    api_client: APIClient, path: str, debug: bool
) -> None:
    """With DEBUG on (`scripts/run`), Django answered its HTML debug page and never called
    handler404; the URLconf's last route answers for the API in both modes."""
    with override_settings(DEBUG=debug):
        responses = [getattr(api_client, method)(path) for method in ("get", "post", "delete")]

    for response in responses:
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


@override_settings(DEBUG=True)
def test_the_json_404_is_in_the_persons_language_and_needs_no_csrf_token(pair: Pair) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pair.leader)

    posted = browser.post("/api/v1/no-such-thing/", {"a": 1})
    german = APIClient(HTTP_ACCEPT_LANGUAGE="de").get("/api/v1/no-such-thing/")

    assert (posted.status_code, german.status_code) == (404, 404)
    assert posted.json() == german.json() == {"detail": "Nicht gefunden."}


@override_settings(DEBUG=True)
def test_the_last_route_shadows_no_route_of_the_api(api_client: APIClient, pair: Pair) -> None:
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/api/health/").status_code in (200, 503)
    assert pair.leader_client.get("/api/v1/me/").status_code == 200
    assert pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/").status_code == 200


def test_a_page_that_matches_no_route_stays_a_page(client: object) -> None:
    response = client.get("/no-such-page/")  # type: ignore[attr-defined]

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_host_that_is_not_allowed_answers_json_under_the_api(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/me/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Bad request."}


def test_a_host_that_is_not_allowed_stays_a_page_elsewhere(client: object) -> None:
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")  # type: ignore[attr-defined]

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("path", "json"), [("/api/v1/me/", True), ("/accounts/login/", False)])
def test_permission_denied_outside_an_api_view_answers_json_under_the_api(
    rf: RequestFactory, path: str, json: bool
) -> None:
    """Django's 403 handler, for a `PermissionDenied` no API view turned into its answer."""
    response = permission_denied(rf.get(path), PermissionDenied())

    assert response.status_code == 403
    if json:
        assert response["Content-Type"] == "application/json"
        assert orjson.loads(response.content) == {"detail": "Permission denied."}
    else:
        assert response["Content-Type"].startswith("text/html")
