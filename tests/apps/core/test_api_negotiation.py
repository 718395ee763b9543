"""The API's content negotiation picks what DRF's own picks, for every Accept header
(apps/core/api/negotiation.py answers the usual ones without parsing them)."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.api import fast
from apps.core.api.negotiation import ContentNegotiation

RENDERERS: list[BaseRenderer] = [fast.JSONRenderer(), BrowsableAPIRenderer()]


def _pick(
    negotiation: DefaultContentNegotiation,
    request: Request,
    renderers: list[BaseRenderer],
    suffix: str | None = None,
) -> tuple[type, str] | type:
    """The renderer's class and media type chosen, or the refusal's class."""
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except NotAcceptable:
        return NotAcceptable
    return type(renderer), media_type


def _request(accept: str | None, query: str = "") -> Request:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/api/v1/notices/{query}", **headers))


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/json; indent=4",
        "text/html",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/*",
        "application/json, text/html",
    ],
)
@pytest.mark.parametrize("query", ["", "?format=api", "?format=json", "?page=2"])
def test_the_api_negotiates_as_drf_does(accept: str | None, query: str) -> None:
    ours = _pick(ContentNegotiation(), _request(accept, query), RENDERERS)
    assert ours == _pick(DefaultContentNegotiation(), _request(accept, query), RENDERERS)


def test_a_format_suffix_is_negotiated_as_drf_does() -> None:
    ours = _pick(ContentNegotiation(), _request(None), RENDERERS, "api")
    assert ours == _pick(DefaultContentNegotiation(), _request(None), RENDERERS, "api")
    assert ours == (BrowsableAPIRenderer, "text/html")


def test_a_renderer_list_of_other_kinds_is_negotiated_as_drf_does() -> None:
    renderers: list[BaseRenderer] = [BrowsableAPIRenderer(), JSONRenderer()]
    for accept in (None, "*/*", "application/json"):
        ours = _pick(ContentNegotiation(), _request(accept), renderers)
        assert ours == _pick(DefaultContentNegotiation(), _request(accept), renderers)
