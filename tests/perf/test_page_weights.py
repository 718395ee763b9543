"""The server-rendered pages of a busy tandem: none over 200 kB of HTML, and the check-ins
and preferences pages make the same number of queries at 1, 10 and 100 rows.

Every page route is enumerated from the URLconf (like the API's query counts), its ids filled
from one busy tandem (`busy`); a route that answers GET with 405 is an action, not a page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone

from apps.accounts.services import api_token_create
from apps.checkins.models import AgendaComment, AgendaItem, TalkingPoint
from apps.checkins.rules import occurrence_key
from apps.contacts.models import ContactTag, Occasion, PreparedTouch, Touch
from apps.tandems.models import Invitation
from tests.factories import TandemFactory, UserFactory
from tests.perf import rows
from tests.perf.test_query_counts import _patterns

pytestmark = pytest.mark.django_db

MAX_BYTES = 200_000
BUSY = 100
SIZES = (1, 10, 100)
# Pages over the limit with `BUSY` rows each, for which issue 21's goal is not met yet: none
# (the matrix, the vision, one check-in, one contact and the tags page were, until they paged
# their lists and linked each row to its own form). A page that joins them fails the test.
OVER_THE_LIMIT: set[str] = set()
# Not pages of a tandem or a person: the API, the admin, Django's own views, files.
OUTSIDE = ("api/", "admin", "i18n/", "favicon.ico", "accounts/", "^api/")


def _world() -> rows.World:
    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    return rows.world(tandem, leader, assistant)


def busy() -> tuple[rows.World, dict[str, Any]]:
    """One tandem with `BUSY` of everything it lists, and the ids its pages' routes take."""
    w = _world()
    areas = rows._matrix(w, BUSY)
    decisions = rows._decisions(w, BUSY)
    rows._decisions(w, BUSY, status="awaiting_answer")
    rows.retro_trend(w, BUSY)
    (series,) = rows._series(w)
    touched = rows._touched(w, series, BUSY, after=rows.NOW)
    rows._agenda(w, touched[0], BUSY)
    rows._talking_points(w, series, BUSY)
    topic = AgendaItem.objects.filter(occurrence=touched[0]).first()
    comments = AgendaComment.objects.bulk_create(
        [AgendaComment(item=topic, author=w.assistant, text=f"Comment {n}") for n in range(BUSY)]
    )
    rows._action_items(w, BUSY, occurrence=touched[0])
    cycles = rows._cycles(w, BUSY)
    rows.appreciations(w, BUSY)
    rows._notices(w, BUSY)
    goals = rows._goals(w, BUSY)
    # The goal page's goal: milestones, check-ins and everything the report gathers.
    measured = rows._goal_for_page(w, BUSY)
    contacts = rows._contacts(w, BUSY, shared=True)
    contact = rows._one_contact(w, BUSY)
    Invitation.objects.create(
        tandem=w.tandem,
        email="next@example.org",
        role="assistant",
        token_hash="busy",
        invited_by=w.leader,
        expires_at=rows.NOW,
    )
    for index in range(BUSY):
        api_token_create(user=w.leader, name=f"device {index}")
    rows.more_tandems(w, BUSY)
    endpoint = rows._webhook_deliveries(w, BUSY)
    ids = {
        "endpoint_id": endpoint.pk,
        "delivery_id": endpoint.deliveries.first().pk,  # type: ignore[union-attr]
        "tandem_id": w.tandem.pk,
        "series_id": series.pk,
        "start": occurrence_key(touched[0].original_start),
        "decision_id": decisions[0].pk,
        "area_id": areas[0].pk,
        "goal_id": measured.pk,
        "milestone_id": measured.milestones.first().pk,  # type: ignore[union-attr]
        "cycle_id": cycles[0].pk,
        # An agenda item's pages (its form, its comments) are the pages that take an item
        # id, the leader's own topic (an action item's route is an action: POST only).
        "item_id": AgendaItem.objects.filter(occurrence=touched[0], author=w.leader).first().pk,  # type: ignore[union-attr]
        "point_id": TalkingPoint.objects.filter(series=series, retired_at__isnull=True).first().pk,  # type: ignore[union-attr]
        "comment_id": comments[0].pk,
        "member_id": w.tandem.memberships.get(user=w.assistant).pk,
        "contact_id": contact.pk,
        "tag_id": ContactTag.objects.filter(owner=w.leader).first().pk,  # type: ignore[union-attr]
        "touch_id": Touch.objects.filter(contact=contact).first().pk,  # type: ignore[union-attr]
        "occasion_id": Occasion.objects.filter(contact=contact).first().pk,  # type: ignore[union-attr]
        "prepared_id": PreparedTouch.objects.filter(contact=contact).first().pk,  # type: ignore[union-attr]
    }
    assert contacts and goals
    return w, ids


def page_routes() -> list[str]:
    return [
        route
        for route, _pattern in _patterns(get_resolver().url_patterns)
        if not route.startswith(OUTSIDE)
        and "<str:token>" not in route
        # The ids no busy tandem's page lists: one notice, invitation, appreciation, token.
        and not re.search(r"<int:(notice|invitation|appreciation|token)_id>", route)
    ]


def _url(route: str, ids: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)


def test_no_page_of_a_busy_tandem_is_over_200_kb_but_the_known_ones() -> None:
    w, ids = busy()
    client = Client()
    client.force_login(w.leader)
    sizes: dict[str, int] = {}
    for route in page_routes():
        response = client.get(_url(route, ids))
        if response.status_code == 405:  # an action: POST only
            continue
        assert response.status_code in (200, 302), (route, response.status_code)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            sizes[route] = len(response.content)
    assert len(sizes) > 30, sizes  # the pages were found and rendered
    over = {route for route, size in sizes.items() if size > MAX_BYTES}
    assert over == OVER_THE_LIMIT, {route: sizes[route] for route in over ^ OVER_THE_LIMIT}


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm-up: caches are not the point
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _checkins(w: rows.World, n: int) -> str:
    rows.retro_trend(w, n)
    (series,) = rows._series(w)
    # From now on, so that the page's "coming up" lists stored rows at every size.
    touched = rows._touched(w, series, n, after=timezone.now())
    rows._agenda(w, touched[0], n)
    rows._action_items(w, n)
    rows._series(w, n)
    return f"/t/{w.tandem.pk}/check-ins/"


def _preferences(w: rows.World, n: int) -> str:
    rows.more_tandems(w, n)
    for index in range(n):
        api_token_create(user=w.leader, name=f"device {index}")
    rows._notices(w, n)
    return "/me/"


def _goal(w: rows.World, n: int) -> str:
    goal = rows._goal_for_page(w, n)
    return f"/t/{w.tandem.pk}/goals/{goal.pk}/"


def _review(w: rows.World, n: int) -> str:
    rows._decisions(w, n, status="awaiting_answer")
    rows._decisions(w, n, status="awaiting_acknowledgement")
    return f"/t/{w.tandem.pk}/review/?classification=needs_agreement"


@pytest.mark.parametrize(
    "build",
    [_checkins, _preferences, _goal, _review],
    ids=["check-ins", "preferences", "goal", "review"],
)
def test_the_heavy_pages_make_as_many_queries_for_100_rows_as_for_one(build: Any) -> None:
    counts = {}
    for n in SIZES:
        w = _world()
        client = Client()
        client.force_login(w.leader)
        counts[n] = _queries(client, build(w, n))
    assert len(set(counts.values())) == 1, counts
