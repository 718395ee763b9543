"""Archiving an area (out of the matrix in force, its decisions and history kept) and saying
"not now" to a growth suggestion: the services, the API and the pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.errors import Conflict, DomainError, PermissionDenied
from apps.delegation import selectors, services
from apps.delegation.models import (
    Answer,
    Decision,
    DecisionArea,
    Elevation,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.selectors import GrowthSuggestion
from tests.apps.delegation.conftest import aware, log, make_area
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

T0 = aware("2026-03-02T09:00:00+01:00")


def _snapshot() -> tuple[list[dict[str, Any]], ...]:
    return (
        list(DecisionArea.objects.order_by("id").values()),
        list(MatrixChange.objects.order_by("id").values()),
        list(Elevation.objects.order_by("id").values()),
        list(Decision.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )


def _approve(pair: Pair, area: DecisionArea, count: int) -> None:
    for _ in range(count):
        decision = log(pair, area_id=area.pk)
        services.decision_answer(
            membership=pair.leader_membership, decision_id=decision.pk, answer=Answer.APPROVE
        )


def _suggestions(*areas: DecisionArea) -> dict[int, GrowthSuggestion]:
    fresh = DecisionArea.objects.filter(pk__in=[a.pk for a in areas]).order_by("id")
    return selectors.growth_suggestions(areas=list(fresh))


# --- archiving: the services ---------------------------------------------------------------


def test_archiving_takes_the_area_out_of_the_matrix_and_records_it(pair: Pair) -> None:
    area = make_area(pair, name="Parking", level=5)
    with time_machine.travel(T0, tick=False):
        services.area_archive(
            membership=pair.leader_membership, area_id=area.pk, reason="No car any more"
        )

    area.refresh_from_db()
    assert area.archived_at == T0
    change = MatrixChange.objects.filter(area=area).order_by("-id").first()
    assert change is not None
    snapshot = services.area_terms_snapshot(area)
    assert (change.kind, change.old, change.new, change.reason, change.changed_by) == (
        MatrixChangeKind.ARCHIVED,
        snapshot,
        snapshot,
        "No car any more",
        pair.leader,
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.actor_id, event.tandem_id) == (
        "area_archived",
        pair.leader.pk,
        pair.tandem.pk,
    )
    in_force = selectors.areas_at_a_glance(membership=pair.leader_membership, archived=False)
    assert list(in_force) == []
    archived = selectors.areas_at_a_glance(membership=pair.leader_membership, archived=True)
    assert list(archived) == [area]


def test_restoring_brings_the_area_back_with_its_terms(pair: Pair, travel: DecisionArea) -> None:
    services.area_archive(membership=pair.leader_membership, area_id=travel.pk)
    before = services.area_terms_snapshot(travel)

    services.area_restore(membership=pair.leader_membership, area_id=travel.pk, reason="Back")

    travel.refresh_from_db()
    assert travel.archived_at is None
    assert services.area_terms_snapshot(travel) == before
    kinds = list(MatrixChange.objects.filter(area=travel).order_by("id").values_list("kind"))
    assert kinds == [("created",), ("archived",), ("restored",)]
    decision = log(pair, area_id=travel.pk, amount=Decimal("80"), currency="EUR")
    assert decision.classification == "inform"  # Inquire, as before the archive


@pytest.mark.parametrize("action", ["archive", "restore"])
def test_only_the_leader_archives_or_restores(
    pair: Pair, hiring: DecisionArea, action: str
) -> None:
    if action == "restore":
        services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)
    service = services.area_archive if action == "archive" else services.area_restore
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        service(membership=pair.assistant_membership, area_id=hiring.pk)

    assert _snapshot() == before


def test_archiving_twice_or_restoring_an_area_in_force_is_a_conflict(
    pair: Pair, hiring: DecisionArea
) -> None:
    with pytest.raises(Conflict, match="not archived"):
        services.area_restore(membership=pair.leader_membership, area_id=hiring.pk)
    services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)
    before = _snapshot()

    with pytest.raises(Conflict, match="already archived"):
        services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)

    assert _snapshot() == before


def test_an_archived_area_takes_no_new_decision_but_one_taken_before(
    pair: Pair, hiring: DecisionArea
) -> None:
    with time_machine.travel(T0, tick=False):
        services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)
    before = _snapshot()

    with pytest.raises(DomainError) as refused:
        log(pair, area_id=hiring.pk)
    assert refused.value.field == "area"
    assert _snapshot() == before

    # Taken the day before the area was archived, and logged only now: the matrix of then.
    late = log(pair, area_id=hiring.pk, decided_at=T0 - timedelta(days=1))
    assert (late.area_id, late.level_in_force, late.classification) == (
        hiring.pk,
        3,
        "outside_authority",  # Consult: the leader decides
    )


def test_an_archived_area_is_neither_changed_nor_raised(pair: Pair, hiring: DecisionArea) -> None:
    services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)
    before = _snapshot()
    now = timezone.now()

    with pytest.raises(Conflict, match="restore it first"):
        services.area_update(membership=pair.leader_membership, area_id=hiring.pk, level=5)
    with pytest.raises(Conflict, match="restore it first"):
        services.elevation_create(
            membership=pair.leader_membership,
            area_id=hiring.pk,
            level=6,
            starts_at=now,
            ends_at=now + timedelta(days=2),
        )

    assert _snapshot() == before


def test_the_preview_refuses_an_archived_area_as_logging_would(
    pair: Pair, hiring: DecisionArea
) -> None:
    services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)

    with pytest.raises(DomainError) as refused:
        selectors.decision_classification_preview(
            membership=pair.assistant_membership, area_id=hiring.pk, amount=None
        )

    assert refused.value.field == "area"


# --- growth: "not now" ---------------------------------------------------------------------


def test_not_now_hides_the_suggestion_until_a_new_run_of_approvals(
    pair: Pair, vendors: DecisionArea
) -> None:
    _approve(pair, vendors, 5)
    assert _suggestions(vendors) == {vendors.pk: GrowthSuggestion(4, 5, 5)}

    services.area_growth_dismiss(membership=pair.leader_membership, area_id=vendors.pk)

    assert _suggestions(vendors) == {}
    _approve(pair, vendors, 4)  # the old approvals no longer count
    assert _suggestions(vendors) == {}
    _approve(pair, vendors, 1)
    assert _suggestions(vendors) == {vendors.pk: GrowthSuggestion(4, 5, 5)}
    vendors.refresh_from_db()
    assert vendors.level == 4  # the leader decides; nothing was raised
    event = AuditEvent.objects.filter(action="growth_dismissed").get()
    assert (event.actor_id, event.data) == (pair.leader.pk, {"level": 4, "suggested_level": 5})


def test_not_now_for_one_area_leaves_the_others(pair: Pair, vendors: DecisionArea) -> None:
    rooms = make_area(pair, name="Rooms", level=4)
    _approve(pair, vendors, 5)
    _approve(pair, rooms, 5)

    services.area_growth_dismiss(membership=pair.leader_membership, area_id=vendors.pk)

    assert _suggestions(vendors, rooms) == {rooms.pk: GrowthSuggestion(4, 5, 5)}


def test_not_now_without_a_suggestion_is_a_conflict_and_only_for_the_leader(
    pair: Pair, vendors: DecisionArea
) -> None:
    before = _snapshot()
    with pytest.raises(Conflict):
        services.area_growth_dismiss(membership=pair.leader_membership, area_id=vendors.pk)
    _approve(pair, vendors, 5)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.area_growth_dismiss(membership=pair.assistant_membership, area_id=vendors.pk)
    assert _snapshot() == before


def test_an_archived_area_suggests_no_growth(pair: Pair, vendors: DecisionArea) -> None:
    _approve(pair, vendors, 5)

    services.area_archive(membership=pair.leader_membership, area_id=vendors.pk)

    assert _suggestions(vendors) == {}


# --- the API ---------------------------------------------------------------------------------


def _api(pair: Pair, path: str) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/{path}"


def test_the_api_archives_restores_and_filters_areas(pair: Pair, hiring: DecisionArea) -> None:
    travel = make_area(pair, name="Travel", level=6)
    leader = pair.leader_client

    archived = leader.post(_api(pair, f"areas/{hiring.pk}/archive/"), {"reason": "Done"})

    assert archived.status_code == 200, archived.data
    assert archived.data["id"] == hiring.pk
    assert archived.data["archived_at"] is not None
    matrix = leader.get(_api(pair, "matrix/"))
    assert [a["name"] for a in matrix.data["areas"]] == ["Travel"]
    export = leader.get(_api(pair, "matrix/export/json/"))
    assert [a["name"] for a in export.data["areas"]] == ["Travel"]
    listed = {
        value: [a["id"] for a in leader.get(_api(pair, f"areas/?archived={value}")).data["results"]]
        for value in ("true", "false")
    }
    assert listed == {"true": [hiring.pk], "false": [travel.pk]}
    assert [a["id"] for a in leader.get(_api(pair, "areas/")).data["results"]] == [
        hiring.pk,
        travel.pk,
    ]
    assert leader.get(_api(pair, "areas/?archived=maybe")).status_code == 400

    again = leader.post(_api(pair, f"areas/{hiring.pk}/archive/"), {})
    assert again.status_code == 409

    refused = pair.assistant_client.post(
        _api(pair, "decisions/"), {"title": "Hired", "rationale": "Why not", "area": hiring.pk}
    )
    assert refused.status_code == 400
    assert list(refused.data) == ["area"]

    restored = leader.post(_api(pair, f"areas/{hiring.pk}/restore/"), {})
    assert restored.status_code == 200
    assert restored.data["archived_at"] is None
    history = leader.get(_api(pair, f"matrix/changes/?area={hiring.pk}"))
    assert [c["kind"] for c in history.data["results"]] == ["restored", "archived", "created"]


def test_the_assistant_cannot_archive_through_the_api(pair: Pair, hiring: DecisionArea) -> None:
    before = _snapshot()

    response = pair.assistant_client.post(_api(pair, f"areas/{hiring.pk}/archive/"), {})

    assert response.status_code == 403
    assert _snapshot() == before


def test_the_api_dismisses_a_growth_suggestion(pair: Pair, vendors: DecisionArea) -> None:
    _approve(pair, vendors, 5)
    url = _api(pair, f"areas/{vendors.pk}/growth-suggestion/dismiss/")
    assert pair.leader_client.get(_api(pair, f"areas/{vendors.pk}/")).data["growth_suggestion"]

    assert pair.assistant_client.post(url).status_code == 403
    dismissed = pair.leader_client.post(url)
    assert dismissed.status_code == 200
    assert dismissed.data["growth_suggestion"] is None
    assert pair.leader_client.post(url).status_code == 409


def test_another_tandems_area_is_not_found(pair: Pair, other_pair: Pair) -> None:
    theirs = make_area(other_pair, name="Theirs", level=3)
    before = _snapshot()

    for tail in ("archive/", "restore/", "growth-suggestion/dismiss/"):
        response = pair.leader_client.post(_api(pair, f"areas/{theirs.pk}/{tail}"), {})
        assert response.status_code == 404, tail

    assert _snapshot() == before


# --- the pages -------------------------------------------------------------------------------


def _page(pair: Pair, tail: str) -> str:
    return f"/t/{pair.tandem.pk}/{tail}"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_leader_archives_and_restores_on_the_pages(pair: Pair, hiring: DecisionArea) -> None:
    leader = _client(pair.leader)
    edit = leader.get(_page(pair, f"matrix/areas/{hiring.pk}/")).content.decode()
    assert f'action="/t/{pair.tandem.pk}/matrix/areas/{hiring.pk}/archive/"' in edit

    response = leader.post(
        _page(pair, f"matrix/areas/{hiring.pk}/archive/"), {"reason": "Hiring freeze"}
    )

    assert response.status_code == 302
    hiring.refresh_from_db()
    assert hiring.archived_at is not None
    matrix = leader.get(_page(pair, "matrix/")).content.decode()
    assert f'id="area-{hiring.pk}"' not in matrix  # not a row of the matrix in force
    assert f'id="archived-{hiring.pk}"' in matrix
    assert "1 archived area" in matrix
    new = leader.get(_page(pair, "decisions/new/")).content.decode()
    assert f'<option value="{hiring.pk}"' not in new
    log_page = leader.get(_page(pair, "decisions/")).content.decode()
    assert f'<option value="{hiring.pk}"' in log_page  # its old decisions stay findable

    restored = leader.post(_page(pair, f"matrix/areas/{hiring.pk}/restore/"))
    assert restored.status_code == 302
    hiring.refresh_from_db()
    assert hiring.archived_at is None


def test_the_assistant_sees_archived_areas_without_the_buttons(
    pair: Pair, hiring: DecisionArea
) -> None:
    services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)
    assistant = _client(pair.assistant)

    matrix = assistant.get(_page(pair, "matrix/")).content.decode()

    assert f'id="archived-{hiring.pk}"' in matrix
    assert "/restore/" not in matrix
    before = _snapshot()
    assert assistant.post(_page(pair, f"matrix/areas/{hiring.pk}/restore/")).status_code == 403
    assert _snapshot() == before


def test_the_leader_says_not_now_on_the_matrix(pair: Pair, vendors: DecisionArea) -> None:
    _approve(pair, vendors, 5)
    leader = _client(pair.leader)
    assert "Not now" in leader.get(_page(pair, "matrix/")).content.decode()

    response = leader.post(_page(pair, f"matrix/areas/{vendors.pk}/not-now/"), follow=True)

    page = response.content.decode()
    assert "Noted: the level stays." in page
    assert "raise to 5 Advise?" not in page
    # A second tab: nothing to dismiss any more, said as a message, nothing changed.
    before = _snapshot()
    again = leader.post(_page(pair, f"matrix/areas/{vendors.pk}/not-now/"), follow=True)
    assert "There is no growth suggestion for this area any more." in again.content.decode()
    assert _snapshot() == before


def test_a_stale_edit_of_an_archived_area_says_why_it_was_refused(
    pair: Pair, hiring: DecisionArea
) -> None:
    services.area_archive(membership=pair.leader_membership, area_id=hiring.pk)
    leader = _client(pair.leader)  # signing in is audited: the snapshot comes after
    before = _snapshot()

    response = leader.post(
        _page(pair, f"matrix/areas/{hiring.pk}/"), {"name": "Hiring", "level": "5"}
    )

    assert response.status_code == 409
    assert "This area is archived; restore it first." in response.content.decode()
    assert _snapshot() == before


def test_another_tandems_member_finds_none_of_these_pages(
    pair: Pair, other_pair: Pair, vendors: DecisionArea
) -> None:
    _approve(pair, vendors, 5)
    decision = log(pair, area_id=vendors.pk)
    outsider = _client(other_pair.leader)
    before = _snapshot()

    for tail in (
        f"matrix/areas/{vendors.pk}/archive/",
        f"matrix/areas/{vendors.pk}/restore/",
        f"matrix/areas/{vendors.pk}/not-now/",
        f"decisions/{decision.pk}/edit/",
    ):
        response = outsider.post(_page(pair, tail), {"title": "Mine", "rationale": "x"})
        assert response.status_code == 404, tail

    assert _snapshot() == before
