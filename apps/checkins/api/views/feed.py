"""The person's private calendar feed: its state, a new address, revoking it. The feed itself
composes check-ins and contact care (apps.home.api.views.CalendarFeedIcsView)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.checkins import services
from apps.checkins.api import serializers as s
from apps.checkins.models import CalendarFeed


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
