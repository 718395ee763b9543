"""Reads about the signed-in person's own things, always scoped to them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import ApiToken, User
from apps.core.errors import NotFound


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's API tokens that still sign in, newest first."""
    tokens: QuerySet[ApiToken] = ApiToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user
    ).order_by("-created", "-id")
    return tokens


def api_token_get_for_owner(*, user: User, token_id: int) -> ApiToken:
    """One of the person's tokens; another person's is NotFound, exactly like a missing one."""
    token = api_tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(gettext_noop("Not found."))
    return token
