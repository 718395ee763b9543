"""What an occurrence gathers: its agenda (and one item of it), action items (of an
occurrence, of the tandem, one of them) and retros."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkins import selectors, services
from apps.checkins.api import serializers as s
from apps.checkins.api.filters import ActionItemFilter
from apps.checkins.api.views.common import ITEM_ID, SERIES_ID, START, TANDEM_ID, Scoped
from apps.checkins.models import ActionItem

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
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
            kind=values["kind"],
            text=values["text"],
            decision_id=values["decision"],
            goal_id=values["goal"],
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
        for name in ("decision", "goal"):
            if name in values:
                values[f"{name}_id"] = values.pop(name)
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
            goal_id=values["goal"],
            series_id=series_id,
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
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
            goal_id=values["goal"],
        )
        return Response(s.ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID])
class KeptRateView(Scoped, APIView):
    """How each person kept their commitments: of the action items that fell due in a range
    (by due date, default the last 90 days; dropped ones not counted), how many were done by
    their due date, done late, or are still open. Both members see the same."""

    @extend_schema(parameters=[s.KeptRateQuerySerializer], responses=s.KeptRatesSerializer)
    def get(self, request: Request, tandem_id: int) -> Response:
        query = s.KeptRateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate(timezone=ZoneInfo(self.tandem.timezone))
        last = query.validated_data.get("to") or today
        first = query.validated_data.get("from") or last - timedelta(days=90)
        if last < first:
            raise ValidationError({"from": [gettext("The start comes after the end.")]})
        people = selectors.kept_rates(tandem=self.tandem, first=first, last=last, today=today)
        body = {"first": first, "last": last, "people": people}
        return Response(s.KeptRatesSerializer(body).data)


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
        for name in ("owner", "goal"):
            if name in values:
                values[f"{name}_id"] = values.pop(name)
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
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
            **data.validated_data,
        )
        return Response(s.RetroSerializer(retro).data, status=status.HTTP_201_CREATED)
