from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts import services
from apps.accounts.api.serializers import (
    MeSerializer,
    PreferencesInputSerializer,
    SignUpInputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from apps.core.errors import DomainError


class SignUpView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=SignUpInputSerializer, responses={201: TokenOutputSerializer})
    def post(self, request: Request) -> Response:
        data = SignUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_sign_up(**data.validated_data)
        token = services.user_token(user=user)
        return Response(
            TokenOutputSerializer({"token": token, "user": user}).data,
            status=status.HTTP_201_CREATED,
        )


class TokenView(APIView):
    """Exchange e-mail and password for an API token; DELETE revokes it."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(request=TokenInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            email=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise DomainError("E-mail address or password is wrong.", field="password")
        token = services.user_token(user=user)  # type: ignore[arg-type]
        return Response(TokenOutputSerializer({"token": token, "user": user}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.user_token_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in person's profile and preferences."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=PreferencesInputSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        data = PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_preferences(
            user=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(MeSerializer(user).data)
