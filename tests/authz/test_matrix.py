"""The authorization matrix (tests/authz/matrix.py), one test per cell, and what no role
may do whatever the matrix says: reach another tandem's objects, point at them from a body,
or set fields that are not theirs to set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from rest_framework.response import Response

from apps.checkins.models import ActionItem, AgendaItem
from apps.delegation.models import Decision, DecisionArea, Elevation
from apps.feedback.models import Appreciation, FeedbackEntry
from tests.authz.bodies import BODIES, MULTIPART
from tests.authz.conftest import caller, client_as
from tests.authz.matrix import (
    BY_KEY,
    CYCLE,
    MATRIX,
    OCC,
    PATH_PARAM,
    ROLES,
    SERIES,
    Row,
    T,
    url_for,
)
from tests.helpers.world import World

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def send(world: World, row: Row, role: str, url: str, body: Any = None) -> Response:
    user = caller(world, role)
    if body is None and row.key in BODIES:
        body = BODIES[row.key](world, user)
    client = client_as(world, user)
    request = getattr(client, row.method.lower())
    if body is None:
        return request(url)  # type: ignore[no-any-return]
    kind = "multipart" if row.key in MULTIPART else "json"
    return request(url, body, format=kind)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("row", "role"),
    [
        pytest.param(row, role, id=f"{row.method} {row.path} {role}")
        for row in MATRIX
        for role in ROLES
    ],
)
def test_cell(world: World, row: Row, role: str) -> None:
    response = send(world, row, role, url_for(row, world.home.ids))

    assert response.status_code == row.expect[role], response.content[:500]


# --- completeness --------------------------------------------------------------------------


def _schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def _urlconf_operations() -> set[tuple[str, str]]:
    """Every API view and method the URLconf routes to, documented or not."""
    found = set()
    for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints():
        if path.startswith("/api/") and method != "OPTIONS":
            # The schema names a primary key `id` (drf-spectacular's SCHEMA_COERCE_PATH_PK).
            found.add((method, path.replace("{pk}", "{id}")))
    return found


def test_every_operation_of_the_schema_has_a_row() -> None:
    assert _schema_operations() - set(BY_KEY) == set()


def test_every_api_view_of_the_urlconf_has_a_row_or_is_the_schema_itself() -> None:
    undocumented = {("GET", "/api/schema/"), ("GET", "/api/docs/")}
    assert _urlconf_operations() - set(BY_KEY) - undocumented == set()


def test_the_matrix_has_no_stale_rows() -> None:
    assert set(BY_KEY) - _schema_operations() == set()


def test_the_schema_and_the_docs_are_public(client: Any) -> None:
    for url in ("/api/schema/", "/api/docs/"):
        assert client.get(url).status_code == 200


# --- another tandem's objects --------------------------------------------------------------

_OBJECTPATH_PARAMS = {
    "area_id",
    "goal_id",
    "milestone_id",
    "decision_id",
    "series_id",
    "item_id",
    "cycle_id",
    "appreciation_id",
    "invitation_id",
    "id",
}
_FOREIGN_ROWS = [
    row
    for row in MATRIX
    if row.path.startswith(T) and _OBJECTPATH_PARAMS & set(PATH_PARAM.findall(row.path))
]


@pytest.mark.parametrize("row", [pytest.param(r, id=f"{r.method} {r.path}") for r in _FOREIGN_ROWS])
def test_an_object_of_another_tandem_under_ones_own_tandem_is_not_found(
    world: World, row: Row
) -> None:
    """Home's leader names one of the other tandem's objects in home's URL: 404, exactly
    like a missing object, whatever the method."""
    other = world.other.ids
    swapped = {
        name: other[row.params.get(name, name)]
        for name in PATH_PARAM.findall(row.path)
        if name in _OBJECTPATH_PARAMS
    }
    response = send(world, row, "leader", url_for(row, world.home.ids, **swapped))

    assert response.status_code == 404, response.content[:500]
    assert response.json() == {"detail": response.json()["detail"]}


# --- foreign keys in bodies ----------------------------------------------------------------


def _other(world: World, key: str) -> int:
    return int(world.other.ids[key])


FOREIGN_KEYS: list[tuple[str, str, str, str, Any, type[Model]]] = [
    # (role, method, path, field, value from the other tandem, model that must not change)
    ("leader", "POST", T + "/decisions/", "area", "area_id", Decision),
    ("leader", "POST", T + "/decisions/", "goal", "goal_id", Decision),
    ("assistant", "PATCH", T + "/decisions/{decision_id}/", "goal", "goal_id", Decision),
    ("leader", "POST", T + "/areas/", "goal", "goal_id", DecisionArea),
    ("leader", "PATCH", T + "/areas/{area_id}/", "goal", "goal_id", DecisionArea),
    ("leader", "POST", T + "/elevations/", "area", "area_id", Elevation),
    ("leader", "POST", T + "/matrix/copy/", "from_tandem", "tandem_id", DecisionArea),
    ("leader", "POST", OCC + "/agenda/", "decision", "decision_id", AgendaItem),
    ("assistant", "PATCH", T + "/agenda-items/{item_id}/", "decision", "decision_id", AgendaItem),
    ("leader", "POST", T + "/action-items/", "owner", "other_leader", ActionItem),
    ("leader", "POST", T + "/action-items/", "goal", "goal_id", ActionItem),
    ("leader", "PATCH", T + "/action-items/{item_id}/", "goal", "goal_id", ActionItem),
    ("leader", "POST", OCC + "/agenda/", "goal", "goal_id", AgendaItem),
    ("assistant", "PATCH", T + "/agenda-items/{item_id}/", "goal", "goal_id", AgendaItem),
    ("leader", "PATCH", T + "/action-items/{item_id}/", "owner", "other_leader", ActionItem),
    ("leader", "POST", OCC + "/action-items/", "owner", "other_leader", ActionItem),
    ("leader", "POST", CYCLE + "/action-items/", "owner", "other_leader", ActionItem),
    ("leader", "PUT", CYCLE + "/my-entry/", "recipient", "other_assistant", FeedbackEntry),
    ("leader", "POST", CYCLE + "/received/replies/", "question", "question_id", FeedbackEntry),
    ("leader", "POST", T + "/appreciations/", "decision", "decision_id", Appreciation),
    ("leader", "POST", T + "/appreciations/", "action_item", "action_item_id", Appreciation),
]


def _snapshot(model: type[Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


@pytest.mark.parametrize(
    ("role", "method", "path", "field", "source", "model"),
    [pytest.param(*case, id=f"{case[1]} {case[2]} {case[3]}") for case in FOREIGN_KEYS],
)
def test_a_foreign_key_to_another_tandems_object_is_refused(
    world: World, role: str, method: str, path: str, field: str, source: str, model: type[Model]
) -> None:
    row = BY_KEY[(method, path)]
    people = {"other_leader": world.other.leader.pk, "other_assistant": world.other.assistant.pk}
    value = people[source] if source in people else _other(world, source)
    body = {**BODIES[row.key](world, caller(world, role)), field: value}
    before = _snapshot(model)

    response = send(world, row, role, url_for(row, world.home.ids), body)

    assert response.status_code == 400, response.content[:500]
    assert list(response.json()) == [field]
    assert _snapshot(model) == before


def test_an_answer_to_another_tandems_question_is_refused(world: World) -> None:
    row = BY_KEY[("PUT", CYCLE + "/my-entry/")]
    body = {"answers": [{"question": _other(world, "question_id"), "rating": 3}]}

    response = send(world, row, "leader", url_for(row, world.home.ids), body)

    assert response.status_code == 400
    assert list(response.json()) == ["answers"]
    assert not FeedbackEntry.objects.filter(
        author=world.home.leader, cycle__pk=world.home.ids["cycle_id"]
    ).exists()


def test_a_matrix_is_copied_only_from_a_tandem_of_ones_own(world: World) -> None:
    """Another tandem is refused exactly like a missing one (400 on `from_tandem`); one of
    the leader's own is copied."""
    row = BY_KEY[("POST", T + "/matrix/copy/")]
    before = _snapshot(DecisionArea)

    answers = [
        send(world, row, "leader", url_for(row, world.home.ids), {"from_tandem": tandem_id})
        for tandem_id in (_other(world, "tandem_id"), 10**9)
    ]
    own = send(world, row, "leader", url_for(row, world.home.ids), {"from_tandem": world.solo.pk})

    assert [(a.status_code, a.json()) for a in answers] == [
        (400, {"from_tandem": ["No such tandem among yours."]})
    ] * 2
    assert _snapshot(DecisionArea) == before
    assert (own.status_code, own.json()) == (201, {"created": [], "skipped": []})


# --- fields nobody may set -----------------------------------------------------------------

_NOT_SETTABLE = ("tandem", "author", "classification", "id", "created_at")
_BODY_ROWS = [row for row in MATRIX if row.method in _WRITES and row.key in BODIES]


@pytest.mark.parametrize("field", _NOT_SETTABLE)
@pytest.mark.parametrize("row", [pytest.param(r, id=f"{r.method} {r.path}") for r in _BODY_ROWS])
def test_a_field_that_is_not_the_callers_to_set_is_refused(
    world: World, row: Row, field: str
) -> None:
    """Sending `tandem`, `author`, `classification` (or any read-only or unknown key) is
    refused with the key named, never silently ignored or applied."""
    role = "assistant" if row.expect["leader"] == 403 else "leader"
    body = {**BODIES[row.key](world, caller(world, role)), field: 1}

    response = send(world, row, role, url_for(row, world.home.ids), body)

    assert response.status_code == 400, response.content[:500]
    assert field in response.json()


def test_the_assistant_cannot_change_an_areas_level(world: World) -> None:
    row = BY_KEY[("PATCH", T + "/areas/{area_id}/")]
    area = DecisionArea.objects.get(pk=world.home.ids["area_id"])

    response = send(world, row, "assistant", url_for(row, world.home.ids), {"level": 7})

    assert response.status_code == 403
    area.refresh_from_db()
    assert area.level == 4


def test_a_decisions_classification_is_computed_not_taken(world: World) -> None:
    """The classification comes from the matrix: an author cannot claim one."""
    row = BY_KEY[("POST", T + "/decisions/")]
    body = {
        "title": "New vendor",
        "rationale": "Cheaper",
        "area": world.home.ids["area_id"],
        "classification": "within_authority",
    }
    before = Decision.objects.count()

    response = send(world, row, "assistant", url_for(row, world.home.ids), body)

    assert response.status_code == 400
    assert response.json() == {"classification": ["Unknown field."]}
    assert Decision.objects.count() == before
    del body["classification"]
    response = send(world, row, "assistant", url_for(row, world.home.ids), body)
    assert response.status_code == 201
    assert response.json()["classification"] != "within_authority"
    assert response.json()["author"]["id"] == world.home.assistant.pk


def test_series_and_occurrence_paths_of_another_tandem_are_not_found(world: World) -> None:
    """An occurrence is addressed by its series and start: home's tandem with the other
    tandem's series is a 404 for every occurrence endpoint."""
    rows = [row for row in MATRIX if row.path.startswith(SERIES)]
    for row in rows:
        url = url_for(row, world.home.ids, series_id=world.other.ids["series_id"])
        assert send(world, row, "leader", url).status_code == 404, row.key
