"""Walking the API's own OpenAPI schema for the properties of its request bodies, and sending
one changed value of a valid body (tests/authz/bodies.py) as a member who may send it.

Shared by the checks that meet every field of a kind with a value the schema refuses or
admits: blank strings (test_blank_strings.py), date-times without an offset
(test_naive_date_times.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator, FormatChecker

from apps.accounts.models import User
from tests.authz.bodies import BODIES, MULTIPART, Body
from tests.authz.matrix import ASSISTANT, LEADER, MATRIX, Row, T
from tests.helpers.world import World

DOCUMENT: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
COMPONENTS = DOCUMENT["components"]

Path = tuple[str | int, ...]
"""Where a value sits in a body: keys, and 0 for the first item of a list."""


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if len(schema.get("allOf", ())) == 1:
        return resolve(schema["allOf"][0])
    return schema


def types(schema: dict[str, Any]) -> set[str]:
    """The JSON types `schema` names, `null` left out: OpenAPI 3.1 (JSON Schema 2020-12)
    writes a nullable string as `type: [string, "null"]`."""
    named = schema.get("type", ())
    return ({named} if isinstance(named, str) else set(named)) - {"null"}


def is_type(schema: dict[str, Any], name: str) -> bool:
    return types(schema) == {name}


def is_kind(schema: dict[str, Any], leaf: Callable[[dict[str, Any]], bool]) -> bool:
    """Whether `schema`, or each alternative of its `oneOf`/`anyOf` but `null` (a nullable
    field), is of the kind `leaf` tells."""
    schema = resolve(schema)
    if leaf(schema):
        return True
    alternatives = [
        s for s in schema.get("oneOf") or schema.get("anyOf") or () if s != {"type": "null"}
    ]
    return bool(alternatives) and all(is_kind(s, leaf) for s in alternatives)


def properties(
    schema: dict[str, Any], wanted: Callable[[dict[str, Any]], bool], path: Path = ()
) -> list[tuple[Path, Any]]:
    """Each writable property under `schema` that is `wanted`, with its own schema: every
    property of an object (sent by the valid body or not), and those of the first item of a
    list of objects."""
    schema = resolve(schema)
    found: list[tuple[Path, Any]] = []
    if is_type(schema, "object"):
        for name, prop in schema.get("properties", {}).items():
            if prop.get("readOnly"):
                continue
            if wanted(prop):
                found.append(((*path, name), prop))
            else:
                found += properties(prop, wanted, (*path, name))
    elif is_type(schema, "array"):
        found += properties(schema.get("items", {}), wanted, (*path, 0))
    return found


def request_body_schema(row: Row) -> dict[str, Any]:
    operation = DOCUMENT["paths"][row.path][row.method.lower()]
    schema: dict[str, Any] = operation["requestBody"]["content"]["application/json"]["schema"]
    return schema


def body_properties(
    wanted: Callable[[dict[str, Any]], bool],
) -> Iterator[tuple[Row, Path, str, dict[str, Any]]]:
    """(row, path, dotted name, schema) of each `wanted` property of every JSON request body
    that tests/authz/bodies.py has a valid body for (file uploads are tested in their apps)."""
    for row in MATRIX:
        # A GET's entry in BODIES is its query string, not a body.
        if row.key in BODIES and row.key not in MULTIPART and row.method != "GET":
            for path, prop in properties(request_body_schema(row), wanted):
                yield row, path, ".".join(map(str, path)), prop


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339's date-time (jsonschema checks it only with an extra package installed)."""
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def schema_allows(prop: dict[str, Any], value: Any) -> bool:
    schema = {**prop, "components": COMPONENTS}
    return Draft202012Validator(schema, format_checker=FORMATS).is_valid(value)


def caller_role(row: Row) -> str:
    """A member for whom the valid body succeeds, else the leader (whose answer the matrix
    knows all the same, e.g. a 409 for an invitation when both seats are taken)."""
    for role in (LEADER, ASSISTANT):
        if 200 <= row.expect[role] < 300:
            return role
    return LEADER


def _own_questions(world: World, user: User | None) -> dict[str, Any]:
    body = BODIES[_CYCLES](world, user)
    body.pop("template")
    return {**body, "questions": [{"text": "What helped?", "kind": "text"}]}


_CYCLES = ("POST", T + "/feedback/cycles/")
_WITH_A_LIST: dict[tuple[str, str], Body] = {_CYCLES: _own_questions}
"""A valid body that sends a list of objects, where the usual one does not."""


def valid_body(world: World, user: User | None, row: Row, path: Path) -> dict[str, Any]:
    """A valid body of `row` that has a place for the value at `path`."""
    body = BODIES[row.key](world, user)
    try:
        get_at(body, path[:-1])
    except (KeyError, IndexError):
        body = _WITH_A_LIST[row.key](world, user)
    return copy.deepcopy(body)


def get_at(body: Any, path: Path) -> Any:
    for step in path:
        body = body[step]
    return body


def set_at(body: Any, path: Path, value: Any) -> None:
    get_at(body, path[:-1])[path[-1]] = value


def names(errors: Any, path: Path) -> bool:
    """Whether the error body names the field at `path`: DRF nests errors like the input,
    the errors of a list's items as a list or as an object keyed by the item's index; the
    matrix import names them by their path instead (`areas[0].name`)."""
    flat = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    if isinstance(errors, dict) and flat.lstrip(".") in errors:
        return True
    for step in path:
        if isinstance(errors, list) and isinstance(step, int) and step < len(errors):
            errors = errors[step]
        elif isinstance(errors, dict) and str(step) in errors:
            errors = errors[str(step)]
        else:
            return False
    return True
