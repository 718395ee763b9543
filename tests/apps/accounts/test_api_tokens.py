"""API tokens: one per device or client, named, with a last-used time and an expiry; listed
and revocable in the API and on the preferences page; a password change or reset revokes
them all and ends the person's other sessions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiToken, User
from apps.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers.signing_up import PASSWORD as SIGN_UP_PASSWORD
from tests.helpers.signing_up import api_sign_up, confirm_link

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new secret 77"
TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/me/tokens/"
ME = "/api/v1/me/"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def signed_in(user: User, name: str = "") -> tuple[APIClient, ApiToken]:
    """An API client of one device, signed in through the API like a real one."""
    client = APIClient()
    response = client.post(TOKEN, {"email": user.email, "password": PASSWORD, "name": name})
    assert response.status_code == 200, response.data
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    return client, ApiToken.objects.get(pk=response.data["id"])


def web_session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_device_gets_its_own_named_token_that_expires() -> None:
    me = UserFactory()

    with time_machine.travel(NOW, tick=False):
        phone = APIClient().post(TOKEN, {"email": me.email, "password": PASSWORD, "name": "Phone"})
        laptop = APIClient().post(TOKEN, {"email": me.email, "password": PASSWORD})

    assert phone.status_code == laptop.status_code == 200
    assert phone.data["token"] != laptop.data["token"]
    assert (phone.data["name"], laptop.data["name"]) == ("Phone", "")
    assert phone.data["expiry"] == "2026-05-31T09:00:00Z"  # 90 days
    assert phone.data["user"]["email"] == me.email
    assert ApiToken.objects.filter(user=me).count() == 2


def test_confirming_the_address_returns_a_named_token_with_an_expiry() -> None:
    assert api_sign_up().status_code == 202
    _path, uid, token = confirm_link("kim@example.org")

    response = APIClient().post(
        "/api/v1/auth/verify/",
        {"uid": uid, "token": token, "password": SIGN_UP_PASSWORD, "name": "Phone"},
        format="json",
    )

    assert response.status_code == 200
    assert set(response.data) == {"token", "id", "name", "expiry", "user"}
    assert ApiToken.objects.get().pk == response.data["id"]
    assert response.data["name"] == "Phone"


def test_revoking_one_token_leaves_the_other_device_signed_in() -> None:
    me = UserFactory()
    phone, phone_token = signed_in(me, "Phone")
    laptop, _laptop_token = signed_in(me, "Laptop")

    response = laptop.delete(f"{TOKENS}{phone_token.pk}/")

    assert response.status_code == 204
    assert phone.get(ME).status_code == 401
    assert laptop.get(ME).status_code == 200
    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


def test_signing_out_revokes_only_the_token_of_the_request() -> None:
    me = UserFactory()
    phone, _ = signed_in(me, "Phone")
    laptop, _ = signed_in(me, "Laptop")

    assert phone.delete(TOKEN).status_code == 204

    assert phone.get(ME).status_code == 401
    assert laptop.get(ME).status_code == 200


def test_revoking_all_signs_every_device_out() -> None:
    me = UserFactory()
    phone, _ = signed_in(me, "Phone")
    laptop, _ = signed_in(me, "Laptop")

    assert laptop.delete(TOKENS).status_code == 204

    assert (phone.get(ME).status_code, laptop.get(ME).status_code) == (401, 401)
    assert not ApiToken.objects.filter(user=me).exists()


def test_an_expired_token_is_refused() -> None:
    me = UserFactory()
    with time_machine.travel(NOW, tick=False):
        client, token = signed_in(me)
    assert token.expiry == NOW + timedelta(days=90)

    with time_machine.travel(NOW + timedelta(days=90, seconds=1), tick=False):
        response = client.get(ME)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_list_shows_names_and_times_never_a_secret(
    django_assert_num_queries: object,
) -> None:
    me = UserFactory()
    with time_machine.travel(NOW, tick=False):
        _phone, phone_token = signed_in(me, "Phone")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        laptop, laptop_token = signed_in(me, "Laptop")
        UserFactory(email="other@example.org")
        signed_in(User.objects.get(email="other@example.org"), "Not mine")

        # Token (with its person), last used, count, the page.
        with django_assert_num_queries(4):  # type: ignore[operator]
            response = laptop.get(TOKENS)

    assert response.status_code == 200
    assert response.data["results"] == [
        {
            "id": laptop_token.pk,
            "name": "Laptop",
            "created": "2026-03-02T10:00:00Z",
            "last_used_at": "2026-03-02T10:00:00Z",
            "expiry": "2026-05-31T10:00:00Z",
            "current": True,
        },
        {
            "id": phone_token.pk,
            "name": "Phone",
            "created": "2026-03-02T09:00:00Z",
            "last_used_at": None,
            "expiry": "2026-05-31T09:00:00Z",
            "current": False,
        },
    ]
    body = response.content.decode()
    assert phone_token.digest not in body and phone_token.token_key not in body


def test_last_used_is_written_at_most_once_a_minute() -> None:
    me = UserFactory()
    client, token = signed_in(me)

    with time_machine.travel(NOW, tick=False):
        client.get(ME)
    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == NOW

    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == NOW + timedelta(minutes=2)


def test_another_persons_token_is_not_found_and_stays() -> None:
    me, other = UserFactory(), UserFactory()
    client, _ = signed_in(me)
    _other_client, theirs = signed_in(other)

    response = client.delete(f"{TOKENS}{theirs.pk}/")

    assert response.status_code == 404
    assert response.data == {"detail": "Not found."}
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


# --- the preferences page ---------------------------------------------------------------------


def test_the_preferences_page_lists_the_tokens_without_secrets() -> None:
    me = UserFactory()
    _, phone = signed_in(me, "Phone")
    page = web_session(me).get("/me/").content.decode()

    assert "Phone" in page
    assert f"/me/tokens/{phone.pk}/revoke/" in page
    assert phone.digest not in page and phone.token_key not in page


def test_the_preferences_page_revokes_one_token() -> None:
    me = UserFactory()
    phone, phone_token = signed_in(me, "Phone")
    laptop, _ = signed_in(me, "Laptop")

    response = web_session(me).post(f"/me/tokens/{phone_token.pk}/revoke/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/#api-tokens"
    assert (phone.get(ME).status_code, laptop.get(ME).status_code) == (401, 200)


def test_the_preferences_page_cannot_revoke_another_persons_token() -> None:
    me, other = UserFactory(), UserFactory()
    _, theirs = signed_in(other)

    web_session(me).post(f"/me/tokens/{theirs.pk}/revoke/")

    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_the_preferences_page_revokes_all_tokens() -> None:
    me, other = UserFactory(), UserFactory()
    signed_in(me, "Phone")
    signed_in(me, "Laptop")
    _, theirs = signed_in(other)

    web_session(me).post("/me/tokens/revoke-all/")

    assert list(ApiToken.objects.all()) == [theirs]


def test_the_german_page_names_the_tokens_section() -> None:
    me = UserFactory(language="de")
    signed_in(me, "Telefon")

    page = web_session(me).get("/me/").content.decode()

    assert "Passwort und API-Tokens" in page
    assert "Alle API-Tokens widerrufen" in page


# --- a password change or reset ends every other sign-in ----------------------------------------


def test_a_password_change_revokes_the_tokens_and_ends_other_sessions() -> None:
    me = UserFactory()
    api, _ = signed_in(me, "Phone")
    other_browser = web_session(me)
    this_browser = web_session(me)

    response = this_browser.post(
        "/me/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    me.refresh_from_db()
    assert me.check_password(NEW_PASSWORD)
    assert api.get(ME).status_code == 401
    assert not ApiToken.objects.filter(user=me).exists()
    assert other_browser.get("/me/").status_code == 302  # to the sign-in page
    assert this_browser.get("/me/").status_code == 200  # kept


def test_a_wrong_old_password_changes_nothing() -> None:
    me = UserFactory()
    api, _ = signed_in(me, "Phone")
    browser = web_session(me)

    response = browser.post(
        "/me/password/",
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    me.refresh_from_db()
    assert me.check_password(PASSWORD)
    assert api.get(ME).status_code == 200


def test_a_password_reset_revokes_the_tokens_and_ends_every_session() -> None:
    me = UserFactory(email="sam@example.org")
    api, _ = signed_in(me, "Phone")
    browser = web_session(me)
    stranger = Client()
    stranger.post("/accounts/password-reset/", {"email": "sam@example.org"})
    [link] = re.findall(
        r"http://testserver(/accounts/password-reset/\S+/\S+/)", mail.outbox[0].body
    )
    form = stranger.get(link, follow=True)

    done = stranger.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.headers["Location"] == "/accounts/password-reset/done/"
    assert api.get(ME).status_code == 401
    assert not ApiToken.objects.filter(user=me).exists()
    assert browser.get("/me/").status_code == 302
    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


def test_the_service_refuses_a_weak_password_and_keeps_the_tokens() -> None:
    me = UserFactory()
    signed_in(me)

    with pytest.raises(services.DomainError):
        services.user_password_set(user=me, password="123")

    assert ApiToken.objects.filter(user=me).count() == 1
