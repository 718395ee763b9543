"""Sign-up tells nobody whether an address has an account, and an account signs in only
once its address is confirmed with the mailed link (issue 15, hardening).

The answer (API and page) is the same for a new, an unconfirmed and a confirmed address;
what differs is the e-mail, which only the address's owner reads.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import DomainError
from apps.tandems.models import Role
from apps.tandems.services import invitation_accept, invitation_create, tandem_create
from tests.factories import UserFactory
from tests.helpers.signing_up import (
    PASSWORD,
    SIGNUP,
    api_confirm,
    api_sign_up,
    confirm_link,
    page_sign_up,
)

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
OTHER_PASSWORD = "another long secret 77"


@pytest.fixture(autouse=True)
def _empty_throttle_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def unconfirmed(email: str = "kim@example.org") -> User:
    response = api_sign_up(email=email)
    assert response.status_code == 202
    mail.outbox.clear()
    return User.objects.get(email=email)


# --- the same answer for every address -----------------------------------------------------


def test_the_api_answers_alike_for_a_new_an_unconfirmed_and_a_confirmed_address() -> None:
    UserFactory(email="old@example.org")
    unconfirmed("half@example.org")

    answers = [
        api_sign_up(email=email)
        for email in ("new@example.org", "half@example.org", "old@example.org")
    ]

    assert {a.status_code for a in answers} == {202}
    assert all(a.data == answers[0].data for a in answers)
    assert "token" not in answers[0].data
    assert [m.to[0] for m in mail.outbox] == [
        "new@example.org",
        "half@example.org",
        "old@example.org",
    ]


def test_the_page_answers_alike_for_a_new_and_an_existing_address(client: Client) -> None:
    UserFactory(email="old@example.org")

    new = page_sign_up(Client(), email="new@example.org")
    old = page_sign_up(Client(), email="old@example.org")

    assert (new.status_code, new["Location"]) == (302, "/accounts/signup/sent/")
    assert (old.status_code, old["Location"]) == (302, "/accounts/signup/sent/")
    assert "_auth_user_id" not in client.session


def test_signing_in_before_confirming_answers_like_a_wrong_password() -> None:
    UserFactory(email="old@example.org")
    unconfirmed("new@example.org")

    right_but_unconfirmed = APIClient().post(
        TOKEN, {"email": "new@example.org", "password": PASSWORD}, format="json"
    )
    wrong_for_an_account = APIClient().post(
        TOKEN, {"email": "old@example.org", "password": PASSWORD}, format="json"
    )

    assert right_but_unconfirmed.status_code == wrong_for_an_account.status_code == 400
    assert right_but_unconfirmed.data == wrong_for_an_account.data
    web = Client()
    page = web.post("/accounts/login/", {"username": "new@example.org", "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in web.session
    assert "Confirm your address with the link" in page.content.decode()


# --- the e-mails ---------------------------------------------------------------------------


def test_a_new_address_gets_its_link_in_the_language_chosen() -> None:
    api_sign_up(email="kim@example.org", language="de", display_name="Kim")

    (message,) = mail.outbox
    assert message.to == ["kim@example.org"]
    assert message.subject == "Bestätige deine E-Mail-Adresse für Tandem"
    assert "/accounts/confirm/" in message.body
    assert AuditEvent.objects.filter(action="signed_up").count() == 1


def test_a_confirmed_accounts_owner_gets_a_note_and_no_link() -> None:
    owner = UserFactory(email="old@example.org", language="de")

    api_sign_up(email="OLD@example.org", password=OTHER_PASSWORD, language="en")

    (message,) = mail.outbox
    assert message.to == ["old@example.org"]
    assert message.subject == "Jemand wollte sich mit deiner E-Mail-Adresse registrieren"
    assert "/accounts/confirm/" not in message.body
    assert "/accounts/password-reset/" in message.body
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery")  # nothing changed


def test_an_account_switched_off_by_staff_gets_nothing() -> None:
    UserFactory(email="off@example.org", is_active=False)

    assert api_sign_up(email="off@example.org").status_code == 202
    assert mail.outbox == []


# --- the link ------------------------------------------------------------------------------


def test_the_link_and_the_password_confirm_and_sign_in_once() -> None:
    user = unconfirmed()
    api_sign_up()  # again: the link is mailed again
    _path, uid, token = confirm_link("kim@example.org")

    first = api_confirm("kim@example.org")
    again = APIClient().post(
        "/api/v1/auth/verify/", {"uid": uid, "token": token, "password": PASSWORD}, format="json"
    )

    assert first.status_code == 200
    assert again.status_code == 400 and list(again.data) == ["token"]
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert AuditEvent.objects.filter(action="email_verified", actor=user).count() == 1
    signed_in = APIClient().post(
        TOKEN, {"email": "kim@example.org", "password": PASSWORD}, format="json"
    )
    assert signed_in.status_code == 200


def test_a_second_sign_up_cannot_take_over_an_unconfirmed_account() -> None:
    """Whoever signs up second (the owner, or someone racing them) does not change the
    password: the link works only with the first one, which its owner chose."""
    user = unconfirmed()

    api_sign_up(password=OTHER_PASSWORD)

    refused = api_confirm("kim@example.org", OTHER_PASSWORD)
    assert refused.status_code == 400 and list(refused.data) == ["password"]
    user.refresh_from_db()
    assert user.email_verified_at is None and user.check_password(PASSWORD)
    assert api_confirm("kim@example.org", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("uid", "token"),
    [("MQ", "bad-token"), ("!!", "x"), ("", ""), ("OTk5OTk5", "abc-def")],
    ids=["wrong-token", "bad-uid", "blank", "nobody"],
)
def test_a_bad_link_is_a_400_naming_the_field(uid: str, token: str) -> None:
    unconfirmed()

    response = APIClient().post(
        "/api/v1/auth/verify/", {"uid": uid, "token": token, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert set(response.data) <= {"uid", "token"}
    assert not User.objects.filter(email_verified_at__isnull=False).exists()


def test_the_link_expires() -> None:
    unconfirmed()
    api_sign_up()

    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        response = api_confirm("kim@example.org")

    assert response.status_code == 400 and list(response.data) == ["token"]


def test_a_password_reset_confirms_the_address() -> None:
    user = unconfirmed()
    Client().post("/accounts/password-reset/", {"email": "kim@example.org"})
    (message,) = mail.outbox
    reset_path = message.body.split("http://testserver")[-1].split()[0]
    browser = Client()
    form = browser.get(reset_path, follow=True)

    browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": OTHER_PASSWORD, "new_password2": OTHER_PASSWORD},
    )

    user.refresh_from_db()
    assert user.email_verified_at is not None
    signed_in = APIClient().post(
        TOKEN, {"email": "kim@example.org", "password": OTHER_PASSWORD}, format="json"
    )
    assert signed_in.status_code == 200


# --- the pages -----------------------------------------------------------------------------


def test_the_page_link_confirms_signs_in_and_leads_on_to_the_invitation() -> None:
    leader = UserFactory(display_name="Lea")
    tandem = tandem_create(creator=leader, name="Lea & Kim", role=Role.LEADER)
    _invitation, token = invitation_create(
        membership=tandem.memberships.get(), email="kim@example.org", role=Role.ASSISTANT
    )
    browser = Client()

    sent = page_sign_up(browser, next_url=f"/invitations/{token}/")
    assert sent["Location"] == "/accounts/signup/sent/"
    assert "kim@example.org" in browser.get(sent["Location"]).content.decode()
    path, _uid, _token = confirm_link("kim@example.org")
    page = browser.get(path)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    wrong = browser.post(path, {"password": OTHER_PASSWORD})
    assert wrong.status_code == 400 and "_auth_user_id" not in browser.session

    confirmed = browser.post(path, {"password": PASSWORD})

    assert confirmed.status_code == 302 and confirmed["Location"] == f"/invitations/{token}/"
    joined = browser.post(confirmed["Location"])
    assert joined.status_code == 302
    assert tandem.memberships.filter(user__email="kim@example.org", role="assistant").exists()


def test_a_used_link_page_says_so_with_a_way_on() -> None:
    unconfirmed()
    api_sign_up()
    path, _uid, _token = confirm_link("kim@example.org")
    assert api_confirm("kim@example.org").status_code == 200

    page = Client().get(path)

    assert page.status_code == 400
    assert "invalid or has expired" in page.content.decode()
    assert 'href="/accounts/signup/"' in page.content.decode()


def test_the_page_link_does_not_lead_off_the_site() -> None:
    browser = Client()
    page_sign_up(browser, next_url="https://evil.example/")
    path, _uid, _token = confirm_link("kim@example.org")

    confirmed = browser.post(path, {"password": PASSWORD})

    assert confirmed["Location"] == "/"


# --- invitations and limits ----------------------------------------------------------------


def test_an_unconfirmed_account_cannot_accept_an_invitation_to_its_address() -> None:
    leader = UserFactory()
    tandem = tandem_create(creator=leader, name="Pair", role=Role.LEADER)
    _invitation, token = invitation_create(
        membership=tandem.memberships.get(), email="kim@example.org", role=Role.ASSISTANT
    )
    user = unconfirmed()

    with pytest.raises(DomainError, match="Confirm your e-mail address first"):
        invitation_accept(user=user, token=token)

    assert tandem.memberships.count() == 1


def test_sign_up_emails_to_one_address_are_limited_alike_for_every_address() -> None:
    UserFactory(email="old@example.org")
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "sign_up_email": "3/hour"}

    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        codes = {
            email: [api_sign_up(email=email).status_code for _ in range(5)]
            for email in ("new@example.org", "old@example.org")
        }
        page = page_sign_up(Client(), email="new@example.org")

    assert codes == {email: [202, 202, 202, 429, 429] for email in codes}
    assert page.status_code == 429 and "Too many attempts" in page.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org"] * 3 + ["old@example.org"] * 3


def test_the_default_limit_is_three_sign_up_emails_an_hour() -> None:
    from tandem.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign_up_email"] == "3/hour"


def test_the_schema_says_202_and_no_token(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    responses = schema["paths"][SIGNUP.removeprefix("")]["post"]["responses"]
    assert "202" in responses and "201" not in responses
    assert "token" not in str(responses["202"])


def test_accounts_from_before_verification_count_as_confirmed() -> None:
    migration = importlib.import_module("apps.accounts.migrations.0004_email_verified")
    older = UserFactory(email_verified_at=None)
    fresh = services.user_sign_up(email="kim@example.org", password=PASSWORD)
    assert fresh == services.SignUpOutcome.CREATED
    User.objects.filter(email="kim@example.org").update(email_verified_at=None)

    migration.existing_accounts_are_verified(apps, None)

    older.refresh_from_db()
    assert older.email_verified_at == older.date_joined
