"""Occurrences: those in a window or the next ones, one with its agenda, action items and
retros, and skipping, restoring or moving one."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkins import selectors, services
from apps.checkins.api import serializers as s
from apps.checkins.api.views.common import SERIES_ID, START, TANDEM_ID, Scoped
from apps.checkins.models import CheckInSeries, Occurrence
from apps.core.api import fast
from apps.core.api.serializers import NAIVE_DATE_TIME
from apps.core.errors import DomainError


@extend_schema(
    parameters=[
        TANDEM_ID,
        SERIES_ID,
        OpenApiParameter(
            "from",
            OpenApiTypes.DATETIME,
            description="Window start (inclusive), with an offset; give `to` with it.",
        ),
        OpenApiParameter(
            "to",
            OpenApiTypes.DATETIME,
            description="Window end (exclusive), with an offset; at most 400 days after `from`.",
        ),
        OpenApiParameter(
            "next",
            {"type": "integer", "minimum": 1, "maximum": 100},
            description="Instead of a window: the next N (default 10).",
        ),
    ]
)
class OccurrenceListView(Scoped, APIView):
    """Occurrences in a window (`from`/`to`, at most 400 days) or the next N (default 10).

    Read as plain values (`selectors.OccurrenceRow`) and written by the compiled serializer
    (`apps.core.api.fast`); inside `fast.stock()` as model instances through DRF's path, with
    the same answer (tests/perf/test_fast_paths.py)."""

    @extend_schema(responses=s.OccurrenceSerializer(many=True))
    def get(self, request: Request, tandem_id: int, series_id: int) -> Response:
        series = selectors.series_get(membership=self.membership, series_id=series_id)
        params = request.query_params
        if "from" in params or "to" in params:
            bounds = {}
            for name in ("from", "to"):
                value = parse_datetime(params.get(name, ""))
                if value is None:
                    raise DomainError(
                        gettext_noop("An ISO 8601 date-time with an offset."), field=name
                    )
                if timezone.is_naive(value):
                    raise DomainError(NAIVE_DATE_TIME, field=name)
                # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
                bounds[name] = value.astimezone(UTC)
            found = selectors.occurrences_between_for(
                series=series,
                window_start=bounds["from"],
                window_end=bounds["to"],
                plain=fast.enabled(),
            )
        else:
            try:
                n = int(params.get("next", "10"))
            except ValueError:
                raise DomainError(gettext_noop("A whole number."), field="next") from None
            found = selectors.occurrences_next_for(
                series=series, after=timezone.now(), n=n, plain=fast.enabled()
            )
        return Response(fast.many(s.OccurrenceSerializer(), found))


def _detail(series: CheckInSeries, occurrence: Occurrence) -> dict[str, Any]:
    context = {
        "standing": selectors.standing_points_for(series=series, occurrence=occurrence),
        "agenda": list(selectors.agenda_of(occurrence=occurrence)),
        "action_items": list(
            selectors.action_items_of(tandem=series.tandem).filter(occurrence=occurrence)
            if occurrence.pk
            else []
        ),
        "retros": list(selectors.retros_of(occurrence=occurrence)),
    }
    occurrence.series = series
    return s.OccurrenceDetailSerializer(occurrence, context=context).data


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class OccurrenceDetailView(Scoped, APIView):
    @extend_schema(responses=s.OccurrenceDetailSerializer)
    def get(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        series, occurrence = selectors.occurrence_get(
            membership=self.membership, series_id=series_id, start=start
        )
        return Response(_detail(series, occurrence))

    @extend_schema(
        request=s.OccurrenceUpdateInputSerializer, responses=s.OccurrenceDetailSerializer
    )
    def patch(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        data = s.OccurrenceUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occurrence = services.occurrence_update(
            membership=self.membership,
            series_id=series_id,
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
            notes=data.validated_data.get("notes"),
            held=data.validated_data.get("held"),
        )
        return Response(_detail(occurrence.series, occurrence))


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class OccurrenceSkipView(Scoped, APIView):
    """Skip this one occurrence; its open agenda moves on to the next."""

    @extend_schema(request=None, responses=s.OccurrenceSerializer)
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        occurrence = services.occurrence_skip(
            membership=self.membership,
            series_id=series_id,
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
        )
        return Response(s.OccurrenceSerializer(occurrence).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class OccurrenceRestoreView(Scoped, APIView):
    """Undo a skip or a move."""

    @extend_schema(request=None, responses=s.OccurrenceSerializer)
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        occurrence = services.occurrence_restore(
            membership=self.membership,
            series_id=series_id,
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
        )
        return Response(s.OccurrenceSerializer(occurrence).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class OccurrenceMoveView(Scoped, APIView):
    """Move this one occurrence to another future time (not onto another occurrence)."""

    @extend_schema(request=s.OccurrenceMoveInputSerializer, responses=s.OccurrenceSerializer)
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        data = s.OccurrenceMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occurrence = services.occurrence_move(
            membership=self.membership,
            series_id=series_id,
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
            to=data.validated_data["to"],
        )
        return Response(s.OccurrenceSerializer(occurrence).data)
