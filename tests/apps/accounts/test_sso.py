"""Single sign-on with OpenID Connect, against a real provider (node-oidc-provider on
127.0.0.1, tests/apps/accounts/oidc_provider.mjs): the full authorization-code flow, the
just-in-time account, linking by verified address, and every refusal as a page that says why.

The tampered answers (audience, nonce, expiry, signature) are ID tokens the provider signs
with its own published key, so only Tandem's checks can refuse them: without a check, the
test signs the person in and fails."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client

from apps.accounts.models import ApiToken, User
from apps.accounts.rules import is_sso_only
from apps.audit.models import AuditAction, AuditEvent
from tests.apps.accounts.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    sign_in,
    start_provider,
)
from tests.factories import UserFactory

ACCOUNTS = {
    "ada": {"email": "Ada@Example.com", "email_verified": True, "name": "Ada Lovelace"},
    "bob": {"email": "bob@example.com", "email_verified": True, "name": "Bob"},
    "cy": {"email": "cy@example.com", "email_verified": False, "name": "Cy"},
    "dee": {"email": "dee@example.com", "name": "Dee"},
    "eve": {"email": "eve@corp.example", "email_verified": True, "name": "Eve"},
    "aud": {"email": "aud@example.com", "email_verified": True, "tamper": "audience"},
    "nonce": {"email": "nonce@example.com", "email_verified": True, "tamper": "nonce"},
    "expired": {"email": "expired@example.com", "email_verified": True, "tamper": "expired"},
    "forged": {"email": "forged@example.com", "email_verified": True, "tamper": "signature"},
}
BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "apps.accounts.oidc.OidcBackend"]


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = start_provider(ACCOUNTS)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def sso(provider: Provider, settings: pytest.FixtureRequest) -> None:
    settings.TANDEM_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.TANDEM_OIDC_LABEL = "Example ID"
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    cache.clear()


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.filter(pk=user_id).first() if user_id else None


def actions_of(user: User | None = None) -> list[str]:
    events = AuditEvent.objects.order_by("id")
    if user is not None:
        events = events.filter(actor_id=user.pk)
    return list(events.values_list("action", flat=True))


def assert_refused(response, *, reason: str, status: int = 403) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert "Sign-in with Example ID did not work" in page
    assert f'data-reason="{reason}"' in page
    assert "Nobody was signed in" in page


# --- the sign-in page ---------------------------------------------------------------------------


def test_sign_in_page_offers_the_provider(client: Client) -> None:
    page = client.get("/accounts/login/?next=/inbox/").content.decode()

    assert "Sign in with Example ID" in page
    assert 'href="/accounts/sso/start/?next=%2Finbox%2F"' in page


def test_sign_in_page_in_german(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    page = client.get("/accounts/login/").content.decode()

    assert "Anmelden mit Example ID" in page


@pytest.mark.django_db
def test_without_a_provider_nothing_changes(client: Client, settings) -> None:
    settings.TANDEM_OIDC_ISSUER = ""

    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


# --- who is signed in ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_sign_in_creates_the_account_just_in_time(client: Client) -> None:
    response = sign_in(client, "ada", start="/accounts/sso/start/?next=/inbox/")

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    user = User.objects.get()
    assert signed_in_as(client) == user
    assert (user.email, user.display_name) == ("ada@example.com", "Ada Lovelace")
    assert user.email_verified_at is not None
    assert not user.has_usable_password()
    assert actions_of() == [AuditAction.SSO_ACCOUNT_CREATED, AuditAction.LOGIN]
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).data == {"via": "sso"}
    created = AuditEvent.objects.get(action=AuditAction.SSO_ACCOUNT_CREATED)
    assert created.data == {"issuer": settings.TANDEM_OIDC_ISSUER, "subject": "ada"}
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_sign_in_links_the_existing_account_with_the_same_verified_address(
    client: Client,
) -> None:
    bob = UserFactory(email="bob@example.com")

    response = sign_in(client, "bob")

    assert response.status_code == 302
    assert signed_in_as(client) == bob
    assert User.objects.count() == 1
    bob.refresh_from_db()
    assert bob.check_password("correct horse battery")  # the password still works too
    assert actions_of(bob) == [AuditAction.SSO_LINKED, AuditAction.LOGIN]
    assert AuditEvent.objects.get(action=AuditAction.SSO_LINKED).data["confirmed"] is False

    client.post("/accounts/logout/")
    sign_in(client, "bob")

    assert signed_in_as(client) == bob
    assert actions_of(bob).count(AuditAction.SSO_LINKED) == 1


@pytest.mark.django_db
def test_an_unconfirmed_sign_up_is_confirmed_and_its_password_dropped(client: Client) -> None:
    # Whoever signed up with the address without confirming it need not be its owner.
    bob = UserFactory(email="bob@example.com", email_verified_at=None)

    sign_in(client, "bob")

    bob.refresh_from_db()
    assert signed_in_as(client) == bob
    assert bob.email_verified_at is not None
    assert not bob.has_usable_password()
    linked = AuditEvent.objects.get(action=AuditAction.SSO_LINKED)
    assert linked.data == {
        "issuer": settings.TANDEM_OIDC_ISSUER,
        "subject": "bob",
        "confirmed": True,
    }


@pytest.mark.django_db
def test_a_switched_off_account_is_refused(client: Client) -> None:
    UserFactory(email="bob@example.com", is_active=False)

    assert_refused(sign_in(client, "bob"), reason="account_off")
    assert signed_in_as(client) is None


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unverified_address_is_refused(client: Client) -> None:
    UserFactory(email="cy@example.com")

    response = sign_in(client, "cy")

    assert_refused(response, reason="email_unverified")
    assert "not verified" in response.content.decode()
    assert signed_in_as(client) is None
    assert User.objects.count() == 1
    refused = AuditEvent.objects.get(action=AuditAction.SSO_REFUSED)
    assert refused.data == {"reason": "email_unverified"}


@pytest.mark.django_db
def test_a_refusal_in_german(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    page = sign_in(client, "cy").content.decode()

    assert "Anmeldung mit Example ID hat nicht geklappt" in page
    assert "deine E-Mail-Adresse nicht bestätigt" in page
    assert "Niemand wurde angemeldet" in page


@pytest.mark.django_db
def test_an_address_without_email_verified_is_refused_unless_trusted(
    client: Client, settings
) -> None:
    assert_refused(sign_in(client, "dee"), reason="email_unverified")
    assert not User.objects.exists()

    settings.TANDEM_OIDC_TRUST_EMAIL = True
    sign_in(client, "dee")

    assert signed_in_as(client) == User.objects.get(email="dee@example.com")


@pytest.mark.django_db
def test_explicitly_unverified_stays_refused_when_addresses_are_trusted(
    client: Client, settings
) -> None:
    settings.TANDEM_OIDC_TRUST_EMAIL = True

    assert_refused(sign_in(client, "cy"), reason="email_unverified")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "reason", "says"),
    [
        ("aud", "audience", "meant for another application"),
        ("nonce", "nonce", "belongs to another sign-in"),
        ("expired", "expired", "has expired"),
        ("forged", "signature", "not signed with the provider"),
    ],
)
def test_a_tampered_id_token_is_refused(client: Client, login: str, reason: str, says: str) -> None:
    response = sign_in(client, login)

    assert_refused(response, reason=reason)
    assert says in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.exists()
    assert actions_of() == [AuditAction.SSO_REFUSED]


@pytest.mark.django_db
def test_a_wrong_client_secret_is_refused_by_the_provider(client: Client, settings) -> None:
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"

    assert_refused(sign_in(client, "ada"), reason="exchange")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_client_authenticates_with_http_basic_when_told(client: Client, settings) -> None:
    settings.OIDC_TOKEN_USE_BASIC_AUTH = True

    sign_in(client, "ada")

    assert signed_in_as(client) == User.objects.get(email="ada@example.com")


@pytest.mark.django_db
def test_a_callback_used_twice_is_refused(client: Client) -> None:
    first = sign_in(client, "ada")
    assert first.status_code == 302
    # The same answer again, in another browser that never started a sign-in.
    callback = first.wsgi_request.get_full_path()

    assert_refused(Client().get(callback), reason="state", status=400)


@pytest.mark.django_db
def test_a_forged_state_is_refused(client: Client) -> None:
    client.get("/accounts/sso/start/")

    assert_refused(
        client.get("/accounts/sso/callback/?code=x&state=forged"), reason="state", status=400
    )


@pytest.mark.django_db
def test_cancelled_at_the_provider(client: Client) -> None:
    started = client.get("/accounts/sso/start/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]

    response = client.get(f"/accounts/sso/callback/?error=access_denied&state={state}")

    assert_refused(response, reason="cancelled")
    assert "cancelled" in response.content.decode()


@pytest.mark.django_db
def test_an_unreachable_provider_is_a_page_not_a_crash(client: Client, settings) -> None:
    settings.TANDEM_OIDC_ISSUER = "http://127.0.0.1:9"  # discard: nothing listens

    assert_refused(client.get("/accounts/sso/start/"), reason="unavailable", status=502)


# --- SSO only -----------------------------------------------------------------------------------


@pytest.fixture
def corp_only(settings) -> User:
    settings.TANDEM_OIDC_SSO_ONLY_DOMAINS = ["corp.example"]
    return UserFactory(email="eve@corp.example")


@pytest.mark.django_db
def test_sso_only_domain_refuses_password_sign_in(client: Client, corp_only: User) -> None:
    response = client.post(
        "/accounts/login/", {"username": "Eve@Corp.example", "password": "correct horse battery"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Addresses at corp.example sign in only through Example ID" in page
    assert signed_in_as(client) is None
    assert actions_of() == []  # refused before any password is checked


@pytest.mark.django_db
def test_sso_only_domain_says_so_in_german(client: Client, corp_only: User) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = client.post("/accounts/login/", {"username": "eve@corp.example", "password": "x"})

    assert "Adressen bei corp.example melden sich nur über Example ID an" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_sso_only_domain_signs_in_through_the_provider(client: Client, corp_only: User) -> None:
    sign_in(client, "eve")

    assert signed_in_as(client) == corp_only
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_sso_only_domain_ends_an_earlier_password_session(client: Client, settings) -> None:
    eve = UserFactory(email="eve@corp.example")
    client.force_login(eve, backend="apps.accounts.backends.VerifiedEmailBackend")
    settings.TANDEM_OIDC_SSO_ONLY_DOMAINS = ["corp.example"]

    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_sso_only_domain_refuses_password_reset_and_sign_up(
    client: Client, corp_only: User, mailoutbox
) -> None:
    reset = client.post("/accounts/password-reset/", {"email": "eve@corp.example"})
    signup = client.post(
        "/accounts/signup/",
        {
            "email": "new@corp.example",
            "password": "a long new password 123",
            "language": "en",
            "timezone": "Europe/Berlin",
        },
    )

    assert reset.status_code == 200
    assert "sign in only through Example ID" in reset.content.decode()
    assert signup.status_code == 200
    assert "sign in only through Example ID" in signup.content.decode()
    assert mailoutbox == []
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_sso_only_domain_refuses_an_api_token_by_password(corp_only: User) -> None:
    api = Client()

    response = api.post(
        "/api/v1/auth/token/",
        {"email": "eve@corp.example", "password": "correct horse battery"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "sign in only through Example ID" in response.json()["email"][0]
    assert not ApiToken.objects.exists()


# --- signing out --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_out_ends_the_tandem_session(client: Client) -> None:
    sign_in(client, "ada")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_sign_out_goes_on_to_the_provider_when_configured(
    client: Client, provider: Provider, settings
) -> None:
    settings.TANDEM_OIDC_PROVIDER_LOGOUT = True
    sign_in(client, "ada")
    id_token = client.session["oidc_id_token"]

    response = client.post("/accounts/logout/")

    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/session/end"
    assert parse_qs(target.query) == {
        "id_token_hint": [id_token],
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/accounts/login/"],
    }
    assert signed_in_as(client) is None
    # The provider accepts it: its sign-out confirmation page.
    assert requests.get(response["Location"], timeout=10).status_code == 200


# --- an account without a password --------------------------------------------------------------


@pytest.mark.django_db
def test_an_account_made_by_sso_is_deleted_with_its_address(client: Client) -> None:
    sign_in(client, "ada")
    page = client.get("/me/delete/").content.decode()
    assert "Confirm with your e-mail address" in page

    wrong = client.post("/me/delete/", {"password": "someone@example.com"})
    assert wrong.status_code == 200
    assert "exactly as your account has it" in wrong.content.decode()
    assert User.objects.get().is_active

    done = client.post("/me/delete/", {"password": "ADA@example.com "})

    assert done.status_code == 302
    gone = User.objects.get()
    assert not gone.is_active
    assert gone.email.endswith("@deleted.invalid")
    # Signing in again through the provider makes a new account; the old one stays deleted.
    sign_in(client, "ada")
    assert User.objects.filter(email="ada@example.com").count() == 1


# --- settings from the environment --------------------------------------------------------------


def settings_with(env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    """Loads the test settings in a fresh interpreter with these environment variables and
    prints `expression` (of `settings`)."""
    code = f"from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tandem.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_environment_configures_sso() -> None:
    env = {
        "TANDEM_OIDC_ISSUER": "https://id.example.com/realms/corp/.well-known/openid-configuration",
        "TANDEM_OIDC_CLIENT_ID": "tandem",
        "TANDEM_OIDC_CLIENT_SECRET": "secret",
        "TANDEM_OIDC_SSO_ONLY_DOMAINS": "corp.example, Example.ORG",
        "TANDEM_OIDC_PROVIDER_LOGOUT": "true",
    }
    expression = (
        "(settings.TANDEM_OIDC_ISSUER, settings.AUTHENTICATION_BACKENDS[-1], "
        "settings.TANDEM_OIDC_SSO_ONLY_DOMAINS, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )

    done = settings_with(env, expression)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr(
        (
            "https://id.example.com/realms/corp",
            "apps.accounts.oidc.OidcBackend",
            ["corp.example", "Example.ORG"],
            ["'self'", "https://id.example.com"],
        )
    )


def test_without_an_issuer_no_backend_and_no_csp_change() -> None:
    done = settings_with(
        {"TANDEM_OIDC_ISSUER": "", "TANDEM_OIDC_PROVIDER_LOGOUT": "true"},
        "(settings.AUTHENTICATION_BACKENDS, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr(
        (
            ["axes.backends.AxesStandaloneBackend", "apps.accounts.backends.VerifiedEmailBackend"],
            ["'self'"],
        )
    )


def test_sso_only_domains_without_a_provider_refuse_to_start() -> None:
    done = settings_with(
        {"TANDEM_OIDC_ISSUER": "", "TANDEM_OIDC_SSO_ONLY_DOMAINS": "corp.example"},
        "settings.TANDEM_OIDC_SSO_ONLY_DOMAINS",
    )

    assert done.returncode != 0
    assert "TANDEM_OIDC_SSO_ONLY_DOMAINS needs TANDEM_OIDC_ISSUER" in done.stderr


# --- the SSO-only rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "only"),
    [
        ("eve@corp.example", True),
        ("eve@mail.corp.example", False),  # a subdomain is a domain of its own
        ("eve@corp.example.org", False),
        ("corp.example@other.example", False),
        ("no-at-sign", False),
        ("", False),
    ],
)
def test_is_sso_only(address: str, only: bool) -> None:
    assert is_sso_only(address=address, domains=[" Corp.Example ", "@"]) is only


def test_an_unknown_client_authentication_refuses_to_start() -> None:
    done = settings_with({"TANDEM_OIDC_CLIENT_AUTH": "private_key_jwt"}, "settings.DEBUG")

    assert done.returncode != 0
    assert "TANDEM_OIDC_CLIENT_AUTH is client_secret_post or client_secret_basic" in done.stderr
