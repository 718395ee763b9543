from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.health import health

_HealthSerializer = inline_serializer(
    "Health",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "database": serializers.DictField(),
        "broker": serializers.DictField(),
        "scheduler_last_tick_seconds_ago": serializers.FloatField(allow_null=True),
    },
)


class HealthView(APIView):
    """200 when the database and the broker answer, 503 otherwise."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []

    @extend_schema(responses={200: _HealthSerializer, 503: _HealthSerializer})
    def get(self, request: Request) -> Response:
        ok, report = health()
        return Response(report, status=200 if ok else 503)
