"""The foundation's web pages: login, sign-up, home, invitation; in the person's language."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.tandems.models import Membership, Role
from apps.tandems.services import invitation_create, tandem_create
from tests.conftest import Pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_needs_a_login(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/"


def test_login_with_email_in_any_case(client: Client) -> None:
    UserFactory(email="sam@example.org")

    response = client.post(
        "/accounts/login/", {"username": "SAM@example.org", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_home_lists_only_my_tandems_in_my_language(
    client: Client, pair: Pair, other_pair: Pair
) -> None:
    pair.assistant.language = "de"
    pair.assistant.save()
    client.force_login(pair.assistant)

    page = client.get("/").content.decode()

    assert "Deine Tandems" in page and pair.tandem.name in page
    assert other_pair.tandem.name not in page


def test_anonymous_visitors_get_their_browsers_language(client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert "Anmelden" in page


def test_sign_up_page_creates_the_account_and_logs_in(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password": "a long enough secret 42",
            "display_name": "New",
            "language": "de",
            "timezone": "Europe/Berlin",
        },
    )

    assert response.status_code == 302
    assert User.objects.get().email == "new@example.org"
    assert client.get("/").status_code == 200


def test_sign_up_page_shows_the_error_next_to_the_field(client: Client) -> None:
    UserFactory(email="new@example.org")

    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password": "a long enough secret 42",
            "language": "en",
            "timezone": "Europe/Berlin",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["An account with this e-mail address exists already."]
    }


def test_invitation_page_lets_the_invitee_join(client: Client) -> None:
    leader = UserFactory(display_name="Lea")
    tandem = tandem_create(creator=leader, name="Lea & Ann", role=Role.LEADER)
    _inv, token = invitation_create(
        membership=tandem.memberships.get(), email="ann@example.org", role=Role.ASSISTANT
    )
    ann = UserFactory(email="ann@example.org")
    client.force_login(ann)

    assert "Lea invites you" in client.get(f"/invitations/{token}/").content.decode()
    response = client.post(f"/invitations/{token}/")

    assert response.status_code == 302
    assert Membership.objects.get(user=ann).role == "assistant"


def test_an_unknown_invitation_link_is_a_404_page(client: Client) -> None:
    response = client.get("/invitations/" + "x" * 43 + "/")

    assert response.status_code == 404
    assert "not valid" in response.content.decode()
