"""`check --deploy` fails when production settings contradict each other (apps/core/checks.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Tags, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

# The documented production shape: behind docker-compose.yml's one TLS proxy.
PRODUCTION: dict[str, Any] = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["tandem.example.org", "127.0.0.1"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "TANDEM_TRUSTED_PROXY_COUNT": 1,
    "TANDEM_BASE_URL": "https://tandem.example.org",
}


def findings(**overrides: Any) -> set[str]:
    with override_settings(**{**PRODUCTION, **overrides}):
        messages = run_checks(tags=[Tags.security], include_deployment_checks=True)
    return {m.id for m in messages if m.id and m.id.startswith("tandem.")}


def test_the_documented_production_settings_agree() -> None:
    assert findings() == set()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"TANDEM_TRUSTED_PROXY_COUNT": 0}, {"tandem.E001"}, id="ssl-header-no-proxy"),
        pytest.param(
            {"SECURE_PROXY_SSL_HEADER": None}, {"tandem.E002"}, id="proxy-without-ssl-header"
        ),
        pytest.param(
            {"SECURE_PROXY_SSL_HEADER": None, "SECURE_SSL_REDIRECT": False},
            {"tandem.E002"},
            id="proxy-without-ssl-header-hsts",
        ),
        pytest.param(
            {"TANDEM_BASE_URL": "http://tandem.example.org"}, {"tandem.E003"}, id="http-base-url"
        ),
        pytest.param(
            {"TANDEM_BASE_URL": "http://tandem.example.org", "SECURE_SSL_REDIRECT": False},
            {"tandem.E003"},
            id="http-base-url-secure-cookies",
        ),
        pytest.param(
            {"TANDEM_BASE_URL": "https://other.example.org"}, {"tandem.E004"}, id="foreign-host"
        ),
        pytest.param(
            {"TANDEM_BASE_URL": "https://tandem.example.org:8443/app/"}, set(), id="port-and-path"
        ),
    ],
)
def test_contradicting_settings_are_each_named(overrides: dict[str, Any], expected: set) -> None:
    assert findings(**overrides) == expected


def test_no_proxy_no_ssl_header_and_plain_http_is_consistent() -> None:
    """A laptop or an intranet without TLS: nothing claims HTTPS, so nothing contradicts."""
    assert (
        findings(
            TANDEM_TRUSTED_PROXY_COUNT=0,
            SECURE_PROXY_SSL_HEADER=None,
            SECURE_SSL_REDIRECT=False,
            SESSION_COOKIE_SECURE=False,
            SECURE_HSTS_SECONDS=0,
            TANDEM_BASE_URL="http://127.0.0.1:8000",
        )
        == set()
    )


def test_check_deploy_fails_on_a_contradiction() -> None:
    with (
        override_settings(**{**PRODUCTION, "TANDEM_TRUSTED_PROXY_COUNT": 0}),
        pytest.raises(SystemCheckError, match=r"tandem\.E001"),
    ):
        call_command("check", "--deploy")


def test_plain_check_does_not_run_the_deployment_checks() -> None:
    """Without --deploy (runserver, migrate, the test run) the laptop defaults stay valid."""
    with override_settings(**{**PRODUCTION, "TANDEM_TRUSTED_PROXY_COUNT": 0}):
        messages = run_checks(tags=[Tags.security])
    assert [m.id for m in messages if m.id and m.id.startswith("tandem.")] == []
