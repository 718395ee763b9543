import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.errors import UNAVAILABLE, database_unavailable
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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 400 handler, for what Django refuses before a view answers (a Host that is
    not allowed, too many form fields …): JSON under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 403 handler (a `PermissionDenied` outside an API view's own handling):
    JSON under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Permission denied.")}, status=403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 handler: under /api/ a path that matches no route (e.g. a letter
    where an id goes) answers in the API's JSON error format, elsewhere with the page."""
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


@csrf_exempt
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """The URLconf's last route, for every path under /api/ no other route matches: the
    API's JSON 404 in every mode. With DEBUG on (`scripts/run`) Django answers a path that
    matches no route with its HTML debug page and never calls `not_found`; a route that
    matches answers the same with DEBUG on or off. Any method: a POST without a CSRF token
    learns that the path does not exist, not that the token is missing."""
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500 handler: JSON under /api/, the page elsewhere.

    A database that cannot be reached, raised where the API's own handler does not see it
    (loading the session in a middleware, a page view), is a 503 with Retry-After instead,
    as the API answers it (docs/reliability.md, "Faults and load"). The page is rendered
    without the request: context processors would ask the database again.
    """
    exc = sys.exc_info()[1]
    if exc is not None and database_unavailable(exc):
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": gettext(UNAVAILABLE)}, status=503)
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Server error.")}, status=500)
    return defaults.server_error(request)
