"""The schema and the API agree on blank strings, for every string of every request body.

For each operation that reads a body (a valid one from tests/authz/bodies.py, sent by a
member who may do it), each string property of its request schema — top level, and inside
the first item of a list of objects — is set to "" and then to "   ":

- where the schema refuses the value (`minLength`, a pattern that needs a character that is
  not whitespace, an enum without "", a format), the answer is a 400 naming that field;
- where the schema allows it, the answer is what the valid body gets.

Schemathesis' own checks only meet these values by chance; here every field meets them.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.response import Response

from tests.authz.conftest import caller, client_as
from tests.authz.matrix import Row, url_for
from tests.fuzz.schema_walk import (
    Path,
    body_properties,
    caller_role,
    is_kind,
    is_type,
    names,
    schema_allows,
    set_at,
    valid_body,
)
from tests.helpers.world import World

BLANKS = {"empty": "", "spaces": "   "}


def _is_string(schema: dict[str, Any]) -> bool:
    return is_kind(schema, lambda s: is_type(s, "string"))


def _cases() -> list[Any]:
    return [
        pytest.param(
            row,
            path,
            value,
            schema_allows(prop, value),
            id=f"{row.method} {row.path} {name} {kind}",
        )
        for row, path, name, prop in body_properties(_is_string)
        for kind, value in BLANKS.items()
    ]


CASES = _cases()


def test_the_notes_and_reasons_are_among_the_fields() -> None:
    fields = {case.values[1][-1] for case in CASES}
    assert {"notes", "reason", "comment", "lesson", "rationale"} <= fields


@pytest.mark.parametrize(("row", "path", "value", "allowed"), CASES)
def test_a_blank_string_is_refused_exactly_where_the_schema_refuses_it(
    world: World, row: Row, path: Path, value: str, allowed: bool
) -> None:
    role = caller_role(row)
    user = caller(world, role)
    body = valid_body(world, user, row, path)
    set_at(body, path, value)

    client = client_as(world, user)
    response: Response = getattr(client, row.method.lower())(
        url_for(row, world.home.ids), body, format="json"
    )

    if allowed:
        assert response.status_code == row.expect[role], response.content[:500]
    else:
        assert response.status_code == 400, response.content[:500]
        assert names(response.json(), path), response.content[:500]
