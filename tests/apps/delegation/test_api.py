"""The delegation API: shapes, errors with the field named, constant queries on every list,
and nothing visible or changeable from another tandem."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.delegation import services
from apps.delegation.models import Decision, DecisionArea, Elevation, MatrixChange
from apps.notifications.models import Notice
from tests.apps.delegation.conftest import aware, log, make_area
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

T0 = aware("2026-03-02T09:00:00+01:00")


def _url(pair: Pair, path: str) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/{path}"


def _snapshot() -> tuple[list[dict[str, Any]], ...]:
    return (
        list(DecisionArea.objects.order_by("id").values()),
        list(MatrixChange.objects.order_by("id").values()),
        list(Elevation.objects.order_by("id").values()),
        list(Decision.objects.order_by("id").values()),
        list(Notice.objects.order_by("id").values()),
    )


# --- the matrix --------------------------------------------------------------------------


def test_the_leader_creates_and_changes_an_area_and_both_read_the_history(pair: Pair) -> None:
    created = pair.leader_client.post(
        _url(pair, "areas/"),
        {
            "name": "Travel",
            "level": 6,
            "limit_amount": "500",
            "limit_currency": "EUR",
            "level_above_limit": 4,
            "boundaries": "2nd class rail",
        },
    )
    assert created.status_code == 201, created.data
    area_id = created.data["id"]
    assert {k: created.data[k] for k in ("level", "level_label", "limit_amount")} == {
        "level": 6,
        "level_label": "6 Inquire",
        "limit_amount": "500.00",
    }
    assert created.data["recent"] == {"decisions": 0, "needs_action": 0, "outside_authority": 0}
    assert (created.data["active_elevation"], created.data["growth_suggestion"]) == (None, None)

    patched = pair.leader_client.patch(
        _url(pair, f"areas/{area_id}/"), {"level": 7, "reason": "Alex knows the policy"}
    )
    assert patched.status_code == 200 and patched.data["level"] == 7

    history = pair.assistant_client.get(_url(pair, "matrix/changes/"))
    assert history.status_code == 200
    rows = [
        (r["kind"], r["area"]["name"], r["changed_by"]["id"], r["reason"])
        for r in history.data["results"]
    ]
    assert rows == [
        ("updated", "Travel", pair.leader.pk, "Alex knows the policy"),
        ("created", "Travel", pair.leader.pk, ""),
    ]
    assert (
        history.data["results"][0]["old"]["level"],
        history.data["results"][0]["new"]["level"],
    ) == (6, 7)


def test_the_assistant_editing_the_matrix_is_a_403_and_changes_nothing(
    pair: Pair, travel: DecisionArea
) -> None:
    before = _snapshot()
    now = "2026-03-02T09:00:00Z"

    assert (
        pair.assistant_client.post(_url(pair, "areas/"), {"name": "x", "level": 7}).status_code
        == 403
    )
    response = pair.assistant_client.patch(_url(pair, f"areas/{travel.pk}/"), {"level": 7})
    assert response.status_code == 403
    assert response.data == {"detail": "Only the leader may change the decision-rights matrix."}
    assert (
        pair.assistant_client.post(
            _url(pair, "elevations/"),
            {"area": travel.pk, "level": 7, "starts_at": now, "ends_at": "2099-01-01T00:00:00Z"},
        ).status_code
        == 403
    )
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "level": 8}, "level"),
        ({"name": "X", "level": "high"}, "level"),
        ({"name": "X"}, "level"),
        (
            {
                "name": "X",
                "level": 6,
                "limit_amount": "-5",
                "limit_currency": "EUR",
                "level_above_limit": 4,
            },
            "limit_amount",
        ),
        (
            {
                "name": "X",
                "level": 6,
                "limit_amount": "lots",
                "limit_currency": "EUR",
                "level_above_limit": 4,
            },
            "limit_amount",
        ),
        ({"name": "X", "level": 6, "limit_amount": "100"}, "limit_currency"),
        (
            {
                "name": "X",
                "level": 6,
                "limit_amount": "100",
                "limit_currency": "Euro",
                "level_above_limit": 4,
            },
            "limit_currency",
        ),
        (
            {
                "name": "X",
                "level": 4,
                "limit_amount": "100",
                "limit_currency": "EUR",
                "level_above_limit": 5,
            },
            "level_above_limit",
        ),
        ({"name": "travel", "level": 6}, "name"),
        ({"name": "X", "level": 6, "goal": 999999}, "goal"),
        ({"name": "X", "level": 6, "tandem": 1}, "tandem"),
    ],
)
def test_bad_area_input_names_the_field_and_changes_nothing(
    pair: Pair, travel: DecisionArea, payload: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = pair.leader_client.post(_url(pair, "areas/"), payload)

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert _snapshot() == before


def test_a_bad_area_update_names_the_field_and_changes_nothing(
    pair: Pair, travel: DecisionArea
) -> None:
    make_area(pair, name="Hiring", level=3)
    before = _snapshot()

    for payload, field in [
        ({"level": 3}, "level_above_limit"),
        ({"name": "HIRING"}, "name"),
        ({"limit_currency": ""}, "limit_currency"),
    ]:
        response = pair.leader_client.patch(_url(pair, f"areas/{travel.pk}/"), payload)
        assert (response.status_code, list(response.data)) == (400, [field]), payload
    assert _snapshot() == before


def test_the_matrix_at_a_glance_counts_recent_decisions(
    pair: Pair, travel: DecisionArea, hiring: DecisionArea
) -> None:
    with time_machine.travel(T0 - timedelta(days=40), tick=False):
        log(pair, area_id=travel.pk)
    with time_machine.travel(T0, tick=False):
        log(pair, area_id=travel.pk)
        acknowledged = log(pair, area_id=travel.pk)
        services.decision_acknowledge(
            membership=pair.leader_membership, decision_id=acknowledged.pk
        )
        log(pair, area_id=hiring.pk)
        response = pair.assistant_client.get(_url(pair, "matrix/"))
        week = pair.assistant_client.get(_url(pair, "matrix/"), {"days": 0})

    assert response.status_code == 200
    assert response.data["since"] == "2026-01-31T08:00:00Z"
    assert [(a["name"], a["level"], a["recent"]) for a in response.data["areas"]] == [
        ("Hiring", 3, {"decisions": 1, "needs_action": 1, "outside_authority": 1}),
        ("Travel", 6, {"decisions": 2, "needs_action": 1, "outside_authority": 0}),
    ]
    assert (week.status_code, list(week.data)) == (400, ["days"])


def test_the_matrix_shows_the_elevation_in_force_and_the_growth_suggestion(
    pair: Pair, vendors: DecisionArea
) -> None:
    for _ in range(5):
        request = log(pair, area_id=vendors.pk)
        services.decision_answer(
            membership=pair.leader_membership, decision_id=request.pk, answer="approve"
        )
    with time_machine.travel(T0, tick=False):
        created = pair.leader_client.post(
            _url(pair, "elevations/"),
            {
                "area": vendors.pk,
                "level": 6,
                "starts_at": "2026-03-02T08:00:00Z",
                "ends_at": "2026-03-09T08:00:00Z",
                "reason": "Travelling",
            },
        )
        during = pair.leader_client.get(_url(pair, "matrix/")).data["areas"][0]
    after = pair.leader_client.get(_url(pair, f"areas/{vendors.pk}/")).data

    assert created.status_code == 201, created.data
    assert (created.data["level"], created.data["area"]["name"], created.data["is_active"]) == (
        6,
        "Vendors",
        True,
    )
    assert during["active_elevation"] == {
        "id": created.data["id"],
        "level": 6,
        "starts_at": "2026-03-02T08:00:00Z",
        "ends_at": "2026-03-09T08:00:00Z",
        "reason": "Travelling",
    }
    assert during["growth_suggestion"] == {
        "current_level": 4,
        "suggested_level": 5,
        "approved_in_a_row": 5,
    }
    assert after["active_elevation"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"level": 9}, "level"),
        ({"level": 4}, "level"),
        ({"area": 999999}, "area"),
        ({"ends_at": "2026-03-01T00:00:00Z"}, "ends_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
    ],
)
def test_bad_elevation_input_names_the_field(
    pair: Pair, vendors: DecisionArea, payload: dict[str, Any], field: str
) -> None:
    body = {
        "area": vendors.pk,
        "level": 6,
        "starts_at": "2026-03-02T08:00:00Z",
        "ends_at": "2026-03-05T08:00:00Z",
    } | payload
    before = _snapshot()

    with time_machine.travel(T0, tick=False):
        response = pair.leader_client.post(_url(pair, "elevations/"), body)

    assert (response.status_code, list(response.data)) == (400, [field])
    assert _snapshot() == before


def test_export_json_lists_every_area_with_its_terms(pair: Pair, travel: DecisionArea) -> None:
    response = pair.assistant_client.get(_url(pair, "matrix/export/json/"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="matrix-{pair.tandem.pk}.json"'
    assert response.data["tandem"] == pair.tandem.name
    assert response.data["areas"] == [
        {
            "id": travel.pk,
            "name": "Travel",
            "description": "",
            "boundaries": "",
            "level": 6,
            "level_label": "6 Inquire",
            "limit_amount": "500.00",
            "limit_currency": "EUR",
            "level_above_limit": 4,
            "review_on": None,
            "goal": None,
            "elevated_level": None,
            "elevated_until": None,
        }
    ]


def test_export_csv_cannot_smuggle_a_formula_into_a_spreadsheet(pair: Pair) -> None:
    area = make_area(
        pair,
        name='=HYPERLINK("http://evil.example","x")',
        level=7,
        description="+1 call me",
        boundaries="@SUM(A1)",
    )
    make_area(pair, name="Calendar", level=6, description="-\tdash", boundaries="\rcarriage")

    response = pair.leader_client.get(_url(pair, "matrix/export/csv/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["id", "name", "description", "boundaries", "level"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name['\'=HYPERLINK("http://evil.example","x")'][:5] == [
        str(area.pk),
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1 call me",
        "'@SUM(A1)",
        "7",
    ]
    assert by_name["Calendar"][2:4] == ["'-\tdash", "'\rcarriage"]


# --- the decision log --------------------------------------------------------------------


def test_the_assistant_logs_a_request_and_the_leader_answers_it(
    pair: Pair, travel: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        created = pair.assistant_client.post(
            _url(pair, "decisions/"),
            {
                "area": travel.pk,
                "title": "Flights to Lisbon",
                "rationale": "Group fare held until Friday.",
                "amount": "2400.00",
                "currency": "EUR",
                "due_at": "2026-03-03T12:00:00Z",
            },
        )
    assert created.status_code == 201, created.data
    data = created.data
    assert {
        k: data[k]
        for k in (
            "classification",
            "status",
            "level_applied",
            "above_limit",
            "due_at",
            "needs_action",
        )
    } == {
        "classification": "needs_agreement",
        "status": "awaiting_answer",
        "level_applied": 4,
        "above_limit": True,
        "due_at": "2026-03-03T12:00:00Z",
        "needs_action": True,
    }
    assert data["terms_in_force"] == {
        "level": 6,
        "limit_amount": "500.00",
        "limit_currency": "EUR",
        "level_above_limit": 4,
        "elevated_level": None,
        "elevation": None,
    }

    url = _url(pair, f"decisions/{data['id']}/answer/")
    own = pair.assistant_client.post(url, {"answer": "approve"})
    assert (own.status_code, own.data) == (403, {"detail": "You cannot answer your own request."})
    answered = pair.leader_client.post(
        url, {"answer": "advise", "comment": "Take the morning flight."}
    )
    assert answered.status_code == 200
    assert (
        answered.data["status"],
        answered.data["answer"],
        answered.data["answered_by"]["id"],
    ) == (
        "answered",
        "advise",
        pair.leader.pk,
    )
    twice = pair.leader_client.post(url, {"answer": "approve"})
    assert (twice.status_code, twice.data) == (
        409,
        {"detail": "This request has already been answered."},
    )
    assert Decision.objects.get().answer == "advise"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "-1", "currency": "EUR"}, "amount"),
        ({"amount": "ten", "currency": "EUR"}, "amount"),
        ({"amount": "NaN", "currency": "EUR"}, "amount"),
        ({"amount": "1.999", "currency": "EUR"}, "amount"),
        ({"amount": "100"}, "currency"),
        ({"amount": "100", "currency": "USD"}, "currency"),
        ({"amount": "100", "currency": "us$"}, "currency"),
        ({"area": 999999}, "area"),
        ({"area": "travel"}, "area"),
        ({"rationale": ""}, "rationale"),
        ({"rationale": None}, "rationale"),
        ({"title": "x" * 201}, "title"),
        ({"decided_at": "2099-01-01T00:00:00Z"}, "decided_at"),
        ({"classification": "within_authority"}, "classification"),
        ({"status": "answered"}, "status"),
    ],
)
def test_bad_decision_input_names_the_field_and_saves_nothing(
    pair: Pair, travel: DecisionArea, payload: dict[str, Any], field: str
) -> None:
    body = {"area": travel.pk, "title": "Hotel", "rationale": "Near the venue."} | payload
    before = _snapshot()

    response = pair.assistant_client.post(_url(pair, "decisions/"), body)

    assert (response.status_code, list(response.data)) == (400, [field])
    assert _snapshot() == before


def test_an_area_of_another_tandem_is_a_400_on_the_area_field(pair: Pair, other_pair: Pair) -> None:
    theirs = make_area(other_pair, name="Theirs", level=7)
    before = _snapshot()

    response = pair.assistant_client.post(
        _url(pair, "decisions/"), {"area": theirs.pk, "title": "x", "rationale": "y"}
    )

    assert (response.status_code, response.data) == (
        400,
        {"area": ["No such area in this tandem."]},
    )
    assert _snapshot() == before


def test_editing_another_persons_decision_is_a_403(pair: Pair, travel: DecisionArea) -> None:
    decision = log(pair, area_id=travel.pk)
    url = _url(pair, f"decisions/{decision.pk}/")
    before = _snapshot()

    response = pair.leader_client.patch(url, {"title": "Mine"})

    assert response.status_code == 403
    assert response.data == {"detail": "Only the person who recorded a decision may edit it."}
    assert _snapshot() == before
    edited = pair.assistant_client.patch(url, {"title": "Train to Hamburg"})
    assert (edited.status_code, edited.data["title"]) == (200, "Train to Hamburg")
    moved = pair.assistant_client.patch(url, {"area": None})
    assert (moved.status_code, list(moved.data)) == (400, ["area"])


def test_acknowledge_and_outcome_through_the_api(pair: Pair, travel: DecisionArea) -> None:
    decision = log(pair, area_id=travel.pk)
    base = _url(pair, f"decisions/{decision.pk}/")

    assert pair.assistant_client.post(f"{base}acknowledge/").status_code == 403
    acknowledged = pair.leader_client.post(f"{base}acknowledge/")
    assert (acknowledged.status_code, acknowledged.data["status"]) == (200, "acknowledged")
    assert pair.leader_client.post(f"{base}acknowledge/").status_code == 409
    edit = pair.assistant_client.patch(base, {"title": "Changed"})
    assert edit.status_code == 409

    outcome = pair.assistant_client.post(
        f"{base}outcome/", {"outcome": "On time.", "lesson": "Book earlier."}
    )
    assert outcome.status_code == 200
    assert (
        outcome.data["outcome"],
        outcome.data["lesson"],
        outcome.data["outcome_recorded_by"]["id"],
    ) == (
        "On time.",
        "Book earlier.",
        pair.assistant.pk,
    )
    assert (pair.assistant_client.post(f"{base}outcome/", {"lesson": "x"}).status_code) == 400


def test_the_decision_log_filters_and_orders(
    pair: Pair, travel: DecisionArea, hiring: DecisionArea
) -> None:
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        old = log(pair, area_id=travel.pk, title="Old")
    with time_machine.travel(T0, tick=False):
        flagged = log(pair, area_id=hiring.pk, title="Flagged")
        mine = log(pair, by="leader", area_id=travel.pk, title="Leader's")
        unfiled = log(pair, title="Unfiled")

    def ids(**params: Any) -> list[int]:
        response = pair.assistant_client.get(_url(pair, "decisions/"), params)
        assert response.status_code == 200, response.data
        return [d["id"] for d in response.data["results"]]

    assert ids() == [unfiled.pk, mine.pk, flagged.pk, old.pk]
    assert ids(ordering="decided_at") == [old.pk, flagged.pk, mine.pk, unfiled.pk]
    assert ids(area=travel.pk) == [mine.pk, old.pk]
    assert ids(no_area=True) == [unfiled.pk]
    assert ids(status="flagged") == [flagged.pk]
    assert ids(classification=["inform", "no_area"]) == [unfiled.pk, old.pk]
    assert ids(needs_action=True) == [unfiled.pk, flagged.pk, old.pk]
    assert ids(needs_action=False) == [mine.pk]
    assert ids(author=pair.leader.pk) == [mine.pk]
    assert ids(decided_after="2026-03-01T00:00:00Z") == [unfiled.pk, mine.pk, flagged.pk]
    assert ids(decided_before="2026-03-01T00:00:00Z") == [old.pk]
    bad = pair.assistant_client.get(_url(pair, "decisions/"), {"status": "nonsense"})
    assert (bad.status_code, list(bad.data)) == (400, ["status"])


def test_the_review_queue_is_oldest_first_with_overdue_marked(
    pair: Pair, travel: DecisionArea, vendors: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        overdue = log(pair, area_id=vendors.pk, title="Overdue", due_at=T0 + timedelta(hours=1))
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        inform = log(pair, area_id=travel.pk, title="Inform")
        log(pair, area_id=travel.pk, title="Done")
        services.decision_acknowledge(
            membership=pair.leader_membership, decision_id=Decision.objects.get(title="Done").pk
        )
        pending = log(pair, area_id=vendors.pk, title="Pending")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        response = pair.leader_client.get(_url(pair, "review-queue/"))

    assert response.status_code == 200
    assert [(d["id"], d["is_overdue"]) for d in response.data["results"]] == [
        (overdue.pk, True),
        (inform.pk, False),
        (pending.pk, False),
    ]


# --- constant queries --------------------------------------------------------------------


def _count(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def _grow(pair: Pair, n: int) -> None:
    for i in range(n):
        area = make_area(pair, name=f"Area {DecisionArea.objects.count()}-{i}", level=4)
        request = log(pair, area_id=area.pk)
        services.decision_answer(
            membership=pair.leader_membership, decision_id=request.pk, answer="approve"
        )
        log(pair, area_id=area.pk)
        services.elevation_create(
            membership=pair.leader_membership,
            area_id=area.pk,
            level=6,
            starts_at=T0 - timedelta(days=1),
            ends_at=T0 + timedelta(days=1),
        )
        services.decision_record_outcome(
            membership=pair.assistant_membership, decision_id=request.pk, outcome="Fine."
        )
    log(pair, title="No area")


# Membership lookup, then for paginated lists: count + page (+ one query per prefetch).
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("areas/", 5),  # + active elevations prefetch + growth suggestions
        ("matrix/", 4),  # no count query: areas with counts, elevations, growth suggestions
        ("matrix/changes/", 3),
        ("matrix/export/json/", 3),
        ("matrix/export/csv/", 3),
        ("elevations/", 3),
        ("decisions/", 3),
        ("review-queue/", 3),
    ],
)
def test_list_endpoints_run_a_constant_number_of_queries(
    pair: Pair, path: str, queries: int
) -> None:
    url = _url(pair, path)
    with time_machine.travel(T0, tick=False):
        _grow(pair, 1)
        few = _count(pair.leader_client, url)
        _grow(pair, 6)
        many = _count(pair.leader_client, url)

    assert (few, many) == (queries, queries)


# --- isolation ---------------------------------------------------------------------------


def _endpoints(pair: Pair) -> list[tuple[str, str, dict[str, Any] | None]]:
    area = make_area(pair, name="Vendors", level=4)
    decision = log(pair, area_id=area.pk)
    inform_area = make_area(pair, name="Travel", level=6)
    inform = log(pair, area_id=inform_area.pk)
    d = f"decisions/{decision.pk}/"
    return [
        ("get", _url(pair, "areas/"), None),
        ("post", _url(pair, "areas/"), {"name": "Sneaky", "level": 7}),
        ("get", _url(pair, f"areas/{area.pk}/"), None),
        ("patch", _url(pair, f"areas/{area.pk}/"), {"level": 7}),
        ("get", _url(pair, "matrix/"), None),
        ("get", _url(pair, "matrix/changes/"), None),
        ("get", _url(pair, "matrix/export/csv/"), None),
        ("get", _url(pair, "matrix/export/json/"), None),
        ("get", _url(pair, "elevations/"), None),
        (
            "post",
            _url(pair, "elevations/"),
            {
                "area": area.pk,
                "level": 7,
                "starts_at": "2026-01-01T00:00:00Z",
                "ends_at": "2099-01-02T00:00:00Z",
            },
        ),
        ("get", _url(pair, "decisions/"), None),
        ("post", _url(pair, "decisions/"), {"title": "x", "rationale": "y"}),
        ("get", _url(pair, d), None),
        ("patch", _url(pair, d), {"title": "Sneaky"}),
        ("post", _url(pair, f"{d}answer/"), {"answer": "approve"}),
        ("post", _url(pair, f"decisions/{inform.pk}/acknowledge/"), None),
        ("post", _url(pair, f"{d}outcome/"), {"outcome": "Sneaky"}),
        ("get", _url(pair, "review-queue/"), None),
    ]


def test_every_delegation_endpoint_is_a_404_for_outsiders_and_changes_nothing(
    pair: Pair, other_pair: Pair
) -> None:
    endpoints = _endpoints(pair)
    before = _snapshot()

    for client in (other_pair.leader_client, other_pair.assistant_client):
        for method, url, body in endpoints:
            response = getattr(client, method)(url, body)
            assert response.status_code == 404, (method, url, response.status_code)
            assert response.data == {"detail": "Not found."}, (method, url)

    assert _snapshot() == before


def test_every_delegation_endpoint_needs_authentication(pair: Pair, api_client: APIClient) -> None:
    for method, url, body in _endpoints(pair):
        assert getattr(api_client, method)(url, body).status_code == 401, (method, url)


def test_another_tandems_objects_under_my_tandem_are_404(pair: Pair, other_pair: Pair) -> None:
    theirs = _endpoints(pair)
    before = _snapshot()
    mine = other_pair.tandem.pk
    for method, url, body in theirs:
        if "/areas/" not in url and "/decisions/" not in url:
            continue
        tail = url.split(f"/tandems/{pair.tandem.pk}/", 1)[1]
        if tail in ("areas/", "decisions/"):
            continue
        response = getattr(other_pair.leader_client, method)(f"/api/v1/tandems/{mine}/{tail}", body)
        assert response.status_code == 404, (method, tail, response.status_code)
    assert _snapshot() == before
