"""Statements per write: the assistant logging a decision through the API.

How the statements are counted: everything the request sends to the database, as
`CaptureQueriesContext` records it. In a test the request runs inside the test's own
transaction, so the service's `transaction.atomic` (a real request's BEGIN … COMMIT) shows as
SAVEPOINT … RELEASE SAVEPOINT: the count therefore equals what a real request sends, BEGIN
and COMMIT included, and any savepoint nested inside counts too. The client is signed in with
`force_authenticate` (a real token adds the token's SELECT, before the transaction).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.api import fast
from apps.delegation import services
from apps.notifications.models import Delivery, Notice
from apps.webhooks import services as webhooks
from apps.webhooks.models import WebhookDelivery
from tests.apps.delegation.conftest import old_area
from tests.conftest import Pair
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

# The decision and the leader's notice. A tandem without an enabled webhook endpoint pays
# nothing for webhooks: `Tandem.has_enabled_webhooks`, read with the membership, spares the
# endpoint read.
MAX_STATEMENTS = 8
# With an enabled endpoint: one more, the read of the tandem's endpoints (once, whatever events
# the decision makes); the deliveries' INSERT makes a second.
WITH_ENDPOINT = MAX_STATEMENTS + 2

CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    # area terms, request body (besides title, rationale, area), the leader's notice
    "inform": ({"level": 6}, {}, "decision.inform"),
    "request above the limit": (
        {
            "level": 7,
            "limit_amount": Decimal("500.00"),
            "limit_currency": "EUR",
            "level_above_limit": 5,
        },
        {"amount": "812.50", "currency": "EUR"},
        "decision.request",
    ),
}


def statements_to_log(pair: Pair, terms: dict[str, Any], body: dict[str, Any]) -> list[str]:
    area = services.area_create(membership=pair.leader_membership, name="Travel", **terms)
    url = f"/api/v1/tandems/{pair.tandem.pk}/decisions/"
    payload = {"rationale": "Cheapest flexible fare.", "area": area.pk, **body}
    # Warm-up: caches (content types, translations) are not the point.
    warm = pair.assistant_client.post(url, {"title": "Warm-up", **payload}, format="json")
    assert warm.status_code == 201, warm.content[:500]
    with CaptureQueriesContext(connection) as captured:
        response = pair.assistant_client.post(
            url, {"title": "Booked the train", **payload}, format="json"
        )
    assert response.status_code == 201, response.content[:500]
    return [query["sql"] for query in captured.captured_queries]


def _show(case: str, statements: list[str]) -> None:
    print(f"\n{connection.vendor} {case}: {len(statements)} statements")
    for sql in statements:
        print("   ", sql[:160])


@pytest.mark.parametrize("case", sorted(CASES))
def test_logging_a_decision_takes_at_most_eight_statements(pair: Pair, case: str) -> None:
    terms, body, kind = CASES[case]
    statements = statements_to_log(pair, terms, body)
    _show(case, statements)

    notice = Notice.objects.get(recipient=pair.leader, title__endswith="Booked the train")
    assert notice.kind == kind
    assert Delivery.objects.filter(notice=notice).count() == 2
    assert not any("webhooks_endpoint" in sql for sql in statements), statements
    assert len(statements) <= MAX_STATEMENTS, statements


@pytest.mark.parametrize("case", sorted(CASES))
def test_with_a_webhook_endpoint_the_events_are_recorded_for_two_statements_more(
    pair: Pair, case: str
) -> None:
    """The flag that spares the endpoint read must not spare the events: with an enabled
    endpoint, the decision's events are recorded in the same request."""
    webhooks.endpoint_create(
        membership=pair.leader_membership,
        url="https://hooks.example.org/t",
        events=["decision.logged", "decision.needs_acknowledgement"],
    )
    terms, body, _kind = CASES[case]
    statements = statements_to_log(pair, terms, body)
    _show(f"{case}, with an endpoint", statements)

    recorded = WebhookDelivery.objects.filter(
        payload__data__subject__title="Booked the train"
    ).values_list("event_type", flat=True)
    expected = ["decision.logged"]
    if case == "inform":
        expected.append("decision.needs_acknowledgement")
    assert sorted(recorded) == sorted(expected)
    assert len(statements) <= WITH_ENDPOINT, statements


def test_a_switched_off_endpoint_costs_nothing_and_gets_nothing(pair: Pair) -> None:
    endpoint, _secret = webhooks.endpoint_create(
        membership=pair.leader_membership,
        url="https://hooks.example.org/t",
        events=["decision.logged"],
    )
    webhooks.endpoint_update(
        membership=pair.leader_membership, endpoint_id=endpoint.pk, enabled=False
    )
    terms, body, _kind = CASES["inform"]
    statements = statements_to_log(pair, terms, body)

    assert not WebhookDelivery.objects.exists()
    assert len(statements) <= MAX_STATEMENTS, statements


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# Request bodies besides title and rationale; "area"/"goal" name the fixtures made below.
ANSWERS: dict[str, tuple[str, dict[str, Any]]] = {
    "no area": ("assistant", {}),
    "inform, with a goal": ("assistant", {"area": "inform", "goal": True}),
    "request, amount unrounded, times with an offset and microseconds": (
        "assistant",
        {
            "area": "limited",
            "amount": "812.5",
            "currency": "EUR",
            "decided_at": "2026-06-01T13:59:58.123456+02:00",
            "due_at": "2026-06-04T09:30:00.5-04:00",
        },
    ),
    "within the limit": ("assistant", {"area": "limited", "amount": "12", "currency": "EUR"}),
    "under an elevation": ("assistant", {"area": "elevated"}),
    "outside authority, logged late": (
        "assistant",
        {"area": "outside", "decided_at": "2026-05-01T08:00:00Z"},
    ),
    "by the leader": ("leader", {"area": "inform"}),
}


@pytest.mark.parametrize("stock", [False, True], ids=["fast", "stock"])
@pytest.mark.parametrize("case", sorted(ANSWERS))
def test_the_answer_to_logging_a_decision_is_the_decision_as_read_back(
    pair: Pair, case: str, stock: bool
) -> None:
    """The POST answers from the service's instance instead of reading it again: the bytes
    must be those of reading the decision (GET), whatever the values came in as."""
    areas = {
        "inform": old_area(pair, name="Inform", level=6),
        "outside": old_area(pair, name="Outside", level=3),
        "elevated": old_area(pair, name="Elevated", level=4),
        "limited": old_area(
            pair,
            name="Limited",
            level=7,
            limit_amount=Decimal("500.00"),
            limit_currency="EUR",
            level_above_limit=4,
        ),
    }
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        services.elevation_create(
            membership=pair.leader_membership,
            area_id=areas["elevated"].pk,
            level=6,
            starts_at=NOW - timedelta(hours=2),
            ends_at=NOW + timedelta(days=3),
        )
    by, values = ANSWERS[case]
    body: dict[str, Any] = {"title": "Booked the train", "rationale": "Cheapest fare.", **values}
    if "area" in body:
        body["area"] = areas[body["area"]].pk
    if body.get("goal"):
        body["goal"] = GoalFactory(tandem=pair.tandem).pk
    client = pair.assistant_client if by == "assistant" else pair.leader_client
    url = f"/api/v1/tandems/{pair.tandem.pk}/decisions/"
    with time_machine.travel(NOW, tick=False):
        if stock:
            with fast.stock():
                logged = client.post(url, body, format="json")
                read = client.get(f"{url}{logged.json()['id']}/")
        else:
            logged = client.post(url, body, format="json")
            read = client.get(f"{url}{logged.json()['id']}/")
    assert (logged.status_code, read.status_code) == (201, 200), logged.content
    assert logged["Content-Type"] == read["Content-Type"]
    assert logged.content == read.content
