"""A tandem's webhooks: endpoints (CRUD), a test event, the delivery log, redelivery."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.tandems.api.mixins import TandemScopedMixin
from apps.webhooks import selectors, services
from apps.webhooks.api.serializers import (
    EndpointCreatedSerializer,
    EndpointCreateInputSerializer,
    EndpointSerializer,
    EndpointUpdateInputSerializer,
    WebhookDeliverySerializer,
)
from apps.webhooks.models import Endpoint, WebhookDelivery

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
ENDPOINT_ID = OpenApiParameter("endpoint_id", int, OpenApiParameter.PATH)


@extend_schema(parameters=[TANDEM_ID], tags=["webhooks"])
class EndpointListView(TandemScopedMixin, generics.ListAPIView[Endpoint]):
    """The tandem's webhook endpoints; POST adds one (its secret is in that answer only)."""

    serializer_class = EndpointSerializer
    queryset = Endpoint.objects.none()  # for the schema; the real one is scoped below
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Endpoint]:
        return selectors.endpoints_of(membership=self.membership)

    @extend_schema(
        request=EndpointCreateInputSerializer, responses={201: EndpointCreatedSerializer}
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = EndpointCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(
            membership=self.membership, **data.validated_data
        )
        endpoint.secret = secret  # type: ignore[attr-defined]
        return Response(EndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID], tags=["webhooks"])
class EndpointDetailView(TandemScopedMixin, APIView):
    @extend_schema(responses=EndpointSerializer)
    def get(self, request: Request, tandem_id: int, id: int) -> Response:
        endpoint = selectors.endpoint_get(membership=self.membership, endpoint_id=id)
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(request=EndpointUpdateInputSerializer, responses=EndpointSerializer)
    def patch(self, request: Request, tandem_id: int, id: int) -> Response:
        selectors.endpoint_get(membership=self.membership, endpoint_id=id)
        data = EndpointUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            membership=self.membership, endpoint_id=id, **data.validated_data
        )
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tandem_id: int, id: int) -> Response:
        services.endpoint_delete(membership=self.membership, endpoint_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TANDEM_ID], tags=["webhooks"])
class EndpointTestView(TandemScopedMixin, APIView):
    """Send a `webhook.test` event to the endpoint now (also while it is switched off)."""

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request: Request, tandem_id: int, id: int) -> Response:
        delivery = services.endpoint_send_test(membership=self.membership, endpoint_id=id)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(parameters=[TANDEM_ID, ENDPOINT_ID], tags=["webhooks"])
class DeliveryListView(TandemScopedMixin, generics.ListAPIView[WebhookDelivery]):
    """The endpoint's delivery log, newest first: state, tries, response code, latency, next try."""

    serializer_class = WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()  # for the schema; the real one is scoped below
    ordering_fields = ["created_at", "deliver_at"]

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        return selectors.deliveries_of(
            membership=self.membership, endpoint_id=self.kwargs["endpoint_id"]
        )


@extend_schema(parameters=[TANDEM_ID, ENDPOINT_ID], tags=["webhooks"])
class DeliveryRedeliverView(TandemScopedMixin, APIView):
    """Send a finished delivery again: same event id, same payload, tries counted afresh."""

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request: Request, tandem_id: int, endpoint_id: int, id: int) -> Response:
        delivery = services.delivery_redeliver(
            membership=self.membership, endpoint_id=endpoint_id, delivery_id=id
        )
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
