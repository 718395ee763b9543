"""What the service worker may keep for reading offline, and for whom.

The service worker (templates/core/sw.js) keeps a page only when the server marks it: a view
decorated with `offline_readable` answers a signed-in person's GET with the header
`X-Tandem-Offline` set to that person's viewer key. Every response names its viewer in
`X-Tandem-Viewer` (`ViewerHeaderMiddleware`; absent when nobody is signed in), and the worker
empties its page cache as soon as a page comes from a different viewer or from nobody, so
the next person on the device never reads the last one's pages. Sign-out also answers
`Clear-Site-Data` (apps.accounts.views.SignOutView), which wipes the caches and the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

V = TypeVar("V", bound=Callable[..., HttpResponse])

VIEWER_HEADER = "X-Tandem-Viewer"
OFFLINE_HEADER = "X-Tandem-Offline"


def viewer_key(request: HttpRequest) -> str:
    """The signed-in person as the service worker sees them: a keyed hash of the user id
    (no id, no e-mail address in a header), "" for nobody."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return _viewer_key(settings.SECRET_KEY, str(user.pk))


@lru_cache(maxsize=1024)
def _viewer_key(secret: str, pk: str) -> str:
    """Computed once per person (and key) a process serves, not on every response."""
    return salted_hmac("tandem.offline.viewer", pk, secret=secret).hexdigest()[:32]


def offline_readable(view: V) -> V:
    """A page the person may read again offline (their agenda, their week): a successful GET
    for a signed-in person is marked for the service worker's page cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        key = viewer_key(request)
        if key and request.method == "GET" and response.status_code == 200:
            response[OFFLINE_HEADER] = key
        return response

    return wrapper  # type: ignore[return-value]


class ViewerHeaderMiddleware:
    """Names the signed-in viewer on every response (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = viewer_key(request)
        if key:
            response[VIEWER_HEADER] = key
        return response
