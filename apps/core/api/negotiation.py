"""Content negotiation with the usual request answered without parsing: no `Accept` header,
`*/*` or exactly the first renderer's media type (and no `format`) is the first renderer
with its own media type, what DRF's negotiation answers for them after parsing the header
and ranking every renderer against it (tests/apps/core/test_api_negotiation.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> Any:
        if isinstance(renderers, list) and renderers and not format_suffix:
            first = renderers[0]
            accept = request.META.get("HTTP_ACCEPT")
            if (
                (accept is None or accept == "*/*" or accept == first.media_type)
                and "*" not in first.media_type
                and ";" not in first.media_type
                and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            ):
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
