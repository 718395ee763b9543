"""The inbox and the notification preferences of the signed-in person."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.core.api import fast
from apps.core.api.serializers import BIGINT_MAX
from apps.core.text import SINGLE_LINE_REFUSES
from apps.notifications import selectors, services
from apps.notifications.api.serializers import (
    InboxFilterSerializer,
    MarkedSerializer,
    NoticeSerializer,
    NotificationPreferencesInputSerializer,
    NotificationPreferencesSerializer,
    UnreadCountSerializer,
)
from apps.notifications.models import Notice

_ONE_LINE_NOT_BLANK = (
    f"^[^{SINGLE_LINE_REFUSES}]*[^\\s{SINGLE_LINE_REFUSES}][^{SINGLE_LINE_REFUSES}]*$"
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


@extend_schema(
    parameters=[
        OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread (or read) ones."),
        OpenApiParameter(
            "kind",
            # One line, not blank: the text policy (apps.core.text) the filter applies.
            {"type": "string", "minLength": 1, "maxLength": 50, "pattern": _ONE_LINE_NOT_BLANK},
            description="Only notices of this kind.",
        ),
        OpenApiParameter(
            "tandem",
            {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
            description="Only about this tandem.",
        ),
    ]
)
class InboxView(fast.FastPagesMixin, generics.ListAPIView[Notice]):
    """The person's delivered notices, newest first (a page read as plain values)."""

    serializer_class = NoticeSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notice]:
        keys = ("unread", "kind", "tandem")
        given = {k: self.request.query_params[k] for k in keys if k in self.request.query_params}
        filters: dict[str, Any] = {}
        if given:  # none given (the usual first page): nothing to validate, nothing to filter
            data = InboxFilterSerializer(data=given)
            data.is_valid(raise_exception=True)
            filters = data.validated_data
        notices = selectors.inbox_for(_user(self.request))
        if "unread" in filters:
            notices = notices.filter(read_at__isnull=filters["unread"])
        if "kind" in filters:
            notices = notices.filter(kind=filters["kind"])
        if "tandem" in filters:
            notices = notices.filter(tandem_id=filters["tandem"])
        return notices


class NoticeView(APIView):
    @extend_schema(responses=NoticeSerializer)
    def get(self, request: Request, notice_id: int) -> Response:
        notice = selectors.notice_get_for_recipient(user=_user(request), notice_id=notice_id)
        return Response(NoticeSerializer(notice).data)


class NoticeReadView(APIView):
    """Mark one notice read."""

    @extend_schema(request=None, responses=NoticeSerializer)
    def post(self, request: Request, notice_id: int) -> Response:
        notice = services.notice_mark_read(user=_user(request), notice_id=notice_id)
        return Response(NoticeSerializer(notice).data)


class InboxReadAllView(APIView):
    """Mark every notice in the inbox read."""

    @extend_schema(request=None, responses=MarkedSerializer)
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notices_mark_all_read(user=_user(request))})


class UnreadCountView(APIView):
    @extend_schema(responses=UnreadCountSerializer)
    def get(self, request: Request) -> Response:
        count = selectors.inbox_for(_user(request)).filter(read_at__isnull=True).count()
        return Response({"unread": count})


class NotificationPreferencesView(APIView):
    """E-mail on or off, altogether and per kind of notice, and the digest. The inbox shows
    every kind, always. Quiet hours, window and pause are on /me/."""

    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request: Request) -> Response:
        prefs = selectors.notification_preferences_of(_user(request))
        return Response(NotificationPreferencesSerializer(prefs).data)

    @extend_schema(
        request=NotificationPreferencesInputSerializer, responses=NotificationPreferencesSerializer
    )
    def patch(self, request: Request) -> Response:
        data = NotificationPreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prefs = services.notification_preferences_update(user=_user(request), **data.validated_data)
        return Response(NotificationPreferencesSerializer(prefs).data)
