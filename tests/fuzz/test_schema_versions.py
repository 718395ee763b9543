"""The published schema is OpenAPI 3.1 (with the `webhooks` section); the fuzzing reads its
3.0 rendering (tests/fuzz/api_schema.py). Both must describe the same operations, else the
fuzzing would miss some."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.fuzz.api_schema import FUZZED_OAS_VERSION, schema

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (path, method, operation.get("operationId", ""))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_fuzzing_covers_every_operation_of_the_published_schema() -> None:
    published = Client().get("/api/schema/", {"format": "json"}).json()
    fuzzed = schema.raw_schema

    assert published["openapi"].startswith("3.1.")
    assert fuzzed["openapi"] == FUZZED_OAS_VERSION
    assert len(operations(published)) > 100
    assert operations(fuzzed) == operations(published)
    loaded = {(op.ok().path, op.ok().method.lower()) for op in schema.get_all_operations()}
    assert loaded == {(path, method) for path, method, _ in operations(published)}
