"""What prepares a meeting: the person's own private note on an occurrence, the series'
standing talking points, and comments on agenda items."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkins import selectors, services
from apps.checkins.api import serializers as s
from apps.checkins.api.views.common import ITEM_ID, SERIES_ID, START, TANDEM_ID, Scoped
from apps.checkins.models import PrivateNote

POINT_ID = OpenApiParameter("point_id", int, OpenApiParameter.PATH)
COMMENT_ID = OpenApiParameter("comment_id", int, OpenApiParameter.PATH)


def _note(note: PrivateNote | None) -> dict[str, Any]:
    if note is None:
        return {"text": "", "updated_at": None}
    return {"text": note.text, "updated_at": note.updated_at}


@extend_schema(parameters=[TANDEM_ID, SERIES_ID, START])
class PrivateNoteView(Scoped, APIView):
    """The asking person's own private note on an occurrence. Only its author ever reads it:
    the partner gets their own (or an empty one) here, and it is in no other answer, export,
    search, calendar or notice."""

    @extend_schema(responses=s.PrivateNoteSerializer)
    def get(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        _series, occurrence = selectors.occurrence_get(
            membership=self.membership, series_id=series_id, start=start
        )
        note = selectors.private_note_of(membership=self.membership, occurrence=occurrence)
        return Response(s.PrivateNoteSerializer(_note(note)).data)

    @extend_schema(request=s.PrivateNoteInputSerializer, responses=s.PrivateNoteSerializer)
    def put(self, request: Request, tandem_id: int, series_id: int, start: str) -> Response:
        data = s.PrivateNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.private_note_save(
            membership=self.membership,
            series_id=series_id,
            start=selectors.start_resolve(
                membership=self.membership, series_id=series_id, value=start
            ),
            text=data.validated_data["text"],
        )
        return Response(s.PrivateNoteSerializer(_note(note)).data)


@extend_schema(parameters=[TANDEM_ID, SERIES_ID])
class TalkingPointListView(Scoped, APIView):
    """The series' standing agenda as it is now; each occurrence still ahead shows it."""

    @extend_schema(responses=s.TalkingPointSerializer(many=True))
    def get(self, request: Request, tandem_id: int, series_id: int) -> Response:
        series = selectors.series_get(membership=self.membership, series_id=series_id)
        points = selectors.talking_points_of(series=series)
        return Response(s.TalkingPointSerializer(points, many=True).data)

    @extend_schema(
        request=s.TalkingPointCreateInputSerializer, responses={201: s.TalkingPointSerializer}
    )
    def post(self, request: Request, tandem_id: int, series_id: int) -> Response:
        data = s.TalkingPointCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        point = services.talking_point_add(
            membership=self.membership, series_id=series_id, **data.validated_data
        )
        return Response(s.TalkingPointSerializer(point).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, POINT_ID])
class TalkingPointDetailView(Scoped, APIView):
    """Either member changes or removes a standing point. A new text or kind is a new
    version with a new id (meetings that have started keep the one they had)."""

    @extend_schema(request=s.TalkingPointUpdateInputSerializer, responses=s.TalkingPointSerializer)
    def patch(self, request: Request, tandem_id: int, point_id: int) -> Response:
        data = s.TalkingPointUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        point = services.talking_point_update(
            membership=self.membership, point_id=point_id, **data.validated_data
        )
        return Response(s.TalkingPointSerializer(point).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tandem_id: int, point_id: int) -> Response:
        services.talking_point_remove(membership=self.membership, point_id=point_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TANDEM_ID, ITEM_ID])
class AgendaCommentListView(Scoped, APIView):
    """Comments on an agenda item, oldest first, with those on the same topic on earlier
    meetings it was carried from (their `item` says which); either member adds one (the
    partner is told)."""

    @extend_schema(responses=s.AgendaCommentSerializer(many=True))
    def get(self, request: Request, tandem_id: int, item_id: int) -> Response:
        item = selectors.agenda_item_get(membership=self.membership, item_id=item_id)
        comments = selectors.comments_of(item=item)
        return Response(s.AgendaCommentSerializer(comments, many=True).data)

    @extend_schema(
        request=s.AgendaCommentInputSerializer, responses={201: s.AgendaCommentSerializer}
    )
    def post(self, request: Request, tandem_id: int, item_id: int) -> Response:
        data = s.AgendaCommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.agenda_comment_add(
            membership=self.membership, item_id=item_id, text=data.validated_data["text"]
        )
        return Response(s.AgendaCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, COMMENT_ID])
class AgendaCommentDetailView(Scoped, APIView):
    """Only the author removes their comment."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tandem_id: int, comment_id: int) -> Response:
        services.agenda_comment_delete(membership=self.membership, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
