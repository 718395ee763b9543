"""Queries per request for every readable endpoint of the API: the same at 1, 10 and 100 rows,
and at most `MAX_QUERIES`.

The endpoints are enumerated from the URLconf, so a new one cannot be forgotten: it fails
`test_every_readable_endpoint_has_a_row_builder` until `ENDPOINTS` (tests/perf/rows.py) says
how to fill it.
Requests authenticate with a real API token, so the count is what a client causes
(authentication included).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import TandemFactory, UserFactory
from tests.perf import rows
from tests.perf.rows import ENDPOINTS

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8
# Not a list or a detail: the whole tandem as one document, one query per table it holds
# (constant in the number of rows like every other endpoint, but more than eight).
CEILINGS = {
    "api-export": 28,
    # The window page composes the recorded window, the preferences, the contacts with their
    # tags, occasions and owners (for a preview; who may see them: the partner seats and what
    # the partners share), and the prepared touches.
    "api-contacts-window": 12,
    # Insights: the token and the membership, who sits where (2), the closed months' kept
    # rows (1), then each section's own aggregate queries (tests/apps/insights counts them):
    # promises 8, speed 2, autonomy 6, safety 4, balance 4, feedback 2. With every closed
    # month kept, the growth replay resumes from the last kept state: one query fewer.
    "api-insights": 31,
    "api-insights-csv": 31,
    # My week: the token, the seats, the partners, the series with their stored rows and
    # agenda counts (3), my action items and the others' (2), the waiting decisions, the
    # feedback cycles.
    "api-me-week": 11,
    # Search: the token, the seats, then per kind of row (6) the page's rows and the count.
    "api-search": 14,
    # One occurrence: the token, the membership, the series, the row, its agenda, action
    # items and retros, and the series' standing talking points in force at its start.
    "api-occurrence": 9,
    # A goal's report: the token, the seat, the goal with its milestone counts, then one
    # query per list it shows (check-ins, milestones, areas, decisions, action items, agenda
    # items).
    "api-goal-report": 9,
}
SIZES = (1, 10, 100)
API_PREFIX = "api/v1/"


def _patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, route)
        else:
            yield route, pattern


def _answers_get(pattern: URLPattern) -> bool:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a viewset bound to method → action
        return "get" in actions
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return view_class is not None and callable(getattr(view_class, "get", None))


def readable_endpoints() -> dict[str, str]:
    """URL name → route of every API endpoint that answers GET."""
    return {
        pattern.name or route: route
        for route, pattern in _patterns(get_resolver().url_patterns)
        if route.startswith(API_PREFIX) and _answers_get(pattern)
    }


def test_every_readable_endpoint_has_a_row_builder() -> None:
    endpoints = readable_endpoints()
    assert len(endpoints) > 30  # the enumeration itself works
    missing = {name: route for name, route in endpoints.items() if name not in ENDPOINTS}
    assert missing == {}, "add these to ENDPOINTS (tests/perf/rows.py)"
    assert set(ENDPOINTS) - set(endpoints) == set(), "ENDPOINTS names an endpoint that is gone"


def queries_for(name: str, n: int) -> tuple[int, list[str]]:
    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    world = rows.world(tandem, leader, assistant)
    url = ENDPOINTS[name](world, n)
    world.client.get(url)  # warm-up: caches (content types, translations) are not the point
    with CaptureQueriesContext(connection) as captured:
        response = world.client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_queries_do_not_grow_with_the_rows(name: str) -> None:
    counts = {}
    sql = {}
    for n in SIZES:
        counts[n], sql[n] = queries_for(name, n)
    assert len(set(counts.values())) == 1, (counts, sql[SIZES[-1]])
    assert counts[SIZES[0]] <= CEILINGS.get(name, MAX_QUERIES), sql[SIZES[0]]
