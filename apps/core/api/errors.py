"""One error format for the whole API: `{"field": ["reason"]}` or `{"detail": "reason"}`,
in the requester's language (their profile's once authenticated, see
`apps.accounts.api.authentication`; otherwise Accept-Language).

What is the client's fault is a 4xx in that format. A database that cannot be reached is a
503 with Retry-After. Anything else is a bug: it is not handled here, so it surfaces as a
500 with its traceback in the log.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.utils.translation import gettext, gettext_noop
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import DomainError, TooManyRequests

try:
    import psycopg
except ImportError:  # pragma: no cover - PostgreSQL support is installed everywhere we run
    psycopg = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

UNAVAILABLE = gettext_noop("The service is temporarily unavailable. Please retry shortly.")

# SQLSTATEs of a PostgreSQL that is unreachable or refusing connections: class 08
# (connection exception) and the server shutting down, starting up or full.
_PG_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "53300"}
# What psycopg and SQLite say when the connection itself is gone or the file is busy.
_UNAVAILABLE_MESSAGES = (
    "server closed the connection",
    "connection is closed",
    "connection already closed",
    "connection is lost",
    "could not connect",
    "connection refused",
    "connection timeout expired",
    "terminating connection",
    "database is locked",
    "unable to open database file",
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether a database error means "the database cannot be reached right now" (retry
    later) rather than a bug in a query (a 500 that must be fixed)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if psycopg is not None and isinstance(cause, psycopg.Error):
        state = cause.sqlstate
        if isinstance(cause, psycopg.OperationalError) and state is None:
            # Raised by the client itself: the connection failed, broke or was closed.
            return True
        if state is not None:
            return state.startswith("08") or state in _PG_UNAVAILABLE_STATES
    if isinstance(cause, sqlite3.Error) and not isinstance(cause, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return any(text in message for text in _UNAVAILABLE_MESSAGES)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        # `as_dict` reads the message in the active language: the requester's.
        answer = Response(exc.as_dict(), status=exc.status_code)
        if isinstance(exc, TooManyRequests):
            answer["Retry-After"] = str(exc.retry_after)
        return answer
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # More than DATA_UPLOAD_MAX_MEMORY_SIZE bytes: refused before it is parsed.
        return Response(
            {"detail": gettext("The request body is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, OverflowError):
        # SQLite cannot bind integers beyond 64 bits (e.g. ?area=99999999999999999999); on
        # PostgreSQL the same input is a DataError handled below. Either way: bad input.
        return Response(
            {"detail": gettext("A number in the request is out of range.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if database_unavailable(exc):
        # Fail fast with a clear, retryable answer; the client (or its user) tries again.
        logger.warning("database unavailable: %s", exc)
        return Response(
            {"detail": gettext(UNAVAILABLE)},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DataError):
        # A value the database refuses (a NUL byte in text on PostgreSQL, a number beyond
        # a column's range) is bad input. Other database errors are bugs: 500.
        logger.info("database refused input: %s", exc)
        return Response(
            {"detail": gettext("The request contains data that cannot be stored.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # `ValidationError("reason")` raised without a field: keep the one format.
        response.data = {"non_field_errors": response.data}
    return response
