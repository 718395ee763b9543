"""Hostile input that generators rarely produce, sent to every operation that reads a body
or takes query parameters. Each answer must be a documented 4xx in the error format, never
a 5xx: Schemathesis validates it against the schema like the fuzzer's own requests."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from werkzeug.test import Client

from tests.fuzz.api_schema import schema
from tests.fuzz.realistic import path_value
from tests.helpers.world import World, request_savepoint

RAW = schema.raw_schema
_METHODS = ("get", "post", "put", "patch", "delete")
WITH_BODY = sorted(
    (method.upper(), path)
    for path, item in RAW["paths"].items()
    for method, operation in item.items()
    if method in _METHODS and "requestBody" in operation
)
# Bodies that are JSON (not a file upload: those are read, and refused, in their own apps).
WITH_JSON_BODY = [
    (method, path)
    for method, path in WITH_BODY
    if "application/json" in RAW["paths"][path][method.lower()]["requestBody"]["content"]
]
WITH_QUERY = sorted(
    (method.upper(), path)
    for path, item in RAW["paths"].items()
    for method, operation in item.items()
    if method in _METHODS and any(p["in"] == "query" for p in operation.get("parameters", []))
)

HOSTILE_BODIES: dict[str, tuple[bytes, str]] = {
    "deep-json": (b"[" * 10_000 + b"]" * 10_000, "application/json"),
    "deep-object": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "application/json"),
    "not-json": (b"{'title': 'x'", "application/json"),
    "invalid-utf8": (b'{"title": "\xff\xfe\xfa"}', "application/json"),
    "a-list": (b"[1, 2, 3]", "application/json"),
    "a-string": (b'"hello"', "application/json"),
    "null": (b"null", "application/json"),
    "huge-number": (b'{"title": 1' + b"0" * 5000 + b"}", "application/json"),
    "nan": (b'{"title": NaN, "level": Infinity}', "application/json"),
    "text-plain": (b"title=x", "text/plain"),
    "form": (b"title=x&name=y", "application/x-www-form-urlencoded"),
    "multipart": (
        b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
    "xml": (b"<title>x</title>", "application/xml"),
    "too-large": (b'{"title": "' + b"x" * 3_000_000 + b'"}', "application/json"),
}


def _case(world: World, method: str, path: str, **kwargs: Any) -> schemathesis.Case:
    operation = schema[path][method]
    names = [p["name"] for p in RAW["paths"][path][method.lower()].get("parameters", [])]
    params = {
        name: path_value(method, path, name, world) for name in names if f"{{{name}}}" in path
    }
    return operation.Case(path_parameters=params, **kwargs)


def _send(world: World, case: schemathesis.Case, body: bytes, content_type: str | None) -> Any:
    headers = {"Authorization": f"Token {world.token_for(world.home.leader)}"}
    if content_type:
        headers["Content-Type"] = content_type
    client = Client(schema.app)
    with request_savepoint():
        response = client.open(
            case.formatted_path,
            method=case.method,
            data=body,
            headers=headers,
            query_string=case.query,
        )
    case.validate_response(response, headers=headers)
    return response


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=[f"{m} {p}" for m, p in WITH_BODY])
def test_a_hostile_body_is_refused_as_documented(
    world: World, method: str, path: str, kind: str
) -> None:
    body, content_type = HOSTILE_BODIES[kind]

    response = _send(world, _case(world, method, path), body, content_type)

    assert 400 <= response.status_code < 500, response.get_data()[:300]


_NUL_TEXTS = ("\x00", "a\x00b", "\x00" * 1000)


def _strings_with(value: Any, text: str) -> Any:
    """The body with every string replaced by `text` (keys left alone)."""
    if isinstance(value, str):
        return text
    if isinstance(value, list):
        return [_strings_with(item, text) for item in value]
    if isinstance(value, dict):
        return {key: _strings_with(item, text) for key, item in value.items()}
    return value


@pytest.mark.parametrize("text", _NUL_TEXTS, ids=["nul", "nul-inside", "nul-1000"])
@pytest.mark.parametrize(
    ("method", "path"), WITH_JSON_BODY, ids=[f"{m} {p}" for m, p in WITH_JSON_BODY]
)
def test_nul_bytes_in_every_string_of_a_valid_body_are_refused(
    world: World, method: str, path: str, text: str
) -> None:
    """A body shaped like the schema's example with every string holding NUL characters:
    a 4xx naming the fields (SQLite would store them, PostgreSQL would fail)."""
    from tests.authz.bodies import BODIES

    builder = BODIES.get((method, path))
    if builder is None or not any(
        isinstance(v, str)
        for v in json.loads(json.dumps(builder(world, world.home.leader))).values()
    ):
        pytest.skip("no string in the body")
    body = _strings_with(builder(world, world.home.leader), text)

    response = _send(
        world, _case(world, method, path), json.dumps(body).encode(), "application/json"
    )

    assert 400 <= response.status_code < 500


_HOSTILE_QUERY_VALUES = {
    "nul": "\x00",
    "huge": "9" * 400,
    "negative-huge": "-" + "9" * 400,
    "long": "x" * 20_000,
    "empty": "",
    "unicode": "\u202e\ufeff\U0001f600",
    "float": "1e308",
    "list-syntax": "[1,2]",
}


@pytest.mark.parametrize("value", sorted(_HOSTILE_QUERY_VALUES))
@pytest.mark.parametrize(("method", "path"), WITH_QUERY, ids=[f"{m} {p}" for m, p in WITH_QUERY])
def test_hostile_query_parameters_never_are_a_server_error(
    world: World, method: str, path: str, value: str
) -> None:
    names = [
        p["name"] for p in RAW["paths"][path][method.lower()]["parameters"] if p["in"] == "query"
    ]
    query = {name: _HOSTILE_QUERY_VALUES[value] for name in names}
    case = _case(world, method, path, query=query)

    response = _send(world, case, b"", None)

    assert response.status_code < 500


@pytest.mark.parametrize(("method", "path"), WITH_QUERY, ids=[f"{m} {p}" for m, p in WITH_QUERY])
def test_repeated_and_invalidly_encoded_query_parameters_never_are_a_server_error(
    world: World, method: str, path: str
) -> None:
    names = [
        p["name"] for p in RAW["paths"][path][method.lower()]["parameters"] if p["in"] == "query"
    ]
    case = _case(world, method, path)
    raw_query = "&".join(f"{name}=1&{name}=%FF%FE&{name}=%00" for name in names)
    headers = {"Authorization": f"Token {world.token_for(world.home.leader)}"}

    with request_savepoint():
        response = Client(schema.app).open(
            f"{case.formatted_path}?{raw_query}", method=method, headers=headers
        )
    case.validate_response(response, headers=headers)

    assert response.status_code < 500
