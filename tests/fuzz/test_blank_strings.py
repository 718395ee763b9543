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

import copy
from datetime import datetime
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator, FormatChecker
from rest_framework.response import Response

from apps.accounts.models import User
from tests.authz.bodies import BODIES, Body
from tests.authz.conftest import caller, client_as
from tests.authz.matrix import ASSISTANT, LEADER, MATRIX, Row, T
from tests.authz.test_matrix import url_for
from tests.fuzz.world import World

BLANKS = {"empty": "", "spaces": "   "}

_DOCUMENT: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
_COMPONENTS = _DOCUMENT["components"]

Path = tuple[str | int, ...]
"""Where a string sits in a body: keys, and 0 for the first item of a list."""


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _COMPONENTS["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if len(schema.get("allOf", ())) == 1:
        return _resolve(schema["allOf"][0])
    return schema


def _is_string(schema: dict[str, Any]) -> bool:
    schema = _resolve(schema)
    if schema.get("type") == "string":
        return True
    alternatives = schema.get("oneOf") or schema.get("anyOf") or ()
    return bool(alternatives) and all(_is_string(s) for s in alternatives)


def _strings(schema: dict[str, Any], path: Path = ()) -> list[tuple[Path, Any]]:
    """Each string property under `schema` with its own schema: every property of an object
    (sent by the valid body or not), and those of the first item of a list of objects."""
    schema = _resolve(schema)
    found: list[tuple[Path, Any]] = []
    if schema.get("type") == "object":
        for name, prop in schema.get("properties", {}).items():
            if prop.get("readOnly"):
                continue
            if _is_string(prop):
                found.append(((*path, name), prop))
            else:
                found += _strings(prop, (*path, name))
    elif schema.get("type") == "array":
        found += _strings(schema.get("items", {}), (*path, 0))
    return found


_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339's date-time (jsonschema checks it only with an extra package installed)."""
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def _schema_allows(prop: dict[str, Any], value: str) -> bool:
    schema = {**prop, "components": _COMPONENTS}
    return Draft202012Validator(schema, format_checker=_FORMATS).is_valid(value)


def _caller_role(row: Row) -> str:
    """A member for whom the valid body succeeds, else the leader (whose answer the matrix
    knows all the same, e.g. a 409 for an invitation when both seats are taken)."""
    for role in (LEADER, ASSISTANT):
        if 200 <= row.expect[role] < 300:
            return role
    return LEADER


def _cases() -> list[Any]:
    cases = []
    for row in MATRIX:
        if row.key not in BODIES:
            continue
        operation = _DOCUMENT["paths"][row.path][row.method.lower()]
        body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
        for path, prop in _strings(body_schema):
            name = ".".join(map(str, path))
            for kind, value in BLANKS.items():
                cases.append(
                    pytest.param(
                        row,
                        path,
                        value,
                        _schema_allows(prop, value),
                        id=f"{row.method} {row.path} {name} {kind}",
                    )
                )
    return cases


def _own_questions(world: World, user: User | None) -> dict[str, Any]:
    body = BODIES[_CYCLES](world, user)
    body.pop("template")
    return {**body, "questions": [{"text": "What helped?", "kind": "text"}]}


_CYCLES = ("POST", T + "/feedback/cycles/")
_WITH_A_LIST: dict[tuple[str, str], Body] = {_CYCLES: _own_questions}
"""A valid body that sends a list of objects, where the usual one does not."""


def _body(world: World, user: User | None, row: Row, path: Path) -> dict[str, Any]:
    body = BODIES[row.key](world, user)
    try:
        _get(body, path[:-1])
    except (KeyError, IndexError):
        body = _WITH_A_LIST[row.key](world, user)
    return copy.deepcopy(body)


def _get(body: Any, path: Path) -> Any:
    for step in path:
        body = body[step]
    return body


def _set(body: Any, path: Path, value: str) -> None:
    _get(body, path[:-1])[path[-1]] = value


def _names(errors: Any, path: Path) -> bool:
    """Whether the error body names the field at `path`: DRF nests errors like the input,
    the errors of a list's items as a list or as an object keyed by the item's index."""
    for step in path:
        if isinstance(errors, list) and isinstance(step, int) and step < len(errors):
            errors = errors[step]
        elif isinstance(errors, dict) and str(step) in errors:
            errors = errors[str(step)]
        else:
            return False
    return True


CASES = _cases()


def test_the_notes_and_reasons_are_among_the_fields() -> None:
    fields = {case.values[1][-1] for case in CASES}
    assert {"notes", "reason", "comment", "lesson", "rationale"} <= fields


@pytest.mark.parametrize(("row", "path", "value", "allowed"), CASES)
def test_a_blank_string_is_refused_exactly_where_the_schema_refuses_it(
    world: World, row: Row, path: Path, value: str, allowed: bool
) -> None:
    role = _caller_role(row)
    user = caller(world, role)
    body = _body(world, user, row, path)
    _set(body, path, value)

    client = client_as(world, user)
    response: Response = getattr(client, row.method.lower())(
        url_for(row, world.home.ids), body, format="json"
    )

    if allowed:
        assert response.status_code == row.expect[role], response.content[:500]
    else:
        assert response.status_code == 400, response.content[:500]
        assert _names(response.json(), path), response.content[:500]
