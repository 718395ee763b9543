"""The events in the published OpenAPI 3.1 schema: its `webhooks` section, one entry per
event with the Standard Webhooks headers and the versioned envelope as its body."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from apps.webhooks.events import EVENTS, TEST
from tests.apps.webhooks import documented


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    document: dict[str, Any] = Client().get("/api/schema/", {"format": "json"}).json()
    return document


def test_the_events_are_the_webhooks_section_of_an_openapi_3_1_document(
    published: dict[str, Any],
) -> None:
    assert published["openapi"] == "3.1.0"
    assert "x-webhooks" not in published
    assert set(published["webhooks"]) == {*EVENTS, TEST}
    schemas = published["components"]["schemas"]
    for event_type, item in published["webhooks"].items():
        operation = item["post"]
        assert {p["name"] for p in operation["parameters"] if p["in"] == "header"} == {
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
        }
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schemas[ref.rsplit("/", 1)[1]]
        assert body["properties"]["type"]["enum"] == [event_type]
        assert body["properties"]["version"]["enum"] == [1]
        assert set(body["required"]) == {"type", "version", "timestamp", "data"}


def test_every_component_is_valid_json_schema_2020_12(published: dict[str, Any]) -> None:
    bad = {
        name: str(error.message)
        for name, schema in published["components"]["schemas"].items()
        for error in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema)
    }
    assert bad == {}


def test_a_nullable_field_of_any_type_admits_null(published: dict[str, Any]) -> None:
    """drf-spectacular writes it `oneOf: [{}, {type: null}]` in 3.1, which refuses null."""
    schemas = published["components"]["schemas"]
    for component in ("MatrixChange", "WebhookMatrixChange"):
        old = schemas[component]["properties"]["old"]
        assert Draft202012Validator(old).is_valid(None), component
        assert Draft202012Validator(old).is_valid({"level": 4}), component


def test_a_payload_that_differs_from_the_documented_body_is_caught() -> None:
    """The check tests/apps/webhooks/test_events.py runs on every recorded payload."""
    good = {
        "type": "webhook.test",
        "version": 1,
        "timestamp": "2026-12-06T05:00:00Z",
        "data": {
            "tandem": {"id": 1, "name": "T"},
            "subject": {"kind": "test", "id": 0, "title": "x", "url": "https://x.test/"},
        },
    }
    assert documented.problems(good) == []
    assert documented.problems({**good, "version": 2}) != []
    assert documented.problems({**good, "data": {"tandem": {"id": 1, "name": "T"}}}) != []
