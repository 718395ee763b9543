"""One time input policy for the whole API: a date-time without an offset is refused, with
the same 400 naming the field, for every date-time of every request body and every
date-time query parameter the schema documents.

The schema says RFC 3339 `date-time`, which requires an offset. Before this policy a naive
value was read as UTC in one place, in the tandem's timezone in another and refused in a
third. Each date-time property of a request body (top level, and inside the first item of a
list of objects) gets a naive value in an otherwise valid body (tests/authz/bodies.py), sent
by a member who may send it; each date-time query parameter gets one with its siblings
valid. Schemathesis generates date-times with offsets, so it would never meet these values.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.response import Response

from apps.core.api.serializers import NAIVE_DATE_TIME
from tests.authz.conftest import caller, client_as
from tests.authz.matrix import MATRIX, Row, url_for
from tests.fuzz.schema_walk import (
    DOCUMENT,
    Path,
    body_properties,
    caller_role,
    is_kind,
    names,
    schema_allows,
    set_at,
    valid_body,
)
from tests.helpers.world import World

_NOW = timezone.now().replace(microsecond=0)
NAIVE = {
    "seconds": _NOW.replace(tzinfo=None).isoformat(),
    "minutes": _NOW.replace(tzinfo=None).isoformat(timespec="minutes"),
}
AWARE = _NOW.isoformat().replace("+00:00", "Z")


def _is_date_time(schema: dict[str, Any]) -> bool:
    return is_kind(schema, lambda s: s.get("format") == "date-time")


def _body_cases() -> list[Any]:
    cases = []
    for row, path, name, prop in body_properties(_is_date_time):
        for kind, value in NAIVE.items():
            assert not schema_allows(prop, value), "the schema must refuse it too"
            cases.append(
                pytest.param(row, path, value, id=f"{row.method} {row.path} {name} {kind}")
            )
    return cases


def _query_parameters(row: Row) -> list[str]:
    operation = DOCUMENT["paths"][row.path][row.method.lower()]
    return [
        p["name"]
        for p in operation.get("parameters", ())
        if p["in"] == "query" and _is_date_time(p.get("schema", {}))
    ]


def _query_cases() -> list[Any]:
    return [
        pytest.param(row, name, value, id=f"{row.method} {row.path} ?{name} {kind}")
        for row in MATRIX
        for name in _query_parameters(row)
        for kind, value in NAIVE.items()
    ]


BODY_CASES = _body_cases()
QUERY_CASES = _query_cases()


def test_every_date_time_of_the_api_is_walked() -> None:
    """The walk finds them all: a date-time added later is covered without listing it here."""
    in_bodies = {case.values[1][-1] for case in BODY_CASES}
    in_queries = {case.values[1] for case in QUERY_CASES}
    assert {
        "decided_at",
        "due_at",
        "starts_at",
        "ends_at",
        "opens_at",
        "closes_at",
        "paused_from",
        "paused_until",
        "to",
    } <= in_bodies
    assert {"from", "to", "decided_after", "decided_before", "opens_after", "opens_before"} <= (
        in_queries
    )


def _refused(response: Response, path: Path) -> None:
    assert response.status_code == 400, response.content[:500]
    errors = response.json()
    assert names(errors, path), response.content[:500]
    for step in path:
        errors = errors[step if isinstance(errors, list) else str(step)]
    assert errors == [NAIVE_DATE_TIME], response.content[:500]


@pytest.mark.parametrize(("row", "path", "value"), BODY_CASES)
def test_a_date_time_without_an_offset_is_refused_in_every_body(
    world: World, row: Row, path: Path, value: str
) -> None:
    role = caller_role(row)
    user = caller(world, role)
    body = valid_body(world, user, row, path)
    set_at(body, path, value)

    response: Response = getattr(client_as(world, user), row.method.lower())(
        url_for(row, world.home.ids), body, format="json"
    )

    _refused(response, path)


@pytest.mark.parametrize(("row", "name", "value"), QUERY_CASES)
def test_a_date_time_without_an_offset_is_refused_in_every_query(
    world: World, row: Row, name: str, value: str
) -> None:
    query = {other: AWARE for other in _query_parameters(row)}
    query[name] = value
    role = caller_role(row)
    client = client_as(world, caller(world, role))

    response: Response = client.get(url_for(row, world.home.ids), query)

    _refused(response, (name,))
