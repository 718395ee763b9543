"""Brute force: failed sign-ins lock out an address from a client for the cool-off (web and
API alike), and the endpoints that take a password are throttled per client and per person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.request_info import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def _empty_throttle_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ann() -> User:
    return UserFactory(email="ann@example.org")


def api_from(ip: str) -> APIClient:
    return APIClient(REMOTE_ADDR=ip)


def token(client: APIClient, email: str, password: str) -> int:
    return client.post(TOKEN, {"email": email, "password": password}, format="json").status_code


def fail(client: APIClient, email: str, times: int) -> list[int]:
    return [token(client, email, "wrong password") for _ in range(times)]


def test_the_limit_is_five_failures_with_a_fifteen_minute_cool_off() -> None:
    assert LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_the_api_locks_out_after_the_limit_even_with_the_right_password(ann: User) -> None:
    client = api_from("10.0.0.1")

    assert fail(client, ann.email, LIMIT) == [400] * (LIMIT - 1) + [429]
    response = client.post(TOKEN, {"email": ann.email, "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "token" not in response.data


def test_after_the_cool_off_the_right_password_works_again(ann: User) -> None:
    client = api_from("10.0.0.1")
    fail(client, ann.email, LIMIT)

    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert token(client, ann.email, PASSWORD) == 200


def test_the_lockout_counts_an_address_regardless_of_case(ann: User) -> None:
    client = api_from("10.0.0.1")
    fail(client, "ANN@example.org", LIMIT - 1)

    assert fail(client, "ann@EXAMPLE.org", 1) == [429]


def test_the_lockout_is_for_the_address_from_that_client_only(ann: User) -> None:
    bob = UserFactory(email="bob@example.org")
    attacker = api_from("10.0.0.66")
    fail(attacker, ann.email, LIMIT)

    # Ann elsewhere, and another person from the attacker's address, still sign in.
    assert token(api_from("10.0.0.1"), ann.email, PASSWORD) == 200
    assert token(attacker, bob.email, PASSWORD) == 200


def test_a_successful_sign_in_resets_the_count(ann: User) -> None:
    client = api_from("10.0.0.1")
    fail(client, ann.email, LIMIT - 1)
    assert token(client, ann.email, PASSWORD) == 200

    assert fail(client, ann.email, LIMIT - 1) == [400] * (LIMIT - 1)


def test_the_web_login_locks_out_with_a_page(ann: User) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    wrong = {"username": ann.email, "password": "wrong password"}
    codes = [client.post(LOGIN, wrong).status_code for _ in range(LIMIT)]

    response = client.post(LOGIN, {"username": ann.email, "password": PASSWORD})

    assert codes == [200] * (LIMIT - 1) + [429]
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "<h1>Sign-in paused</h1>" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_web_and_api_failures_share_one_count(ann: User) -> None:
    web = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(LIMIT - 1):
        web.post(LOGIN, {"username": ann.email, "password": "wrong password"})

    assert fail(api_from("10.0.0.1"), ann.email, 1) == [429]


def test_failed_and_locked_out_attempts_are_in_the_audit_log(ann: User) -> None:
    fail(api_from("10.0.0.1"), ann.email, LIMIT)

    events = list(
        AuditEvent.objects.filter(action="login_failed")
        .order_by("id")
        .values_list("target", "ip", "data")
    )
    assert events == [("ann@example.org", "10.0.0.1", {"via": "api", "locked_out": False})] * (
        LIMIT - 1
    ) + [("ann@example.org", "10.0.0.1", {"via": "api", "locked_out": True})]


# --- throttles ----------------------------------------------------------------------------


def rates(per_address: str, per_person: str) -> override_settings:
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"auth_ip": per_address, "auth_user": per_person},
        }
    )


def test_the_auth_endpoints_are_throttled_per_client_address() -> None:
    client = api_from("10.0.0.1")
    with rates("3/minute", "100/minute"):
        codes = [token(client, f"p{i}@example.org", "x") for i in range(4)]
        other_client = token(api_from("10.0.0.2"), "p9@example.org", "x")

    assert codes == [400, 400, 400, 429]
    assert other_client == 400


def test_the_auth_endpoints_are_throttled_per_person_tried(ann: User) -> None:
    with rates("100/minute", "2/minute"):
        codes = [token(api_from(f"10.0.1.{i}"), ann.email, "x") for i in range(3)]
        someone_else = token(api_from("10.0.1.9"), "bob@example.org", "x")

    assert codes == [400, 400, 429]
    assert someone_else == 400


def test_a_signed_in_person_is_throttled_per_person(ann: User) -> None:
    client = api_from("10.0.0.1")
    client.force_authenticate(ann)
    with rates("100/minute", "2/minute"):
        codes = [client.delete(TOKEN).status_code for _ in range(3)]

    assert codes == [204, 204, 429]


# --- the client address -----------------------------------------------------------------


class _Request:
    def __init__(self, **meta: str) -> None:
        self.META = meta


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (0, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "1.2.3.4"),
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "6.6.6.6"),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not an address"}, None),
        (0, {"REMOTE_ADDR": "::1"}, "::1"),
        (0, {}, None),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    proxies: int, meta: dict[str, str], expected: str | None
) -> None:
    with override_settings(TANDEM_TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(_Request(**meta)) == expected


# --- nobody locks a victim out from afar (issue 15, defect 3) ------------------------------

ATTACKERS = ["10.6.0.1", "10.6.0.2", "10.6.0.3"]
VICTIM = "10.9.9.9"


def guess_from_afar(email: str, times: int) -> list[int]:
    return [token(api_from(ATTACKERS[i % 3]), email, "wrong password") for i in range(times)]


def test_guesses_from_elsewhere_do_not_stop_the_right_password_api(ann: User) -> None:
    with rates("100/minute", "10/minute"):
        guesses = guess_from_afar(ann.email, 11)
        response = api_from(VICTIM).post(
            TOKEN, {"email": ann.email, "password": PASSWORD}, format="json"
        )

    assert guesses == [400] * 10 + [429]
    assert response.status_code == 200
    assert response.data["user"]["email"] == "ann@example.org"


def test_the_per_person_throttle_still_stops_guesses_from_a_new_client(ann: User) -> None:
    with rates("100/minute", "10/minute"):
        guess_from_afar(ann.email, 10)
        newcomer = api_from("10.7.0.1")
        wrong = token(newcomer, ann.email, "wrong password")
        right_after_failing = token(newcomer, ann.email, PASSWORD)

    assert (wrong, right_after_failing) == (429, 429)


def test_a_client_that_failed_is_throttled_even_with_the_right_password(ann: User) -> None:
    with rates("100/minute", "10/minute"):
        guess_from_afar(ann.email, 10)

        assert token(api_from(ATTACKERS[0]), ann.email, PASSWORD) == 429


def test_the_spared_sign_in_is_recorded_as_one_login(ann: User) -> None:
    with rates("100/minute", "10/minute"):
        guess_from_afar(ann.email, 10)
        token(api_from(VICTIM), ann.email, PASSWORD)

    assert AuditEvent.objects.filter(action="login").count() == 1
    assert AuditEvent.objects.filter(action="login_failed", ip=VICTIM).count() == 0


def test_guesses_and_lockouts_elsewhere_do_not_stop_the_right_password_web(ann: User) -> None:
    wrong = {"username": ann.email, "password": "wrong password"}
    with rates("100/minute", "10/minute"):
        codes = [
            Client(REMOTE_ADDR=ip).post(LOGIN, wrong).status_code
            for ip in ATTACKERS
            for _ in range(LIMIT)
        ]
        victim = Client(REMOTE_ADDR=VICTIM)
        response = victim.post(LOGIN, {"username": ann.email, "password": PASSWORD})

    assert codes == ([200] * (LIMIT - 1) + [429]) * 3
    assert response.status_code == 302
    assert victim.session["_auth_user_id"] == str(ann.pk)
