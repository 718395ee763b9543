"""The API's JSON renderer on orjson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework import renderers

from apps.core.api.fast.switch import stock_path

_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer on orjson: the same JSON content, compact, UTF-8.

    Types orjson does not handle itself (and datetimes, which DRF formats its own way) go
    through DRF's encoder. Indented output (`; indent=` in Accept, the browsable API) takes
    the stock path.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        if stock_path.get() or indent is not None or not self.compact or self.ensure_ascii:
            return super().render(data, accepted_media_type, renderer_context)
        encoder = self.encoder_class()
        try:
            return orjson.dumps(data, default=encoder.default, option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:
            # Something orjson refuses where the standard library has its own rules (an
            # integer beyond 64 bits, NaN with strict JSON): the stock path decides.
            return super().render(data, accepted_media_type, renderer_context)
