"""One error format for the whole API: `{"field": ["reason"]}` or `{"detail": "reason"}`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import DomainError

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OverflowError):
        # SQLite cannot bind integers beyond 64 bits (e.g. ?area=99999999999999999999); on
        # PostgreSQL the same input is a DataError handled below. Either way: bad input.
        return Response(
            {"detail": "A number in the request is out of range."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable: fail fast with a clear, retryable answer.
        logger.warning("database unavailable: %s", exc)
        return Response(
            {"detail": "The service is temporarily unavailable. Please retry shortly."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DatabaseError):
        # Data the database refuses (e.g. a NUL byte in text on PostgreSQL) is bad input.
        logger.info("database refused input: %s", exc)
        return Response(
            {"detail": "The request contains data that cannot be stored."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response = drf_exception_handler(exc, context)
        return response
    return drf_exception_handler(exc, context)
