"""Password-reset e-mails are limited per address asked for and per client address; over a
limit the page answers 429 and sends nothing (issue 15, hardening: 12 requests had sent 12
e-mails)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"


@pytest.fixture(autouse=True)
def _production_rates() -> Iterator[None]:
    """The production defaults, not the test settings' generous ones."""
    rates = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "password_reset_ip": "10/hour",
        "password_reset_email": "3/hour",
    }
    cache.clear()
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        yield
    cache.clear()


def test_the_production_defaults_are_ten_per_client_and_three_per_address_an_hour() -> None:
    from tandem.settings import base

    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert (rates["password_reset_ip"], rates["password_reset_email"]) == ("10/hour", "3/hour")


def test_twelve_requests_for_one_address_send_three_emails() -> None:
    UserFactory(email="ann@example.org")
    codes = [
        Client(REMOTE_ADDR=f"10.0.0.{i}").post(RESET, {"email": "ann@example.org"}).status_code
        for i in range(12)
    ]

    assert codes == [302] * 3 + [429] * 9
    assert len(mail.outbox) == 3


def test_other_spellings_of_the_address_share_its_limit() -> None:
    UserFactory(email="ann@example.org")
    for spelling in ["ann@example.org", "ANN@example.org", "Ann@Example.org", "ann@EXAMPLE.org"]:
        response = Client().post(RESET, {"email": spelling})

    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_an_address_without_an_account_is_limited_alike() -> None:
    codes = [Client().post(RESET, {"email": "nobody@example.org"}).status_code for _ in range(4)]

    assert codes == [302, 302, 302, 429]
    assert mail.outbox == []


def test_one_client_is_limited_across_addresses() -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    codes = [client.post(RESET, {"email": f"p{i}@example.org"}).status_code for i in range(11)]

    assert codes == [302] * 10 + [429]


def test_the_refusal_says_how_long_to_wait() -> None:
    for _ in range(3):
        Client().post(RESET, {"email": "ann@example.org"})

    response = Client().post(RESET, {"email": "ann@example.org"})

    assert response.status_code == 429
    assert "Too many attempts. Try again in 60 minutes." in response.content.decode()
    assert 3500 <= int(response["Retry-After"]) <= 3601
