"""An API request's view, rows and answer are freed when its response is closed, not left in
rings for the garbage collector (apps/core/api/middleware.py, `fast.many`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from tests.factories import TandemFactory, UserFactory
from tests.perf import rows

pytestmark = pytest.mark.django_db

# What a list request makes that must go with its response: the page's rows, the
# serializers, the paginator (the view, DRF's request and the response are kept in rings by
# the test client itself, `response.json` among them, so they are not counted here).
PER_REQUEST = {
    "DecisionRow",
    "NoticeRow",
    "_Row",
    "ListSerializer",
    "DecisionSerializer",
    "NoticeSerializer",
    "_State",
    "Pagination",
}


def _left_to_the_collector(client: APIClient, url: str) -> set[str]:
    """The kinds of object one GET of `url` leaves in reference cycles."""
    assert client.get(url).status_code == 200  # warm: imports, caches, the token's last use
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = client.get(url)
        assert response.status_code == 200
        assert response.data["count"] == 3  # the answer stays readable after close()
        del response
        gc.collect()
        return {type(found).__name__ for found in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.fixture
def world() -> Iterator[rows.World]:
    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    yield rows.world(tandem, leader, assistant)


@pytest.mark.parametrize("path", ["decisions", "review-queue", "notices"])
def test_a_list_request_leaves_nothing_of_its_own_to_the_garbage_collector(
    world: rows.World, path: str
) -> None:
    if path == "notices":
        rows._notices(world, 3)
        url = "/api/v1/notices/"
    else:
        rows._decisions(world, 3, status="awaiting_answer")
        url = f"{world.base}/{path}/"
    assert _left_to_the_collector(world.client, url) & PER_REQUEST == set()


def test_the_view_keeps_nothing_of_the_request_once_its_response_is_closed(
    world: rows.World,
) -> None:
    rows._decisions(world, 3)
    response = world.client.get(f"{world.base}/decisions/")
    assert response.status_code == 200
    assert vars(response.renderer_context["view"]) == {}
    assert "response" not in response.renderer_context
    assert response.data["count"] == 3
