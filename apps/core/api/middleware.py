"""Frees an API request's objects when its response is done, instead of at the next garbage
collection.

A DRF view, its request and its response refer to one another in rings: the view holds its
bound `get` as `head` (Django's `View.setup`), the request and the response; the request's
`parser_context` holds the view and the request itself; the response's `renderer_context`
holds the view, the request and, once rendered, the response. Reference counting never frees
a ring, so each API request left its view, its page of rows and its answer to the cycle
collector, which then ran several times as often as for a plain view answering the same
bytes, each pass walking every young object (on the decision log about half a millisecond
of CPU per request, a tenth of the request). Cut when the response is closed (the WSGI
server's last call, and the test client's before it hands the response over): the response
keeps its `data` and its headers, only the view's per-request state and the back-references
are gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse


class ReleaseApiObjectsMiddleware:
    """Cuts the rings between an API view, its request and its response on `close()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        context = getattr(response, "renderer_context", None)
        if isinstance(context, dict):
            # `close()` empties its list of closers after calling them: no ring through it.
            response._resource_closers.append(lambda: release(context))  # type: ignore[attr-defined]
        return response


def release(context: dict[str, Any]) -> None:
    """Cut what a DRF response's `renderer_context` ties together (see the module's
    docstring); the response's content, `data` and headers stay."""
    context.pop("response", None)
    view = context.get("view")
    drf_request = context.get("request")
    parser_context = getattr(drf_request, "parser_context", None)
    if isinstance(parser_context, dict):
        parser_context.pop("view", None)
        parser_context.pop("request", None)
    if view is not None:
        # The view's per-request state: `head` (its own bound method), the request, the
        # response, the paginator with its page of rows, cached lookups such as the seat.
        vars(view).clear()
