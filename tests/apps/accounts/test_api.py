from __future__ import annotations

from datetime import time

import pytest
from django.core import mail
from knox.crypto import hash_token
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, User
from tests.factories import UserFactory
from tests.helpers.signing_up import api_confirm, api_sign_up

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"


PAYLOAD = {
    "email": "Kim@Example.org",
    "password": "a long enough secret 42",
    "display_name": "Kim",
    "language": "de",
    "timezone": "Europe/Vienna",
}


def sign_up(client: APIClient, **overrides: object):
    return client.post(SIGNUP, {**PAYLOAD, **overrides}, format="json")


def test_sign_up_creates_an_unconfirmed_person_whom_the_mailed_link_signs_in(
    api_client: APIClient,
) -> None:
    response = api_sign_up(api_client, **PAYLOAD)

    assert response.status_code == 202
    assert "token" not in response.data
    user = User.objects.get()
    assert (user.email, user.language, user.timezone) == ("kim@example.org", "de", "Europe/Vienna")
    assert user.email_verified_at is None
    confirmed = api_confirm("kim@example.org")
    assert confirmed.status_code == 200
    assert ApiToken.objects.get(user=user).digest == hash_token(confirmed.data["token"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {confirmed.data['token']}")
    assert api_client.get(ME).data["email"] == "kim@example.org"


def test_sign_up_with_an_existing_email_in_other_case_answers_alike_and_mails_the_owner(
    api_client: APIClient,
) -> None:
    UserFactory(email="kim@example.org")

    response = api_sign_up(api_client, **{**PAYLOAD, "email": "KIM@example.org"})

    assert response.status_code == 202
    assert User.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Someone tried to sign up with your e-mail address"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "123"}, "password"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"email": "not-an-address"}, "email"),
        ({"is_staff": True}, "is_staff"),
        ({"display_name": ["a list"]}, "display_name"),
        ({"display_name": "x" * 500}, "display_name"),
        ({"display_name": "nul\x00byte"}, "display_name"),
    ],
)
def test_sign_up_bad_input_names_the_field_and_creates_nothing(
    api_client: APIClient, overrides: dict[str, object], field: str
) -> None:
    response = sign_up(api_client, **overrides)

    assert response.status_code == 400
    assert field in response.data
    assert not User.objects.exists()


def test_malformed_json_is_a_400(api_client: APIClient) -> None:
    response = api_client.post(SIGNUP, data='{"email": ', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.data["detail"]


def test_a_json_list_instead_of_an_object_is_a_400(api_client: APIClient) -> None:
    response = api_client.post(SIGNUP, data="[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_form_encoded_body_is_refused_as_unsupported(api_client: APIClient) -> None:
    response = api_client.post(
        SIGNUP, data="email=a@b.org", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415


def test_token_for_right_password_in_any_email_case(api_client: APIClient) -> None:
    user = UserFactory(email="sam@example.org")

    response = api_client.post(
        TOKEN, {"email": "SAM@example.org", "password": "correct horse battery"}
    )

    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).digest == hash_token(response.data["token"])


def test_token_for_wrong_password_is_a_400_on_password(api_client: APIClient) -> None:
    UserFactory(email="sam@example.org")

    response = api_client.post(TOKEN, {"email": "sam@example.org", "password": "nope"})

    assert response.status_code == 400
    assert list(response.data) == ["password"]
    assert not ApiToken.objects.exists()


def test_deleting_the_token_revokes_it(api_client: APIClient) -> None:
    UserFactory(email="sam@example.org")
    token = api_client.post(
        TOKEN, {"email": "sam@example.org", "password": "correct horse battery"}
    ).data["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.delete(TOKEN).status_code == 204
    assert api_client.get(ME).status_code == 401


def test_anonymous_me_is_a_401_with_token_challenge(api_client: APIClient) -> None:
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_preferences_are_updated_and_returned(api_client: APIClient) -> None:
    user = UserFactory()
    api_client.force_authenticate(user)

    response = api_client.patch(
        ME,
        {
            "language": "de",
            "timezone": "America/New_York",
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
            "window_weekday": 4,
            "window_start": "14:00",
            "window_end": "15:30",
            "paused_from": "2026-12-20T00:00:00Z",
            "paused_until": "2027-01-06T00:00:00Z",
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert (
        user.language,
        user.timezone,
        user.quiet_hours_start,
        user.quiet_hours_end,
        user.window_weekday,
        user.window_start,
        user.window_end,
    ) == ("de", "America/New_York", time(22), time(7), 4, time(14), time(15, 30))
    assert response.data["paused_until"] == "2027-01-06T00:00:00Z"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}, "quiet_hours_end"),
        ({"window_weekday": 1, "window_start": "10:00"}, "window_end"),
        ({"window_weekday": 1, "window_start": "10:00", "window_end": "09:00"}, "window_end"),
        ({"window_weekday": 9, "window_start": "10:00", "window_end": "11:00"}, "window_weekday"),
        ({"paused_until": "2027-01-06T00:00:00Z"}, "paused_from"),
        (
            {"paused_from": "2027-01-06T00:00:00Z", "paused_until": "2027-01-01T00:00:00Z"},
            "paused_until",
        ),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"quiet_hours_start": "25:00", "quiet_hours_end": "07:00"}, "quiet_hours_start"),
        ({"email": "new@example.org"}, "email"),
    ],
)
def test_bad_preferences_name_the_field_and_change_nothing(
    api_client: APIClient, payload: dict[str, object], field: str
) -> None:
    user = UserFactory()
    api_client.force_authenticate(user)
    before = User.objects.filter(pk=user.pk).values().get()

    response = api_client.patch(ME, payload)

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert User.objects.filter(pk=user.pk).values().get() == before
