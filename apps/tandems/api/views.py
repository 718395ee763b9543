from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from apps.tandems import selectors, services
from apps.tandems.api.mixins import TandemScopedMixin
from apps.tandems.api.serializers import (
    FormerMemberSerializer,
    GoalSerializer,
    InvitationCreatedSerializer,
    InvitationCreateInputSerializer,
    InvitationSerializer,
    MembershipSerializer,
    TandemCreateInputSerializer,
    TandemSerializer,
    TandemUpdateInputSerializer,
)
from apps.tandems.models import FormerMember, Goal, Invitation, Membership, Tandem

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)


class TandemListView(generics.ListAPIView[Tandem]):
    """The tandems the signed-in person is in; POST starts a new one."""

    serializer_class = TandemSerializer
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[Tandem]:
        return selectors.tandems_with_members_for(self.request.user).order_by("name", "id")  # type: ignore[arg-type]

    @extend_schema(request=TandemCreateInputSerializer, responses={201: TandemSerializer})
    def post(self, request: Request) -> Response:
        data = TandemCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        tandem = services.tandem_create(
            creator=request.user,  # type: ignore[arg-type]
            name=values["name"],
            role=values["role"],
            vision=values.get("vision", ""),
            timezone_name=values.get("timezone"),
        )
        tandem = selectors.tandems_with_members_for(request.user).get(pk=tandem.pk)  # type: ignore[arg-type]
        return Response(TandemSerializer(tandem).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID])
class TandemDetailView(TandemScopedMixin, APIView):
    @extend_schema(responses=TandemSerializer)
    def get(self, request: Request, tandem_id: int) -> Response:
        tandem = selectors.tandems_with_members_for(request.user).get(pk=self.tandem.pk)  # type: ignore[arg-type]
        return Response(TandemSerializer(tandem).data)

    @extend_schema(request=TandemUpdateInputSerializer, responses=TandemSerializer)
    def patch(self, request: Request, tandem_id: int) -> Response:
        data = TandemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.tandem_update(
            membership=self.membership,
            name=values.get("name"),
            vision=values.get("vision"),
            timezone_name=values.get("timezone"),
        )
        tandem = selectors.tandems_with_members_for(request.user).get(pk=self.tandem.pk)  # type: ignore[arg-type]
        return Response(TandemSerializer(tandem).data)


@extend_schema(parameters=[TANDEM_ID])
class MemberListView(TandemScopedMixin, generics.ListAPIView[Membership]):
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # for the schema; the real one is scoped below
    pagination_class = None

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.members_of(tandem=self.tandem)


@extend_schema(parameters=[TANDEM_ID])
class FormerMemberListView(TandemScopedMixin, generics.ListAPIView[FormerMember]):
    """Who held a seat of the tandem before (left, removed, or deleted their account), newest
    first."""

    serializer_class = FormerMemberSerializer
    queryset = FormerMember.objects.none()  # for the schema; the real one is scoped below
    pagination_class = None

    def get_queryset(self) -> QuerySet[FormerMember]:
        return selectors.former_members_of(tandem=self.tandem)


@extend_schema(parameters=[TANDEM_ID])
class InvitationListView(TandemScopedMixin, generics.ListAPIView[Invitation]):
    """Invitations of the tandem; POST invites someone by e-mail to the vacant seat."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()  # for the schema; the real one is scoped below
    filterset_fields = ["role", "email"]
    ordering_fields = ["created_at", "expires_at"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitations_of(tandem=self.tandem)

    @extend_schema(
        request=InvitationCreateInputSerializer,
        responses={
            201: InvitationCreatedSerializer,
            429: OpenApiResponse(
                description="Too many invitations from this person or to this address "
                "(Retry-After)."
            ),
        },
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = InvitationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = services.invitation_create(
            membership=self.membership, **data.validated_data
        )
        invitation.token = token  # type: ignore[attr-defined]
        invitation.accept_url = request.build_absolute_uri(f"/invitations/{token}/")  # type: ignore[attr-defined]
        return Response(
            InvitationCreatedSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


@extend_schema(
    parameters=[TANDEM_ID, OpenApiParameter("invitation_id", int, OpenApiParameter.PATH)]
)
class InvitationRevokeView(TandemScopedMixin, APIView):
    @extend_schema(request=None, responses=InvitationSerializer)
    def post(self, request: Request, tandem_id: int, invitation_id: int) -> Response:
        invitation = services.invitation_revoke(
            membership=self.membership, invitation_id=invitation_id
        )
        return Response(InvitationSerializer(invitation).data)


@extend_schema_view(
    list=extend_schema(parameters=[TANDEM_ID]),
    create=extend_schema(parameters=[TANDEM_ID]),
    retrieve=extend_schema(parameters=[TANDEM_ID]),
    update=extend_schema(parameters=[TANDEM_ID]),
    partial_update=extend_schema(parameters=[TANDEM_ID]),
    destroy=extend_schema(parameters=[TANDEM_ID]),
)
class GoalViewSet(TandemScopedMixin, viewsets.ModelViewSet[Goal]):
    """The tandem's goals under its vision; both members read them, the leader changes them
    (areas of the matrix link to goals). The detail route is served by
    `apps.delegation.api.views.GoalDetailView`, whose DELETE records the areas that lose
    their goal in the matrix history."""

    serializer_class = GoalSerializer
    queryset = Goal.objects.none()  # for the schema; the real one is scoped below
    filterset_fields = ["status"]
    ordering_fields = ["position", "created_at", "title"]

    def get_queryset(self) -> QuerySet[Goal]:
        return selectors.goals_with_progress(tandem=self.tandem)

    def perform_create(self, serializer: BaseSerializer[Goal]) -> None:
        serializer.instance = services.goal_create(
            membership=self.membership, **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Goal]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.goal_update(
            membership=self.membership,
            goal_id=serializer.instance.pk,
            **serializer.validated_data,
        )
