"""Single sign-on in a real browser: Chromium goes from Tandem's sign-in page to a real OpenID
Connect provider (node-oidc-provider on 127.0.0.1), signs in there and comes back signed in to
Tandem, under Tandem's Content Security Policy; then signs out of both."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings

from apps.accounts.models import User
from tests.apps.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, start_provider
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(live_server) -> Iterator[Provider]:  # type: ignore[no-untyped-def]
    accounts = {"ada": {"email": "ada@example.com", "email_verified": True, "name": "Ada"}}
    running = start_provider(accounts, relying_party=live_server.url)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def sso(provider: Provider, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TANDEM_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.TANDEM_OIDC_LABEL = "Example ID"
    settings.TANDEM_OIDC_PROVIDER_LOGOUT = True
    settings.AUTHENTICATION_BACKENDS = [
        *django_settings.AUTHENTICATION_BACKENDS,
        "apps.accounts.oidc.OidcBackend",
    ]
    # What tandem/settings/base.py adds with TANDEM_OIDC_PROVIDER_LOGOUT set in the
    # environment: the sign-out form's redirect to the provider is a form action.
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy


def test_sign_in_and_out_through_the_identity_provider(  # type: ignore[no-untyped-def]
    new_page, live_server, provider: Provider
) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-sso")

    page.get_by_role("link", name="Sign in with Example ID").click()
    page.wait_for_url(f"{provider.issuer}/**")
    page.fill("input[name=login]", "ada")
    page.fill("input[name=password]", "anything")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    assert User.objects.get().email == "ada@example.com"
    assert page.get_by_role("button", name="Log out").count() == 1

    page.get_by_role("button", name="Log out").click()
    # The provider asks whether to sign out there too (its own page, RP-initiated logout).
    page.wait_for_url(f"{provider.issuer}/**")
    page.locator("button[autofocus], button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto("/")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/")
