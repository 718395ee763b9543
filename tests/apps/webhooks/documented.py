"""The events as the OpenAPI schema documents them (its `webhooks` section), to check real
payloads against."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

BASE = "urn:tandem-api"


@cache
def document() -> dict[str, Any]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(generated))
    return loaded


def body_ref(event_type: str) -> str:
    operation = document()["webhooks"][event_type]["post"]
    ref: str = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref


@cache
def _validator(event_type: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        BASE, DRAFT202012.create_resource(document())
    )
    return Draft202012Validator(
        {"$ref": BASE + body_ref(event_type)}, registry=registry, format_checker=FormatChecker()
    )


def problems(payload: dict[str, Any]) -> list[str]:
    """Where `payload` differs from the documented body of its event (empty: it matches)."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in _validator(payload["type"]).iter_errors(payload)
    ]
