"""Series: listing and creating them, one series, a new timing (and its preview), the retro
trend, and one series as a calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkins import selectors, services
from apps.checkins.api import serializers as s
from apps.checkins.api.views.common import ICS, SERIES_ID, TANDEM_ID, Scoped, _ics
from apps.checkins.feeds import build_calendar
from apps.checkins.models import CheckInSeries
from apps.checkins.rescheduling import describe
from apps.core.text import one_line


def _timing(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "recurrence": services.recurrence_build(
            frequency=values["frequency"],
            interval=values["interval"],
            weekdays=values["weekdays"],
            month_day=values["month_day"],
            nth=values["nth"],
            count=values["count"],
            until=values["until"],
            month=values["month"],
        ),
        "local_time": values["local_time"],
        "timezone_name": values["timezone"],
        "duration": timedelta(minutes=values["duration_minutes"]),
    }


@extend_schema(parameters=[TANDEM_ID])
class SeriesListView(Scoped, generics.ListAPIView[CheckInSeries]):
    """The tandem's check-in series; POST starts a new one."""

    serializer_class = s.SeriesSerializer
    queryset = CheckInSeries.objects.none()  # for the schema; the real one is scoped below
    filterset_fields = ["active"]
    ordering_fields = ["start_date", "title", "created_at"]

    def get_queryset(self) -> QuerySet[CheckInSeries]:
        return selectors.series_of(tandem=self.tandem).order_by("start_date", "id")

    @extend_schema(request=s.SeriesCreateInputSerializer, responses={201: s.SeriesSerializer})
    def post(self, request: Request, tandem_id: int) -> Response:
        data = s.SeriesCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        series = services.series_create(
            membership=self.membership,
            title=values["title"],
            start_date=values["start_date"],
            reminder_lead=timedelta(minutes=values["reminder_lead_minutes"]),
            agenda_template=values.get("agenda_template", ""),
            **_timing(values),
        )
        return Response(s.SeriesSerializer(series).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID])
class SeriesDetailView(Scoped, APIView):
    @extend_schema(responses=s.SeriesSerializer)
    def get(self, request: Request, tandem_id: int, series_id: int) -> Response:
        series = selectors.series_get(membership=self.membership, series_id=series_id)
        return Response(s.SeriesSerializer(series).data)

    @extend_schema(request=s.SeriesUpdateInputSerializer, responses=s.SeriesSerializer)
    def patch(self, request: Request, tandem_id: int, series_id: int) -> Response:
        data = s.SeriesUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lead = values.get("reminder_lead_minutes")
        series = services.series_update(
            membership=self.membership,
            series_id=series_id,
            title=values.get("title"),
            reminder_lead=None if lead is None else timedelta(minutes=lead),
            active=values.get("active"),
        )
        return Response(s.SeriesSerializer(series).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID])
class SeriesRescheduleView(Scoped, APIView):
    """New timing from a date on; the past stays intact (the series is split). The answer
    lists what happened to skipped, moved and prepared occurrences (`changes`)."""

    preview = False

    def _reschedule(self, request: Request, series_id: int) -> services.Rescheduled:
        data = s.SeriesRescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return services.series_reschedule(
            membership=self.membership,
            series_id=series_id,
            from_date=values["from_date"],
            preview=self.preview,
            **_timing(values),
        )

    @extend_schema(
        request=s.SeriesRescheduleInputSerializer, responses=s.SeriesRescheduledSerializer
    )
    def post(self, request: Request, tandem_id: int, series_id: int) -> Response:
        done = self._reschedule(request, series_id)
        done.series.changes = describe(done.plan)  # type: ignore[attr-defined]
        return Response(s.SeriesRescheduledSerializer(done.series).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID])
class SeriesReschedulePreviewView(SeriesRescheduleView):
    """What a new timing would do, without doing it: the same checks and the same `changes`
    as the change itself."""

    preview = True

    @extend_schema(
        request=s.SeriesRescheduleInputSerializer, responses=s.ReschedulePreviewSerializer
    )
    def post(self, request: Request, tandem_id: int, series_id: int) -> Response:
        done = self._reschedule(request, series_id)
        return Response(s.ReschedulePreviewSerializer({"changes": describe(done.plan)}).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID])
class RetroTrendView(Scoped, APIView):
    @extend_schema(responses=s.RetroTrendSerializer)
    def get(self, request: Request, tandem_id: int, series_id: int) -> Response:
        series = selectors.series_get(membership=self.membership, series_id=series_id)
        trend = selectors.retro_trend(series=series, now=timezone.now())
        return Response(s.RetroTrendSerializer(trend).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID])
class SeriesCalendarView(Scoped, APIView):
    """One series as an .ics file to download."""

    @extend_schema(responses=ICS)
    def get(self, request: Request, tandem_id: int, series_id: int) -> HttpResponse:
        series = selectors.series_get(membership=self.membership, series_id=series_id)
        rows = selectors.series_for_feed(user=request.user).filter(pk=series.pk)  # type: ignore[arg-type]
        return _ics(build_calendar(rows, name=one_line(series.title)), f"checkin-{series.pk}.ics")
