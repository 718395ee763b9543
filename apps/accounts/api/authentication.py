"""Token sign-in for the API (django-rest-knox) that also speaks the person's language and
notes when each token was last used.

`UserLanguageMiddleware` activates the profile's language for a session, but a token is
checked later, by DRF inside the view: without this, a token client would get its
Accept-Language (or English), not the language its person chose. Activated here, before the
view runs, every message of the answer (validation, domain errors, DRF's own) is in that
language, and LocaleMiddleware's Content-Language header says so.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth
from rest_framework.request import Request

from apps.accounts.models import ApiToken

# A busy client writes its "last used" at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <key>`; `request.auth` is the `ApiToken`."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            user, token = result
            _note_use(token)
            language = getattr(user, "language", "")
            if language:
                translation.activate(language)
                # On the HttpRequest, where LocaleMiddleware put the header's choice.
                request._request.LANGUAGE_CODE = language
        return result

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        """Whether this token has expired (then it is deleted). Knox's own version also
        reads and sweeps all the person's other tokens on every request; an expired token
        is refused without that, and the list of tokens leaves expired ones out."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def _note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # Conditional, so that parallel requests of one client write once, not once each.
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
        pk=token.pk,
    ).update(last_used_at=now)
    token.last_used_at = now


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The schema's `tokenAuth`: `Authorization: Token <key>`, as before knox."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(  # type: ignore[no-any-return]
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 (the scheme's name, not a secret)
        )
