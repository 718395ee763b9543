"""The two bearer secrets outside the API token: the invitation link and the private
calendar feed URL. Both are unguessable, stored only as a hash, looked up by that hash and
compared in constant time, and revocable."""

from __future__ import annotations

import hashlib
import hmac
from unittest import mock

import pytest
from django.db import models

from apps.checkins import selectors as checkin_selectors
from apps.checkins import services as checkins
from apps.checkins.models import CalendarFeed
from apps.core.errors import DomainError, NotFound
from apps.tandems import services as tandems
from apps.tandems import tokens
from apps.tandems.models import Invitation, Membership, Role
from tests.authz.conftest import client_as
from tests.helpers.world import World


def _stored_strings(instance: models.Model) -> list[str]:
    return [
        str(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if getattr(instance, f.attname) is not None
    ]


def _invite(world: World, email: str) -> tuple[Invitation, str]:
    tandem = tandems.tandem_create(creator=world.other.leader, name="Invites", role=Role.LEADER)
    lead = Membership.objects.get(tandem=tandem, user=world.other.leader)
    return tandems.invitation_create(membership=lead, email=email, role=Role.ASSISTANT)


# --- unguessable -----------------------------------------------------------------------------


def test_a_token_carries_256_random_bits() -> None:
    drawn = {tokens.new_token() for _ in range(200)}

    assert len(drawn) == 200
    for token in drawn:
        # 32 bytes from the OS's CSPRNG, URL-safe base64 without padding.
        assert len(token) == 43
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_invitation_and_feed_tokens_come_from_the_csprng(world: World) -> None:
    with mock.patch("apps.tandems.tokens.secrets.token_urlsafe", return_value="x" * 43) as drawn:
        _, token = _invite(world, "someone@example.org")
        feed = checkins.calendar_feed_regenerate(user=world.staff)

    assert drawn.call_count == 2
    assert drawn.call_args.args == (32,)
    assert token == feed == "x" * 43


# --- stored as a hash --------------------------------------------------------------------------


def test_an_invitation_stores_only_the_hash_of_its_token(world: World) -> None:
    invitation, token = _invite(world, "someone@example.org")
    invitation.refresh_from_db()

    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in value for value in _stored_strings(invitation))


def test_a_calendar_feed_stores_only_the_hash_of_its_token(world: World) -> None:
    token = checkins.calendar_feed_regenerate(user=world.staff)
    feed = CalendarFeed.objects.get(user=world.staff)

    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in value for value in _stored_strings(feed))


# --- looked up by hash, compared in constant time ---------------------------------------------


def test_an_invitation_is_found_by_the_hash_and_compared_in_constant_time(world: World) -> None:
    invitation, token = _invite(world, world.home.leader.email)

    with mock.patch.object(hmac, "compare_digest", wraps=hmac.compare_digest) as compare:
        found = tandems.invitation_for_token(token=token)

    assert found.pk == invitation.pk
    compare.assert_called_once_with(invitation.token_hash, invitation.token_hash)


def test_a_feed_is_found_by_the_hash_and_compared_in_constant_time(world: World) -> None:
    token = str(world.home.ids["feed_token"])

    with mock.patch.object(hmac, "compare_digest", wraps=hmac.compare_digest) as compare:
        user = checkin_selectors.feed_user_for_token(token)

    assert user == world.home.leader
    assert compare.call_count == 1


@pytest.mark.parametrize("mangle", [str.upper, lambda t: t[:-1], lambda t: t + "A", lambda t: ""])
def test_a_token_that_is_almost_right_opens_nothing(world: World, mangle: object) -> None:
    _, invitation_token = _invite(world, world.home.leader.email)
    feed_token = str(world.home.ids["feed_token"])

    with pytest.raises(DomainError):
        tandems.invitation_for_token(token=mangle(invitation_token))  # type: ignore[operator]
    with pytest.raises(NotFound):
        checkin_selectors.feed_user_for_token(mangle(feed_token))  # type: ignore[operator]


# --- revocable -----------------------------------------------------------------------------------


def test_a_revoked_invitation_cannot_be_accepted(world: World) -> None:
    invitation, token = _invite(world, world.home.leader.email)
    lead = Membership.objects.get(tandem=invitation.tandem, user=world.other.leader)
    other_client = client_as(world, world.other.leader)
    revoke = f"/api/v1/tandems/{invitation.tandem_id}/invitations/{invitation.pk}/revoke/"
    assert other_client.post(revoke).status_code == 200

    response = client_as(world, world.home.leader).post(
        "/api/v1/invitations/accept/", {"token": token}, format="json"
    )

    assert response.status_code in (400, 409)
    assert list(response.json()) == ["token"]
    assert not Membership.objects.filter(tandem=invitation.tandem, user=world.home.leader).exists()
    assert lead.tandem.memberships.count() == 1


def test_an_invitation_link_works_once(world: World) -> None:
    _, token = _invite(world, world.home.leader.email)
    client = client_as(world, world.home.leader)

    first = client.post("/api/v1/invitations/accept/", {"token": token}, format="json")
    second = client.post("/api/v1/invitations/accept/", {"token": token}, format="json")

    assert first.status_code == 201
    assert second.status_code in (400, 409)
    assert list(second.json()) == ["token"]


def test_a_revoked_feed_url_answers_404_and_a_new_one_replaces_the_old(world: World) -> None:
    old = str(world.home.ids["feed_token"])
    anonymous = client_as(world, None)
    leader = client_as(world, world.home.leader)
    assert anonymous.get(f"/api/v1/calendar/{old}.ics").status_code == 200

    new = leader.post("/api/v1/calendar/feed/").json()["token"]
    assert anonymous.get(f"/api/v1/calendar/{old}.ics").status_code == 404
    assert anonymous.get(f"/api/v1/calendar/{new}.ics").status_code == 200

    assert leader.delete("/api/v1/calendar/feed/").status_code == 204
    assert anonymous.get(f"/api/v1/calendar/{new}.ics").status_code == 404


def test_a_feed_of_a_deactivated_person_answers_404(world: World) -> None:
    token = str(world.home.ids["feed_token"])
    world.home.leader.is_active = False
    world.home.leader.save(update_fields=["is_active"])

    assert client_as(world, None).get(f"/api/v1/calendar/{token}.ics").status_code == 404
