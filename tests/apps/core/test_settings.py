"""Production settings: refuse to start without a secret, and pass `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="tandem.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
    "ALLOWED_HOSTS": "127.0.0.1,tandem.example.org",
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
