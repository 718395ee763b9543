"""`/api/v1/tandems/<tandem_id>/goals/<goal_id>/…`: a goal's report ("what did we do for
this goal this quarter"), its check-ins and milestones. Every view resolves the requester's
seat first (`TandemScopedMixin`), then the goal in it: another tandem's goal is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.goals import selectors, services
from apps.goals.api import serializers as s
from apps.tandems import services as tandem_services
from apps.tandems.api.mixins import TandemScopedMixin
from apps.tandems.models import Goal, GoalCheckIn

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
GOAL_ID = OpenApiParameter("goal_id", int, OpenApiParameter.PATH)
MILESTONE_ID = OpenApiParameter("milestone_id", int, OpenApiParameter.PATH)


class _GoalScoped(TandemScopedMixin):
    @property
    def goal(self) -> Goal:
        return selectors.goal_get(
            membership=self.membership,
            goal_id=self.kwargs["goal_id"],  # type: ignore[attr-defined]
        )


@extend_schema(parameters=[TANDEM_ID, GOAL_ID])
class GoalReportView(_GoalScoped, APIView):
    @extend_schema(
        parameters=[s.GoalReportQuerySerializer],
        responses=s.GoalReportSerializer,
        description="Everything that happened for the goal in a range of the tandem's days "
        "(default: this quarter; at most two years): its progress, the check-ins written, "
        "the milestones, the areas linked to it, the decisions taken towards it, the action "
        "items created or done, the agenda items of the meetings in the range.",
    )
    def get(self, request: Request, tandem_id: int, goal_id: int) -> Response:
        query = s.GoalReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        first, last = selectors.default_range(membership=self.membership)
        first = query.validated_data.get("from") or first
        last = query.validated_data.get("to") or last
        report = selectors.goal_report(
            membership=self.membership, goal_id=goal_id, first=first, last=last
        )
        return Response(s.GoalReportSerializer(report).data)


@extend_schema(parameters=[TANDEM_ID, GOAL_ID])
class GoalCheckInListView(_GoalScoped, generics.ListAPIView[GoalCheckIn]):
    """The goal's check-ins, newest first; POST writes one (either member) and tells the
    partner."""

    serializer_class = s.GoalCheckInSerializer
    queryset = GoalCheckIn.objects.none()  # for the schema; the real one is scoped below
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[GoalCheckIn]:
        return selectors.checkins_of(goal=self.goal)

    @extend_schema(request=s.GoalCheckInInputSerializer, responses={201: s.GoalCheckInSerializer})
    def post(self, request: Request, tandem_id: int, goal_id: int) -> Response:
        _ = self.goal  # a missing goal is a 404 before the body is looked at
        data = s.GoalCheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checkin = services.goal_checkin_add(
            membership=self.membership, goal_id=goal_id, **data.validated_data
        )
        return Response(s.GoalCheckInSerializer(checkin).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, GOAL_ID])
class GoalMilestoneListView(_GoalScoped, APIView):
    @extend_schema(responses=s.GoalMilestoneSerializer(many=True))
    def get(self, request: Request, tandem_id: int, goal_id: int) -> Response:
        """The goal's milestones in their order (at most 50)."""
        milestones = selectors.milestones_of(goal=self.goal)
        return Response(s.GoalMilestoneSerializer(milestones, many=True).data)

    @extend_schema(
        request=s.GoalMilestoneInputSerializer, responses={201: s.GoalMilestoneSerializer}
    )
    def post(self, request: Request, tandem_id: int, goal_id: int) -> Response:
        """The leader adds a milestone at the end."""
        _ = self.goal
        data = s.GoalMilestoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = tandem_services.goal_milestone_add(
            membership=self.membership, goal_id=goal_id, **data.validated_data
        )
        return Response(s.GoalMilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, GOAL_ID, MILESTONE_ID])
class GoalMilestoneDetailView(_GoalScoped, APIView):
    def _milestone(self, milestone_id: int) -> Any:
        return selectors.milestone_get(
            membership=self.membership, goal=self.goal, milestone_id=milestone_id
        )

    @extend_schema(
        request=s.GoalMilestoneUpdateInputSerializer,
        responses=s.GoalMilestoneSerializer,
        description="Either member ticks a milestone off (`done`) or opens it again; the "
        "leader renames it (`title`).",
    )
    def patch(self, request: Request, tandem_id: int, goal_id: int, milestone_id: int) -> Response:
        self._milestone(milestone_id)
        data = s.GoalMilestoneUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = tandem_services.goal_milestone_update(
            membership=self.membership, milestone_id=milestone_id, **data.validated_data
        )
        return Response(s.GoalMilestoneSerializer(milestone).data)

    @extend_schema(
        responses={204: None},
        description="The leader removes a milestone that is not done (a done one is a 409).",
    )
    def delete(self, request: Request, tandem_id: int, goal_id: int, milestone_id: int) -> Response:
        self._milestone(milestone_id)
        tandem_services.goal_milestone_delete(membership=self.membership, milestone_id=milestone_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
