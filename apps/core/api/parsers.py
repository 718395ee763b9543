"""The API reads JSON only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested too deeply for Python's decoder (thousands of
    `[`) answered as the bad input it is (400) instead of a RecursionError (500).

    (The body's size is bounded before parsing: DRF reads it through `request.body`, which
    refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE bytes; see `apps.core.api.errors`.)
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(gettext("JSON parse error - nested too deeply.")) from None
