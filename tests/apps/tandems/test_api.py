from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.tandems.models import Goal, Invitation, Role, Tandem
from apps.tandems.services import invitation_create
from tests.conftest import Pair, client_for
from tests.factories import GoalFactory, TandemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_lists_exactly_their_tandems(pair: Pair, other_pair: Pair) -> None:
    response = pair.assistant_client.get("/api/v1/tandems/")

    assert response.status_code == 200
    assert [t["id"] for t in response.data["results"]] == [pair.tandem.pk]
    members = {m["role"]: m["user"]["email"] for m in response.data["results"][0]["members"]}
    assert members == {"leader": pair.leader.email, "assistant": pair.assistant.email}


def test_tandem_list_queries_do_not_grow_with_rows(db: None) -> None:
    person = UserFactory()
    client = client_for(person)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/tandems/").status_code == 200
        return len(ctx.captured_queries)

    TandemFactory(seats__leader=person)
    one = count()
    for _ in range(10):
        TandemFactory(seats__assistant=person)
    assert count() == one == 3  # count, page, members with their people


def test_creating_a_tandem_returns_it_with_the_creator_seated(api_client: APIClient) -> None:
    person = UserFactory()
    api_client.force_authenticate(person)

    response = api_client.post(
        "/api/v1/tandems/", {"name": "New", "role": "assistant", "vision": "Together."}
    )

    assert response.status_code == 201
    assert response.data["members"][0]["role"] == "assistant"
    assert response.data["members"][0]["user"]["id"] == person.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "role": "boss"}, "role"),
        ({"role": "leader"}, "name"),
        ({"name": "X", "role": "leader", "timezone": "Nowhere"}, "timezone"),
        ({"name": "X", "role": "leader", "members": []}, "members"),
        ({"name": "X" * 200, "role": "leader"}, "name"),
    ],
)
def test_bad_tandem_input_names_the_field_and_creates_nothing(
    api_client: APIClient, payload: dict[str, object], field: str
) -> None:
    api_client.force_authenticate(UserFactory())

    response = api_client.post("/api/v1/tandems/", payload)

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not Tandem.objects.exists()


def test_both_members_edit_the_shared_vision(pair: Pair) -> None:
    response = pair.assistant_client.patch(
        f"/api/v1/tandems/{pair.tandem.pk}/", {"vision": "Clients first."}
    )

    assert response.status_code == 200
    pair.tandem.refresh_from_db()
    assert pair.tandem.vision == "Clients first."


def test_the_assistant_cannot_delete_the_tandem(pair: Pair) -> None:
    response = pair.assistant_client.delete(f"/api/v1/tandems/{pair.tandem.pk}/")

    assert response.status_code == 403
    assert Tandem.objects.filter(pk=pair.tandem.pk).exists()


def test_invite_and_accept_through_the_api(api_client: APIClient) -> None:
    lea = UserFactory()
    lea_client = client_for(lea)
    tandem_id = lea_client.post("/api/v1/tandems/", {"name": "T", "role": "leader"}).data["id"]

    created = lea_client.post(
        f"/api/v1/tandems/{tandem_id}/invitations/",
        {"email": "ann@example.org", "role": "assistant"},
    )
    assert created.status_code == 201
    assert created.data["accept_url"].endswith(f"/invitations/{created.data['token']}/")

    ann = client_for(UserFactory(email="ann@example.org"))
    joined = ann.post("/api/v1/invitations/accept/", {"token": created.data["token"]})
    assert joined.status_code == 201
    assert sorted(m["role"] for m in joined.data["members"]) == ["assistant", "leader"]

    again = ann.post("/api/v1/invitations/accept/", {"token": created.data["token"]})
    assert again.status_code == 400 and list(again.data) == ["token"]
    listed = lea_client.get(f"/api/v1/tandems/{tandem_id}/invitations/").data["results"]
    assert [(i["status"], "token" in i) for i in listed] == [("accepted", False)]


def test_revoking_an_invitation_twice_is_a_409(pair: Pair) -> None:
    solo = TandemFactory.build()
    solo.save()
    seat = solo.memberships.create(user=pair.leader, role=Role.LEADER)
    invitation, _token = invitation_create(
        membership=seat, email="x@example.org", role=Role.ASSISTANT
    )
    url = f"/api/v1/tandems/{solo.pk}/invitations/{invitation.pk}/revoke/"

    assert pair.leader_client.post(url).status_code == 200
    second = pair.leader_client.post(url)
    assert second.status_code == 409
    assert "revoked" in second.data["detail"]


def test_goals_crud_and_filter(pair: Pair) -> None:
    base = f"/api/v1/tandems/{pair.tandem.pk}/goals/"
    created = pair.leader_client.post(base, {"title": "Calendar", "assistant_role": "Guards it"})
    assert created.status_code == 201 and created.data["position"] == 0
    second = pair.leader_client.post(base, {"title": "Vendors", "status": "planned"})
    assert second.data["position"] == 1

    listed = pair.assistant_client.get(base, {"status": "planned"}).data["results"]
    assert [g["title"] for g in listed] == ["Vendors"]

    patched = pair.leader_client.patch(f"{base}{created.data['id']}/", {"status": "achieved"})
    assert patched.status_code == 200 and patched.data["status"] == "achieved"
    assert pair.leader_client.delete(f"{base}{created.data['id']}/").status_code == 204
    assert list(Goal.objects.values_list("title", flat=True)) == ["Vendors"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "status": "maybe"}, "status"),
        ({"title": "x", "tandem": 1}, "tandem"),
        ({"title": "x", "position": -1}, "position"),
    ],
)
def test_bad_goal_input(pair: Pair, payload: dict[str, object], field: str) -> None:
    response = pair.leader_client.post(f"/api/v1/tandems/{pair.tandem.pk}/goals/", payload)

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not Goal.objects.exists()


def _endpoints(pair: Pair) -> list[tuple[str, str, dict[str, object] | None]]:
    t = pair.tandem.pk
    goal = GoalFactory(tandem=pair.tandem)
    solo_invite = Invitation.objects.create(
        tandem=pair.tandem,
        email="x@example.org",
        role=Role.ASSISTANT,
        token_hash="0" * 64,
        invited_by=pair.leader,
        expires_at="2099-01-01T00:00:00Z",
        revoked_at="2020-01-01T00:00:00Z",
    )
    return [
        ("get", f"/api/v1/tandems/{t}/", None),
        ("patch", f"/api/v1/tandems/{t}/", {"vision": "mine now"}),
        ("delete", f"/api/v1/tandems/{t}/", None),
        ("get", f"/api/v1/tandems/{t}/members/", None),
        ("get", f"/api/v1/tandems/{t}/invitations/", None),
        (
            "post",
            f"/api/v1/tandems/{t}/invitations/",
            {"email": "z@example.org", "role": "assistant"},
        ),
        ("post", f"/api/v1/tandems/{t}/invitations/{solo_invite.pk}/revoke/", None),
        ("get", f"/api/v1/tandems/{t}/goals/", None),
        ("post", f"/api/v1/tandems/{t}/goals/", {"title": "sneaky"}),
        ("get", f"/api/v1/tandems/{t}/goals/{goal.pk}/", None),
        ("put", f"/api/v1/tandems/{t}/goals/{goal.pk}/", {"title": "sneaky"}),
        ("patch", f"/api/v1/tandems/{t}/goals/{goal.pk}/", {"title": "sneaky"}),
        ("delete", f"/api/v1/tandems/{t}/goals/{goal.pk}/", None),
    ]


def test_every_tandem_endpoint_is_a_404_for_outsiders_and_changes_nothing(
    pair: Pair, other_pair: Pair
) -> None:
    endpoints = _endpoints(pair)
    snapshot = (
        list(Tandem.objects.values()),
        list(Goal.objects.values()),
        list(Invitation.objects.values()),
    )

    for method, url, body in endpoints:
        response = getattr(other_pair.leader_client, method)(url, body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.data == {"detail": "Not found."}, (method, url)

    assert snapshot == (
        list(Tandem.objects.values()),
        list(Goal.objects.values()),
        list(Invitation.objects.values()),
    )


def test_every_tandem_endpoint_needs_authentication(pair: Pair, api_client: APIClient) -> None:
    for method, url, body in _endpoints(pair):
        assert getattr(api_client, method)(url, body).status_code == 401, (method, url)


def test_another_tandems_goal_under_my_tandem_is_a_404(pair: Pair, other_pair: Pair) -> None:
    their_goal = GoalFactory(tandem=pair.tandem)

    url = f"/api/v1/tandems/{other_pair.tandem.pk}/goals/{their_goal.pk}/"
    for method in ("get", "patch", "delete"):
        assert getattr(other_pair.leader_client, method)(url, {"title": "x"}).status_code == 404


def test_missing_and_foreign_tandems_look_the_same(pair: Pair, other_pair: Pair) -> None:
    foreign = other_pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/")
    missing = other_pair.leader_client.get("/api/v1/tandems/999999/")

    assert (foreign.status_code, foreign.data) == (missing.status_code, missing.data)


def test_an_outsider_gets_404_even_for_a_malformed_body(pair: Pair, other_pair: Pair) -> None:
    for path in ("goals/", "invitations/"):
        response = other_pair.leader_client.post(f"/api/v1/tandems/{pair.tandem.pk}/{path}", {})

        assert (response.status_code, response.data) == (404, {"detail": "Not found."}), path
