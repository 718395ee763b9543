from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors, services
from apps.accounts.api.serializers import (
    ApiTokenSerializer,
    EmailVerifyInputSerializer,
    MeSerializer,
    SignUpInputSerializer,
    SignUpOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from apps.accounts.api.throttles import AUTH_THROTTLES, SIGN_IN_THROTTLES, SIGN_UP_THROTTLES
from apps.accounts.models import ApiToken, User

if TYPE_CHECKING:
    # What APIView.get_permissions returns in the stubs: anything with has_permission().
    from rest_framework.permissions import _SupportsHasPermission

LOCKED_OUT = OpenApiResponse(
    description="Too many attempts: locked out for the cool-off, or throttled (Retry-After)."
)


SIGN_UP_SENT = gettext_noop(
    "Check your inbox: we sent an e-mail to this address. A new account is confirmed with "
    "the link in it."
)


class SignUpView(APIView):
    """Sign up. The answer is the same whether or not the address has an account (202, and
    nobody signed in): a new address gets an unconfirmed account and a link that confirms
    it (`auth/verify/`), an existing account's owner an e-mail. Ask `auth/token/` once the
    address is confirmed."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = SIGN_UP_THROTTLES

    @extend_schema(
        request=SignUpInputSerializer, responses={202: SignUpOutputSerializer, 429: LOCKED_OUT}
    )
    def post(self, request: Request) -> Response:
        data = SignUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_sign_up(**data.validated_data)
        return Response({"detail": gettext(SIGN_UP_SENT)}, status=status.HTTP_202_ACCEPTED)


class EmailVerifyView(APIView):
    """Confirm a new account's address with the mailed link's `uid` and `token` and the
    account's password; answers a first API token for this device, like `auth/token/`."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        request=EmailVerifyInputSerializer,
        responses={200: TokenOutputSerializer, 429: LOCKED_OUT},
    )
    def post(self, request: Request) -> Response:
        data = EmailVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_email_verify(
            uidb64=data.validated_data["uid"],
            token=data.validated_data["token"],
            password=data.validated_data["password"],
        )
        api_token, secret = services.api_token_create(
            user=user, name=data.validated_data.get("name", "")
        )
        return Response(
            TokenOutputSerializer({"token": secret, "api_token": api_token, "user": user}).data
        )


class TokenView(APIView):
    """Exchange e-mail and password for a new API token of one device or client (optionally
    named); DELETE revokes the token the request is signed with (signing this client out)."""

    throttle_classes = SIGN_IN_THROTTLES

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        request=TokenInputSerializer, responses={200: TokenOutputSerializer, 429: LOCKED_OUT}
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user, api_token, secret = services.user_token_obtain(
                request=request, **data.validated_data
            )
        except services.SignInLockedOut as exc:
            raise Throttled(wait=exc.retry_after, detail=exc.message) from None
        return Response(
            TokenOutputSerializer({"token": secret, "api_token": api_token, "user": user}).data
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        # Signed in with a session, the request uses no token: nothing to revoke.
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(
                user=request.user,  # type: ignore[arg-type]
                token_id=request.auth.pk,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _current_token_id(request: Request) -> int | None:
    return request.auth.pk if isinstance(request.auth, ApiToken) else None


class ApiTokenListView(generics.ListAPIView[ApiToken]):
    """The person's API tokens, one per device or client (never their secrets); DELETE
    revokes them all, this request's own token included."""

    serializer_class = ApiTokenSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.api_tokens_of(self.request.user)  # type: ignore[arg-type]

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "current_token_id": _current_token_id(self.request),
        }

    @extend_schema(operation_id="me_tokens_revoke_all", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.api_tokens_revoke_all(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenDetailView(APIView):
    """Revoke one of the person's tokens; another person's token is a 404."""

    @extend_schema(operation_id="me_tokens_revoke", request=None, responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in person's profile and preferences. (Changing them reschedules what waits
    for the person: `apps.home.api.views.MeView`, the route's view.)"""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated: never the anonymous user
        return Response(MeSerializer(user).data)
