"""docker-compose.yml, read as Compose reads it (no Docker here): the TLS proxy in front of
gunicorn, and the app's environment trusting exactly that proxy and passing `check --deploy`."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.apps.core.test_settings import manage

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
APP_SERVICES = ("migrate", "web", "worker", "beat")


def services() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    found: dict[str, Any] = compose["services"]
    return found


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, nested."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            depth, j = 0, i + 1
            while True:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append(_expand(text[i + 2 : j], env))
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _expand(expression: str, env: dict[str, str]) -> str:
    match = re.fullmatch(r"(\w+)(?:(:-|-|:\?|\?)(.*))?", expression, re.DOTALL)
    assert match, expression
    name, operator, argument = match.groups()
    value = env.get(name)
    if operator in (":?", "?"):
        if (not value) if operator == ":?" else value is None:
            raise KeyError(f"{name}: {argument}")
        return value or ""
    if (operator == ":-" and not value) or (operator == "-" and value is None):
        return interpolate(argument, env)
    return value or ""


def app_environment(service: str, env: dict[str, str]) -> dict[str, str]:
    return {
        key: interpolate(str(value), env)
        for key, value in services()[service]["environment"].items()
    }


def test_interpolation_reads_nested_defaults_like_compose() -> None:
    text = "a,${X:-${Y:-b}},${Z-},$${LITERAL}"
    assert interpolate(text, {}) == "a,b,,${LITERAL}"
    assert interpolate(text, {"Y": "y", "Z": "z"}) == "a,y,z,${LITERAL}"
    assert interpolate(text, {"X": "x", "Y": "y"}) == "a,x,,${LITERAL}"
    with pytest.raises(KeyError):
        interpolate("${S:?set S}", {"S": ""})


def test_only_the_tls_proxy_is_published_and_it_proxies_to_gunicorn() -> None:
    found = services()
    proxy = found["proxy"]

    assert proxy["image"] == "caddy:2"
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"^\{\$TANDEM_DOMAIN(:[\w.]+)?\} \{$", caddyfile, re.MULTILINE)
    assert re.search(r"^\s*dynamic a web 8000 \{$", caddyfile, re.MULTILINE)
    assert [name for name, service in found.items() if "ports" in service] == ["proxy"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_process_trusts_exactly_the_one_proxy(service: str) -> None:
    env = app_environment(service, {"SECRET_KEY": "x" * 50})

    assert env["TANDEM_TRUSTED_PROXY_COUNT"] == "1"
    assert env["DJANGO_SETTINGS_MODULE"] == "tandem.settings.production"


def test_the_defaults_follow_the_domain() -> None:
    env = app_environment("web", {"SECRET_KEY": "x" * 50, "TANDEM_DOMAIN": "tandem.example.org"})

    assert env["ALLOWED_HOSTS"] == "127.0.0.1,tandem.example.org"
    assert env["TANDEM_BASE_URL"] == "https://tandem.example.org"
    assert env["SECURE_SSL_REDIRECT"] == "true"


def test_the_admin_and_the_api_docs_can_be_moved_or_closed_from_the_environment() -> None:
    defaults = app_environment("web", {"SECRET_KEY": "x" * 50})
    closed = app_environment(
        "web", {"SECRET_KEY": "x" * 50, "TANDEM_ADMIN_URL": "", "TANDEM_API_DOCS": "false"}
    )
    moved = app_environment("web", {"SECRET_KEY": "x" * 50, "TANDEM_ADMIN_URL": "ops-7f3a/"})

    assert (defaults["TANDEM_ADMIN_URL"], defaults["TANDEM_API_DOCS"]) == ("admin/", "true")
    assert (closed["TANDEM_ADMIN_URL"], closed["TANDEM_API_DOCS"]) == ("", "false")
    assert moved["TANDEM_ADMIN_URL"] == "ops-7f3a/"


def test_the_web_environment_passes_check_deploy() -> None:
    """What the `web` container gets, with only SECRET_KEY and TANDEM_DOMAIN set (each variable
    the compose file sets replaces the test's own)."""
    env = app_environment(
        "web", {"SECRET_KEY": secrets.token_urlsafe(60), "TANDEM_DOMAIN": "tandem.example.org"}
    )
    assert env.pop("DJANGO_SETTINGS_MODULE") == "tandem.settings.production"  # manage()'s

    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_gunicorn_runs_with_its_config_file_in_compose_and_in_the_image() -> None:
    """deploy/gunicorn.conf.py: the access log without the secrets in URLs."""
    command = ["gunicorn", "tandem.wsgi", "--config", "deploy/gunicorn.conf.py"]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert services()["web"]["command"] == command
    assert f"CMD {json.dumps(command)}" in dockerfile.splitlines()
