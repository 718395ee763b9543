"""bench/own.py's dataset fills every route it measures, and every route answers its reader.

The benchmark (issue 21: "every page, not only the API") measures each GET route of the
URLconf with ids from one busy tandem; a route whose id has no row is skipped, unmeasured.
These tests generate the benchmark's smallest size (`quick-1x`) into the test database and
check that no route is skipped and that each one answers the leader (the benchmark's reader)
with 200, or 405 for an action, as the benchmark requires; and that the report's page / API
pairs name routes that exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bench import data, own

pytestmark = pytest.mark.django_db


@pytest.fixture
def manifest(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # VACUUM cannot run inside the test's transaction; the statistics do not matter here.
    monkeypatch.setattr(data, "analyze", lambda: None)
    return own.generate("quick-1x")


def test_every_route_that_takes_an_id_has_a_row_to_fill_it(manifest: dict[str, Any]) -> None:
    assert manifest["skipped"] == []
    assert sorted(manifest["paths"]) == own.routes()


def test_every_route_answers_the_leader_or_is_an_action(manifest: dict[str, Any]) -> None:
    client = Client()
    client.cookies["sessionid"] = manifest["session"]
    answers = {}
    for route, path in manifest["paths"].items():
        if route.startswith("api/"):
            response = client.get(path, HTTP_AUTHORIZATION=f"Token {manifest['token']}")
        else:
            response = client.get(path)
        answers[route] = response.status_code
    assert {route: status for route, status in answers.items() if status not in (200, 405)} == {}


def test_the_page_and_api_pairs_name_routes_that_exist() -> None:
    routes = set(own.routes())
    for page, pair in own.PAGE_AND_API.items():
        assert page in routes, page
        assert not page.startswith("api/"), page
        for api in own.api_routes(pair):
            assert api in routes, (page, api)
            assert api.startswith("api/"), (page, api)
