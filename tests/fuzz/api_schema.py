"""The API's own OpenAPI schema, loaded through WSGI once for the fuzzing tests."""

from __future__ import annotations

import schemathesis
from django.core.handlers.wsgi import WSGIHandler

schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
