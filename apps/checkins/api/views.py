"""Thin API views: validate shape, call a selector or a service, serialize."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.checkins import selectors, services
from apps.checkins.api import serializers as s
from apps.checkins.api.filters import ActionItemFilter
from apps.checkins.feeds import build_calendar
from apps.checkins.models import ActionItem, CalendarFeed, CheckInSeries, Occurrence
from apps.checkins.rescheduling import describe
from apps.core.api.serializers import NAIVE_DATE_TIME
from apps.core.errors import DomainError
from apps.core.text import one_line
from apps.tandems.api.mixins import TandemScopedMixin

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
SERIES_ID = OpenApiParameter("series_id", int, OpenApiParameter.PATH)
START = OpenApiParameter(
    "start",
    str,
    OpenApiParameter.PATH,
    description="The occurrence's computed start in UTC, e.g. 2026-03-02T08:00:00Z (its `key`).",
)
ITEM_ID = OpenApiParameter("item_id", int, OpenApiParameter.PATH)
ICS = {(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCalendar")}


Scoped = TandemScopedMixin


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


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- series ---------------------------------------------------------------------------------


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


# --- occurrences ----------------------------------------------------------------------------


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
    """Occurrences in a window (`from`/`to`, at most 400 days) or the next N (default 10)."""

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
                series=series, window_start=bounds["from"], window_end=bounds["to"]
            )
        else:
            try:
                n = int(params.get("next", "10"))
            except ValueError:
                raise DomainError(gettext_noop("A whole number."), field="next") from None
            found = selectors.occurrences_next_for(series=series, after=timezone.now(), n=n)
        for occurrence in found:
            occurrence.series = series  # already loaded; no query per row
        # With many=True the instance is a list; the stubs type it as one object.
        return Response(s.OccurrenceSerializer(found, many=True).data)  # type: ignore[arg-type]


def _detail(series: CheckInSeries, occurrence: Occurrence) -> dict[str, Any]:
    context = {
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
            start=selectors.parse_start(start),
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
            membership=self.membership, series_id=series_id, start=selectors.parse_start(start)
        )
        return Response(s.OccurrenceSerializer(occurrence).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class OccurrenceRestoreView(Scoped, APIView):
    """Undo a skip or a move."""

    @extend_schema(request=None, responses=s.OccurrenceSerializer)
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        occurrence = services.occurrence_restore(
            membership=self.membership, series_id=series_id, start=selectors.parse_start(start)
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
            start=selectors.parse_start(start),
            to=data.validated_data["to"],
        )
        return Response(s.OccurrenceSerializer(occurrence).data)


# --- agenda ---------------------------------------------------------------------------------


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class AgendaListView(Scoped, APIView):
    @extend_schema(responses=s.AgendaItemSerializer(many=True))
    def get(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        _series, occurrence = selectors.occurrence_get(
            membership=self.membership, series_id=series_id, start=start
        )
        items = selectors.agenda_of(occurrence=occurrence)
        return Response(s.AgendaItemSerializer(items, many=True).data)

    @extend_schema(
        request=s.AgendaItemCreateInputSerializer, responses={201: s.AgendaItemSerializer}
    )
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        data = s.AgendaItemCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = services.agenda_item_add(
            membership=self.membership,
            series_id=series_id,
            start=selectors.parse_start(start),
            kind=values["kind"],
            text=values["text"],
            decision_id=values["decision"],
        )
        return Response(s.AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, ITEM_ID])
class AgendaItemDetailView(Scoped, APIView):
    """Only the author changes kind, text and decision; either member orders and resolves."""

    @extend_schema(request=s.AgendaItemUpdateInputSerializer, responses=s.AgendaItemSerializer)
    def patch(self, request: Request, tandem_id: int, item_id: int) -> Response:
        data = s.AgendaItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "decision" in values:
            values["decision_id"] = values.pop("decision")
        item = services.agenda_item_update(membership=self.membership, item_id=item_id, **values)
        item = selectors.agenda_of(occurrence=item.occurrence).get(pk=item.pk)
        return Response(s.AgendaItemSerializer(item).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tandem_id: int, item_id: int) -> Response:
        services.agenda_item_delete(membership=self.membership, item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- action items ---------------------------------------------------------------------------


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class OccurrenceActionItemsView(Scoped, APIView):
    """Record an action item agreed in this occurrence."""

    @extend_schema(
        request=s.ActionItemCreateInputSerializer, responses={201: s.ActionItemSerializer}
    )
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        data = s.ActionItemCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = services.action_item_create(
            membership=self.membership,
            text=values["text"],
            owner_id=values["owner"],
            due_date=values["due_date"],
            series_id=series_id,
            start=selectors.parse_start(start),
        )
        return Response(s.ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID])
class ActionItemListView(Scoped, generics.ListAPIView[ActionItem]):
    """Both members' commitments; POST records one outside a check-in."""

    serializer_class = s.ActionItemSerializer
    queryset = ActionItem.objects.none()  # for the schema; the real one is scoped below
    filterset_class = ActionItemFilter
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self) -> QuerySet[ActionItem]:
        return selectors.action_items_of(tandem=self.tandem).order_by("due_date", "id")

    @extend_schema(
        request=s.ActionItemCreateInputSerializer, responses={201: s.ActionItemSerializer}
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = s.ActionItemCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = services.action_item_create(
            membership=self.membership,
            text=values["text"],
            owner_id=values["owner"],
            due_date=values["due_date"],
        )
        return Response(s.ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, ITEM_ID])
class ActionItemDetailView(Scoped, APIView):
    @extend_schema(responses=s.ActionItemSerializer)
    def get(self, request: Request, tandem_id: int, item_id: int) -> Response:
        item = selectors.action_item_get(membership=self.membership, item_id=item_id)
        return Response(s.ActionItemSerializer(item).data)

    @extend_schema(request=s.ActionItemUpdateInputSerializer, responses=s.ActionItemSerializer)
    def patch(self, request: Request, tandem_id: int, item_id: int) -> Response:
        data = s.ActionItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "owner" in values:
            values["owner_id"] = values.pop("owner")
        item = services.action_item_update(membership=self.membership, item_id=item_id, **values)
        return Response(s.ActionItemSerializer(item).data)


# --- retros ---------------------------------------------------------------------------------


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class RetroListView(Scoped, APIView):
    @extend_schema(responses=s.RetroSerializer(many=True))
    def get(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        _series, occurrence = selectors.occurrence_get(
            membership=self.membership, series_id=series_id, start=start
        )
        return Response(
            s.RetroSerializer(selectors.retros_of(occurrence=occurrence), many=True).data
        )

    @extend_schema(request=s.RetroInputSerializer, responses={201: s.RetroSerializer})
    def post(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        data = s.RetroInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        retro = services.retro_submit(
            membership=self.membership,
            series_id=series_id,
            start=selectors.parse_start(start),
            **data.validated_data,
        )
        return Response(s.RetroSerializer(retro).data, status=status.HTTP_201_CREATED)


# --- calendar feed --------------------------------------------------------------------------


class CalendarFeedView(APIView):
    """The signed-in person's private feed: POST makes a new URL (the old one stops working),
    DELETE revokes it."""

    @extend_schema(responses=s.CalendarFeedSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated: never the anonymous user
        feed = CalendarFeed.objects.filter(user_id=user.pk).first()
        data = {
            "exists": feed is not None,
            "created_at": feed and feed.created_at,
            "updated_at": feed and feed.updated_at,
        }
        return Response(s.CalendarFeedSerializer(data).data)

    @extend_schema(request=None, responses={201: s.CalendarFeedCreatedSerializer})
    def post(self, request: Request) -> Response:
        token = services.calendar_feed_regenerate(user=request.user)  # type: ignore[arg-type]
        url = request.build_absolute_uri(f"/api/v1/calendar/{token}.ics")
        return Response(
            s.CalendarFeedCreatedSerializer({"token": token, "url": url}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.calendar_feed_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH)], auth=[], responses=ICS
)
class CalendarFeedIcsView(APIView):
    """The private feed itself: no login, the token in the URL is the key. 404 once revoked."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request, token: str) -> HttpResponse:
        user = selectors.feed_user_for_token(token)
        series = selectors.series_for_feed(user=user)
        return _ics(build_calendar(series, name="Tandem"), "tandem.ics")
