"""The API operations that compose the apps: deleting a tandem (with what every app keeps of
it), the whole-tandem export, joining, leaving and removing a member (the partner is told),
changing one's preferences (what waits is rescheduled) and deleting one's account. Their
routes keep their paths (apps.home.api.urls); the other operations of tandems and accounts
stay in those apps."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.api import views as account_views
from apps.accounts.api.serializers import (
    AccountDeleteInputSerializer,
    MeSerializer,
    PreferencesInputSerializer,
)
from apps.accounts.api.throttles import AUTH_THROTTLES
from apps.accounts.api.views import LOCKED_OUT
from apps.checkins import selectors as checkin_selectors
from apps.checkins.api.views.common import ICS, _ics
from apps.checkins.feeds import build_calendar
from apps.contacts import feeds as contact_feeds
from apps.home import selectors as home_selectors
from apps.home import services
from apps.home.api.serializers import WeekQuerySerializer, WeekSerializer
from apps.home.export import TandemExportSerializer, tandem_export
from apps.tandems import selectors
from apps.tandems.api import views as tandem_views
from apps.tandems.api.mixins import TandemScopedMixin
from apps.tandems.api.serializers import InvitationAcceptInputSerializer, TandemSerializer

TANDEM_ID = tandem_views.TANDEM_ID


class MeView(account_views.MeView):
    """The signed-in person's profile and preferences."""

    @extend_schema(request=PreferencesInputSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        data = PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_preferences(
            user=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(MeSerializer(user).data)


class WeekView(APIView):
    """My week at a glance, across all my tandems: the check-ins of the next days with their
    agenda counts, my open action items and those I wait for, the requests to answer and
    decisions to acknowledge (the leader's), my requests waiting (the assistant's), and the
    feedback to write. A fixed number of queries, whatever the number of tandems."""

    @extend_schema(parameters=[WeekQuerySerializer], responses=WeekSerializer)
    def get(self, request: Request) -> Response:
        query = WeekQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        days = query.validated_data["days"]
        weeks = home_selectors.week_for(user=request.user, now=now, days=days)  # type: ignore[arg-type]
        body = {"from_": now, "to": now + timedelta(days=days), "tandems": weeks}
        return Response(WeekSerializer(body).data)


class TandemDetailView(tandem_views.TandemDetailView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, tandem_id: int) -> Response:
        services.tandem_delete(membership=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TANDEM_ID])
class TandemExportView(TandemScopedMixin, APIView):
    """Everything in the tandem the signed-in member may see, as one JSON document to keep
    (the partner's feedback only once revealed). Each export is recorded in the audit log."""

    @extend_schema(responses=TandemExportSerializer)
    def get(self, request: Request, tandem_id: int) -> Response:
        data = TandemExportSerializer(tandem_export(membership=self.membership)).data
        filename = f"tandem-{self.tandem.pk}-export.json"
        return Response(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@extend_schema(parameters=[TANDEM_ID, OpenApiParameter("member_id", int, OpenApiParameter.PATH)])
class MemberDetailView(TandemScopedMixin, APIView):
    @extend_schema(
        responses={204: None},
        description="The leader removes the other member from their seat (who then no longer "
        "sees the tandem, and is told by e-mail); the seat is free for a successor and "
        "everything shared stays. `member_id` is the seat's id from `members/`. Leaving "
        "oneself is `leave/`.",
    )
    def delete(self, request: Request, tandem_id: int, member_id: int) -> Response:
        services.membership_remove(membership=self.membership, member_id=member_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TANDEM_ID])
class LeaveView(TandemScopedMixin, APIView):
    @extend_schema(
        request=None,
        responses={204: None, 409: OpenApiResponse(description="The only member cannot leave.")},
        description="Leave the tandem: the seat is free for a successor, everything shared "
        "stays with the tandem (named as a former member's), and the tandem is no longer "
        "yours to see. The partner is told. The only member deletes the tandem instead.",
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        services.membership_leave(membership=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(APIView):
    """Join a tandem with the token from an invitation e-mail."""

    @extend_schema(request=InvitationAcceptInputSerializer, responses={201: TandemSerializer})
    def post(self, request: Request) -> Response:
        data = InvitationAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            user=request.user,  # type: ignore[arg-type]
            token=data.validated_data["token"],
        )
        tandem = selectors.tandems_with_members_for(request.user).get(pk=membership.tandem_id)  # type: ignore[arg-type]
        return Response(TandemSerializer(tandem).data, status=status.HTTP_201_CREATED)


class AccountDeleteView(APIView):
    """Delete one's own account, confirmed with the password (an account made by single
    sign-on has none: its e-mail address in `password` confirms it). The person is anonymised
    ("Deleted person"); what they share with a partner stays readable for the partner."""

    throttle_classes = AUTH_THROTTLES

    @extend_schema(request=AccountDeleteInputSerializer, responses={204: None, 429: LOCKED_OUT})
    def post(self, request: Request) -> Response:
        data = AccountDeleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_delete(
            user=request.user,  # type: ignore[arg-type]
            password=data.validated_data["password"],
        )
        session = getattr(request._request, "session", None)
        if session is not None:
            session.flush()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH)], auth=[], responses=ICS
)
class CalendarFeedIcsView(APIView):
    """The private feed itself: no login, the token in the URL is the key. 404 once revoked.
    The person's check-ins, and the occasions of their contacts if they chose so."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request, token: str) -> HttpResponse:
        user = checkin_selectors.feed_user_for_token(token)
        series = checkin_selectors.series_for_feed(user=user)
        body = build_calendar(series, name="Tandem", extra=contact_feeds.occasion_events(user))
        return _ics(body, "tandem.ics")
