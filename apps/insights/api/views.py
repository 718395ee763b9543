"""The Insights API: the figures of a range of months as JSON, or as CSV rows."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.insights import periods, selectors, services
from apps.insights.api.serializers import (
    AgendaSuggestionInputSerializer,
    AgendaSuggestionSerializer,
    InsightsSerializer,
    RangeQuerySerializer,
)
from apps.insights.figures import Insights
from apps.tandems.api.mixins import TandemScopedMixin

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
RANGE = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day; default a year ago."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day; default today."),
]


def _insights(view: TandemScopedMixin, request: Request) -> Insights:
    query = RangeQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    membership = view.membership
    today = periods.today_in(membership.tandem.timezone)
    default_first, default_last = periods.default_range(today)
    first: date = query.validated_data.get("from", default_first)
    last: date = query.validated_data.get("to", default_last)
    return selectors.insights_for(membership=membership, first=first, last=last)


@extend_schema(tags=["insights"], parameters=[TANDEM_ID, *RANGE])
class InsightsView(TandemScopedMixin, APIView):
    """Trust made visible: promises kept, speed of alignment, growing autonomy, safety
    signals, balance and feedback, month by month in the tandem's timezone. Both members
    see the same figures; each has its definition. No score, no ranking."""

    @extend_schema(responses=InsightsSerializer)
    def get(self, request: Request, tandem_id: int) -> Response:
        return Response(_insights(self, request).as_data())


@extend_schema(
    tags=["insights"],
    parameters=[TANDEM_ID, *RANGE],
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")},
)
class InsightsCsvView(TandemScopedMixin, APIView):
    """The monthly figures as CSV: one row per month, section, figure and series."""

    def get(self, request: Request, tandem_id: int) -> HttpResponse:
        found = _insights(self, request)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["month", "section", "figure", "series", "who", "unit", "value"])
        for section in found.sections:
            for figure in section.figures:
                for series in figure.series:
                    for month, value in zip(found.months, series.values, strict=True):
                        writer.writerow(
                            [
                                month.strftime("%Y-%m"),
                                section.key,
                                figure.key,
                                series.key,
                                series.who,
                                figure.unit,
                                "" if value is None else value,
                            ]
                        )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="insights-{tandem_id}.csv"'
        return response


@extend_schema(tags=["insights"], parameters=[TANDEM_ID])
class SuggestionView(TandemScopedMixin, APIView):
    """Put the monthly look back's agenda suggestion of a month on the tandem's next check-in
    (either member; once per tandem and month: a second call adds nothing and answers 200 with
    the item added first). 409 when no check-in is planned."""

    @extend_schema(
        request=AgendaSuggestionInputSerializer,
        responses={201: AgendaSuggestionSerializer, 200: AgendaSuggestionSerializer},
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = AgendaSuggestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = services.parse_month(data.validated_data["month"])
        item, created = services.suggestion_add(membership=self.membership, month=month)
        body = {
            "month": month.strftime("%Y-%m"),
            "created": created,
            "agenda_item": item.pk,
            "text": item.text,
            "series": item.occurrence.series_id,
            "occurrence_start": item.occurrence.original_start,
        }
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(AgendaSuggestionSerializer(body).data, status=code)
