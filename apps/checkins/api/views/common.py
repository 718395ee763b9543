"""What the check-in API views share: the path parameters of the schema, the scope of a
tandem, and how a calendar is answered."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from apps.tandems.api.mixins import TandemScopedMixin

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
SERIES_ID = OpenApiParameter("series_id", int, OpenApiParameter.PATH)
START = OpenApiParameter(
    "start",
    str,
    OpenApiParameter.PATH,
    description=(
        "The occurrence's computed start in UTC, e.g. 2026-03-02T08:00:00Z (its `key`), or "
        "`next` (the next one to start, not skipped; a moved one at its new time) or "
        "`current` (the one under way now; 404 when none is)."
    ),
)
ITEM_ID = OpenApiParameter("item_id", int, OpenApiParameter.PATH)
ICS = {(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCalendar")}


Scoped = TandemScopedMixin


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response
