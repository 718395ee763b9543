"""The API's own OpenAPI schema, loaded through WSGI once for the fuzzing tests.

The published schema (`/api/schema/`) is OpenAPI 3.1, whose JSON Schema counts `5.0` as an
integer; the API wants JSON integers written as such (`5`) and refuses `5.0` with a 400
("A whole number is required."), so Schemathesis would send `5.0` as valid data and call the
400 a bug. The fuzzing therefore loads the same view's OpenAPI 3.0 rendering, whose integers
are integers only; tests/fuzz/test_schema_versions.py checks that both renderings have the
same operations, so every published operation is fuzzed.
"""

from __future__ import annotations

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from drf_spectacular.settings import patched_settings

FUZZED_OAS_VERSION = "3.0.3"

with patched_settings({"OAS_VERSION": FUZZED_OAS_VERSION}):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
