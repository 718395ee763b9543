"""The OpenAPI schema as the API really behaves.

drf-spectacular documents the success answer of each operation. This schema class adds the
errors each operation can answer with, all in the one error format of
`apps.core.api.errors`, and makes input strings and ids say what the serializers refuse, so
a client (and Schemathesis, which checks the API against this schema in the test suite) can
rely on the schema:

- 400 where there is input (a body, filters) or a write that a service may refuse,
  401/403 where a person must be signed in, 404 where a path names an object or a page,
  409 where a write meets an object whose state no longer allows it, 415 where a JSON body
  is read, 429 where a view is throttled, 503 when the database is unreachable;
- a string field refuses NUL characters, and one that may not be blank also refuses a
  value of only whitespace (the serializer strips it first); one that may be blank admits ""
  (tests/fuzz/test_blank_strings.py holds every field to this);
- an input object refuses unknown keys (`additionalProperties: false`);
- an amount is a string of digits in the field's precision, a time of day a wall-clock
  time without an offset (not RFC 3339's `time`), a choice that may be blank lists "";
- an id in a path is a positive 64-bit integer, a string query parameter refuses NUL.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from apps.core.api.serializers import (
    BIGINT_MAX,
    WALL_TIME,
    StrictFieldsMixin,
    decimal_pattern,
    text_policy,
)
from apps.core.text import refused_by

NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"

ERROR_DESCRIPTIONS = {
    "400": "Invalid input. Each key names a field (or `detail`, `non_field_errors`) with "
    "the reasons.",
    "401": "Not signed in: the token (or session) is missing or invalid.",
    "403": "Signed in, but this person's role may not do this.",
    "404": "Not found, or in a tandem the person is not in (the two look the same).",
    "409": "The object's current state does not allow this.",
    "413": "The body is larger than the server accepts.",
    "415": "The body is not JSON.",
    "429": "Too many requests; retry after the seconds in Retry-After.",
    "503": "The database is unreachable; retry after the seconds in Retry-After.",
}

_LIST_PARAMETERS = {"page", "page_size", "ordering"}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer[Any]):
    """`{"detail": "reason"}` or `{"field": ["reason", …]}`; documented by the extension
    below (a serializer cannot say "any other key")."""

    detail = serializers.CharField(required=False)


class ErrorSerializerExtension(OpenApiSerializerExtension):
    target_class = ErrorSerializer

    def get_name(self, auto_schema: Any, direction: Any) -> str:
        return "Error"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "The one error format of the API: `detail` for an error about "
            "the whole request, or one key per field with a list of reasons (a nested "
            "object or list for nested input).",
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
            "minProperties": 1,
        }


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter.get("in") == "path" and schema.get("type") == "integer":
                schema.setdefault("minimum", 1)
                schema.setdefault("maximum", BIGINT_MAX)
            if (
                parameter.get("in") == "query"
                and parameter.get("name") != "ordering"
                and schema.get("type") == "string"
                and not {"enum", "format", "pattern"} & set(schema)
            ):
                # Django's form fields behind the filters refuse NUL characters.
                schema["pattern"] = NO_NUL
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        view = self.view
        parameters = operation.get("parameters", [])
        in_path = any(p.get("in") == "path" for p in parameters)
        filters = any(
            p.get("in") == "query" and p.get("name") not in _LIST_PARAMETERS for p in parameters
        )
        paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
        body = "requestBody" in operation
        write = self.method in _WRITES
        authenticates = bool(view.get_authenticators())
        signed_in = not all(isinstance(p, AllowAny) for p in view.get_permissions())
        codes = ["503"]
        if body or filters or write or in_path or paginated:
            # A path id beyond 64 bits is refused as bad input on SQLite.
            codes.append("400")
        if authenticates:
            codes.append("401")
        if signed_in:
            codes.append("403")
        if in_path or paginated or (write and signed_in):
            codes.append("404")
        if write and signed_in:
            codes.append("409")
        if body:
            codes += ["413", "415"]
        if view.get_throttles():
            codes.append("429")
        return codes

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictFieldsMixin):
            # StrictFieldsMixin refuses unknown keys.
            schema["additionalProperties"] = False
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        _one_schema_where_it_admits_blank(schema)

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and not field.allow_blank
            and _model_field_is_blank(field)
        ):
            # A ModelSerializer drops `allow_blank` from read-only fields, but the answer
            # may well be "" (e.g. a decision not answered yet).
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and isinstance(schema, dict):
            # A wall-clock time of day without an offset: not OpenAPI's `time` (RFC 3339
            # full-time, which needs one).
            schema.pop("format", None)
            schema["pattern"] = WALL_TIME
            schema.setdefault("example", "09:00:00")
        if isinstance(field, serializers.DecimalField) and isinstance(schema, dict):
            if direction == "request":
                schema["pattern"] = decimal_pattern(field)
            elif field.min_value is not None and field.min_value >= 0:
                schema["pattern"] = str(schema.get("pattern", "")).replace("^-?", "^", 1)
        policy = text_policy(field) if direction == "request" else None
        if policy is not None and isinstance(schema, dict):
            # The text policy (apps.core.text), and not blank unless blank is allowed: one
            # pattern, since the schema has room for one.
            refused = refused_by(policy)
            blank_ok = field.allow_blank or not field.trim_whitespace  # type: ignore[attr-defined]
            schema["pattern"] = (
                f"^[^{refused}]*$" if blank_ok else f"^[^{refused}]*[^\\s{refused}][^{refused}]*$"
            )
        elif (
            direction == "request"
            and isinstance(schema, dict)
            and type(field) is serializers.CharField
            and not field.read_only
            and "pattern" not in schema
        ):
            blank_ok = field.allow_blank or not field.trim_whitespace
            schema["pattern"] = NO_NUL if blank_ok else NOT_BLANK
        return schema


_BLANK_ALTERNATIVE = {"type": "string", "maxLength": 0}


def _one_schema_where_it_admits_blank(schema: dict[str, Any]) -> None:
    """drf-spectacular offers "" as a second alternative (`oneOf`) for a field that may be
    blank but has a format, a pattern or a minimum length. Where the first one admits ""
    already (the text policy's pattern of a note or a reason), "" matches both, which
    `oneOf` forbids: the schema would refuse the blank the field accepts. The first one is
    then the whole schema."""
    alternatives = schema.get("oneOf")
    if not isinstance(alternatives, list) or len(alternatives) != 2:
        return
    first, second = alternatives
    if second != _BLANK_ALTERNATIVE or not _admits_blank(first):
        return
    del schema["oneOf"]
    schema.update(first)


def _admits_blank(schema: dict[str, Any]) -> bool:
    if schema.get("type") != "string" or "format" in schema or schema.get("minLength", 0) > 0:
        return False
    pattern = schema.get("pattern")
    if pattern is None:
        return True
    try:
        return re.search(pattern, "") is not None
    except re.error:
        return False


def _model_field_is_blank(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    parent = field.parent
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    # Only a text field can hold "": a blank number field (say a weekday 0-6) holds None, and
    # "" among its integer choices would leave the enum without a type (OpenAPI 3.1 could not
    # make it nullable).
    return bool(model_field.blank) and isinstance(model_field, models.CharField | models.TextField)


_ANYTHING_OR_NULL = [{}, {"type": "null"}]


def nullable_anything(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Postprocessing hook: drf-spectacular writes a nullable field of any type (a JSONField,
    a field without a type of its own) as `oneOf: [{}, {type: null}]` in OpenAPI 3.1, which
    refuses null (null matches both alternatives, and `oneOf` wants exactly one). `{}` admits
    null already: the `oneOf` goes."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("oneOf") == _ANYTHING_OR_NULL:
                del node["oneOf"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
