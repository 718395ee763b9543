"""The API's next-page link is DRF's, to the character (apps/core/api/pagination.py writes
the usual one, a first page without a query, without parsing the URL)."""

from __future__ import annotations

import pytest
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.api.pagination import Pagination


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/notices/",
        "/api/v1/notices/?page=1",
        "/api/v1/notices/?page_size=2",
        "/api/v1/notices/?unread=true&kind=a%20b",
        "/api/v1/tandems/7/decisions/?page=2&page_size=2",
        "/api/v1/caf%C3%A9/",
        "/api/v1/notices/?",
    ],
)
@pytest.mark.parametrize("host", ["testserver", "127.0.0.1:8000"])
def test_the_next_link_is_drfs(url: str, host: str) -> None:
    items = list(range(7))
    links = []
    for paginator in (Pagination(), PageNumberPagination()):
        paginator.page_size = 2
        request = Request(APIRequestFactory().get(url, HTTP_HOST=host))
        paginator.paginate_queryset(items, request)
        links.append((paginator.get_next_link(), paginator.get_previous_link()))
    assert links[0] == links[1]
    assert links[0][0] is not None


def test_the_last_page_has_no_next_link() -> None:
    paginator = Pagination()
    paginator.page_size = 2
    request = Request(APIRequestFactory().get("/api/v1/notices/?page=4"))
    assert paginator.paginate_queryset(list(range(7)), request) == [6]
    assert paginator.get_next_link() is None
