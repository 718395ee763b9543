"""Token sign-in for the API that also speaks the person's language.

`UserLanguageMiddleware` activates the profile's language for a session, but a token is
checked later, by DRF inside the view: without this, a token client would get its
Accept-Language (or English), not the language its person chose. Activated here, before the
view runs, every message of the answer (validation, domain errors, DRF's own) is in that
language, and LocaleMiddleware's Content-Language header says so.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from rest_framework import authentication
from rest_framework.request import Request


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            language = getattr(result[0], "language", "")
            if language:
                translation.activate(language)
                # On the HttpRequest, where LocaleMiddleware put the header's choice.
                request._request.LANGUAGE_CODE = language
        return result
