"""Production settings: refuse to start without a secret, and pass `check --deploy`."""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import pytest

from tests.helpers.python import manage, python


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_embedded_default_secret() -> None:
    result = manage("check", SECRET_KEY="django-insecure-embedded-default-only-for-laptops")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# The configuration docker-compose.yml runs: behind one TLS proxy, links to the public domain.
DOCUMENTED = {
    "ALLOWED_HOSTS": "tandem.example.org",
    "TANDEM_TRUSTED_PROXY_COUNT": "1",
    "TANDEM_BASE_URL": "https://tandem.example.org",
}


def test_production_passes_check_deploy_without_warnings() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        **DOCUMENTED,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_a_trusted_proxy_fails_check_deploy() -> None:
    """production.py trusts the proxy's X-Forwarded-Proto; without TANDEM_TRUSTED_PROXY_COUNT
    every client would have the proxy's address (lockout per e-mail only, throttles
    site-wide)."""
    result = manage(
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(60),
        **{**DOCUMENTED, "TANDEM_TRUSTED_PROXY_COUNT": "0"},
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "(tandem.E001)" in result.stderr
    assert "tandem.E00" not in result.stderr.replace("(tandem.E001)", "")


def database_settings(**env: str) -> dict[str, Any]:
    """DATABASES["default"] as the settings read it from this environment (no connection)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    environment.update(env)
    code = "import json; from tandem.settings import base; print(json.dumps(base.DATABASES))"
    result = python("-c", code, env=environment)
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)["default"]
    return found


@pytest.mark.parametrize(("value", "disabled"), [(None, False), ("true", True), ("false", False)])
def test_server_side_cursors_can_be_disabled_for_pgbouncers_transaction_pooling(
    value: str | None, disabled: bool
) -> None:
    """docs/deploy.md, "Connection pooling": behind PgBouncer in transaction pooling a cursor
    would outlive the server connection it was declared on."""
    env = {"DATABASE_URL": "postgres://tandem@pgbouncer:6432/tandem"}
    if value is not None:
        env["DATABASE_DISABLE_SERVER_SIDE_CURSORS"] = value

    found = database_settings(**env)

    assert (found["HOST"], found["PORT"]) == ("pgbouncer", 6432)
    assert found["DISABLE_SERVER_SIDE_CURSORS"] is disabled
    assert (found["CONN_MAX_AGE"], found["CONN_HEALTH_CHECKS"]) == (60, True)
