"""One e-mail identity: every spelling that reaches an account is counted as that account by
the lockout and the throttles, and nothing else reaches it (issue 15, defect 2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.tandems.models import Invitation, Role
from apps.tandems.services import invitation_accept, invitation_create, tandem_create
from tests.factories import UserFactory
from tests.helpers.signing_up import api_confirm, api_sign_up

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
SIGNUP = "/api/v1/auth/signup/"
LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery"
LIMIT = settings.AXES_FAILURE_LIMIT
# Spellings the database's UPPER() took for sissi@example.org: dotless i (ı), and İ.
LOOK_ALIKES = ["sissı@example.org", "SISSİ@example.org", "sıssı@example.org"]
# Spellings that are the same address in the normal form: long s, case.
SAME_ADDRESS = ["ſiſſi@example.org", "SISSI@EXAMPLE.ORG", "Siſſi@Example.org"]


@pytest.fixture(autouse=True)
def _empty_throttle_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sissi() -> User:
    return UserFactory(email="sissi@example.org")


def token(client: APIClient, email: str, password: str) -> int:
    return client.post(TOKEN, {"email": email, "password": password}, format="json").status_code


def lock_out_api(client: APIClient) -> None:
    codes = [token(client, "sissi@example.org", "wrong password") for _ in range(LIMIT)]
    assert codes == [400] * (LIMIT - 1) + [429]


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_a_look_alike_address_does_not_sign_in_after_the_lockout_api(
    sissi: User, spelling: str
) -> None:
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    lock_out_api(client)

    response = client.post(TOKEN, {"email": spelling, "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert "token" not in response.data


@pytest.mark.parametrize("spelling", SAME_ADDRESS)
def test_every_spelling_of_the_address_shares_the_lockout_api(sissi: User, spelling: str) -> None:
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    lock_out_api(client)

    assert token(client, spelling, PASSWORD) == 429


@pytest.mark.parametrize("spelling", SAME_ADDRESS)
def test_every_spelling_of_the_address_signs_in_api(sissi: User, spelling: str) -> None:
    assert token(APIClient(REMOTE_ADDR="10.0.0.1"), spelling, PASSWORD) == 200


def lock_out_web(client: Client) -> None:
    wrong = {"username": "sissi@example.org", "password": "wrong password"}
    codes = [client.post(LOGIN, wrong).status_code for _ in range(LIMIT)]
    assert codes == [200] * (LIMIT - 1) + [429]


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_a_look_alike_address_does_not_sign_in_after_the_lockout_web(
    sissi: User, spelling: str
) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    lock_out_web(client)

    response = client.post(LOGIN, {"username": spelling, "password": PASSWORD})

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("spelling", SAME_ADDRESS)
def test_every_spelling_of_the_address_shares_the_lockout_web(sissi: User, spelling: str) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    lock_out_web(client)

    response = client.post(LOGIN, {"username": spelling, "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_every_spelling_shares_the_per_person_throttle(sissi: User) -> None:
    rates = {"auth_ip": "100/minute", "auth_user": "2/minute"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        codes = [
            token(APIClient(REMOTE_ADDR=f"10.0.1.{i}"), spelling, "wrong password")
            for i, spelling in enumerate(SAME_ADDRESS)
        ]

    assert codes == [400, 400, 429]


def sign_up(email: str) -> tuple[int, dict[str, object]]:
    response = api_sign_up(email=email, password=PASSWORD)
    return response.status_code, response.data


def test_sign_up_stores_the_normal_form() -> None:
    status, _data = sign_up("\u212aim@Example.ORG")  # with the Kelvin sign

    assert status == 202
    assert list(User.objects.values_list("email", flat=True)) == ["kim@example.org"]
    assert api_confirm("kim@example.org", PASSWORD).status_code == 200
    assert token(APIClient(), "KIM@example.org", PASSWORD) == 200


@pytest.mark.parametrize("spelling", SAME_ADDRESS)
def test_sign_up_with_another_spelling_of_an_existing_address_creates_nothing(
    sissi: User, spelling: str
) -> None:
    status, _data = sign_up(spelling)

    assert status == 202
    assert User.objects.count() == 1
    # The owner hears of it, at the one address.
    assert [m.to for m in mail.outbox] == [["sissi@example.org"]]
    assert "already have one" in mail.outbox[0].body


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_sign_up_refuses_look_alike_letters(spelling: str) -> None:
    status, data = sign_up(spelling)

    assert status == 400
    assert data == {
        "email": [
            "Write the part before the @ in plain letters (a to z), as the mail provider does."
        ]
    }
    assert not User.objects.exists()


def test_the_password_reset_finds_the_account_by_any_spelling(sissi: User) -> None:
    Client().post("/accounts/password-reset/", {"email": "ſiſſi@Example.org"})
    Client().post("/accounts/password-reset/", {"email": "sissı@example.org"})

    assert [m.to for m in mail.outbox] == [["sissi@example.org"]]


@pytest.fixture
def leader_seat():
    leader = UserFactory(email="lea@example.org")
    return tandem_create(creator=leader, name="Lea", role=Role.LEADER).memberships.get()


def test_an_invitation_is_for_the_normal_form_and_accepted_by_it(leader_seat, sissi) -> None:
    invitation, invite_token = invitation_create(
        membership=leader_seat, email="ſiſſi@Example.org", role=Role.ASSISTANT
    )

    assert invitation.email == "sissi@example.org"
    assert invitation_accept(user=sissi, token=invite_token).user == sissi


def test_an_invitation_to_a_look_alike_address_is_refused(leader_seat) -> None:
    with pytest.raises(DomainError) as excinfo:
        invitation_create(membership=leader_seat, email="sissı@example.org", role=Role.ASSISTANT)

    assert excinfo.value.field == "email"
    assert not Invitation.objects.exists()


def test_a_member_is_recognised_in_any_spelling(leader_seat) -> None:
    with pytest.raises(DomainError) as excinfo:
        invitation_create(membership=leader_seat, email="LEA@example.org", role=Role.ASSISTANT)

    assert excinfo.value.field == "email"
