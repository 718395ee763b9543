"""Speak the language and the timezone the person chose; visitors get their browser's
language (LocaleMiddleware) and UTC."""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class UserTimezoneMiddleware:
    """A page shows times, and reads the times people type, in the signed-in person's own
    timezone (UTC for a visitor, or a zone this server does not know). The API speaks UTC,
    whoever asks and however they signed in, so its paths are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None if request.path_info.startswith("/api/") else _zone_of(request)
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            # The zone is the thread's: the next request on it may be a visitor's.
            timezone.deactivate()


def _zone_of(request: HttpRequest) -> ZoneInfo | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.timezone:
        return None
    try:
        return ZoneInfo(user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
