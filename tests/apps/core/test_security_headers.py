"""Security headers on pages and API answers, with the test settings and with production's
(in a subprocess, so production.py itself is what is tested)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import Pair

ROOT = Path(__file__).resolve().parents[3]

CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
COMMON: dict[str, Any] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def parse_csp(value: str | None) -> dict[str, set[str]] | None:
    if value is None:
        return None
    directives = (part.split() for part in value.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


def security_headers(headers: Any) -> dict[str, Any]:
    found: dict[str, Any] = {name: headers.get(name) for name in COMMON}
    found["Content-Security-Policy"] = parse_csp(found["Content-Security-Policy"])
    return found


# --- test settings (in process) ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_has_the_security_headers(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)

    response = client.get("/")

    assert response.status_code == 200
    assert security_headers(response) == COMMON
    assert "Strict-Transport-Security" not in response  # only in production, over HTTPS


@pytest.mark.django_db
def test_the_login_page_has_the_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert security_headers(response) == COMMON


@pytest.mark.django_db
def test_an_api_answer_has_the_security_headers(pair: Pair) -> None:
    response = pair.leader_client.get("/api/v1/tandems/")

    assert response.status_code == 200
    assert security_headers(response) == COMMON


@pytest.mark.django_db
def test_an_api_error_has_the_security_headers(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert security_headers(response) == COMMON


@pytest.mark.django_db
def test_a_page_needs_no_inline_style_or_script(client: Client, pair: Pair) -> None:
    """The CSP allows neither: the layout (and the line chart's legend) must not use them."""
    client.force_login(pair.leader)

    html = client.get("/").content.decode()

    assert " style=" not in html
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_the_line_chart_legend_draws_its_swatches_without_inline_style() -> None:
    from django.template.loader import render_to_string

    from apps.core.charts import line_chart

    chart = line_chart(["a", "b"], [("one", [1, 2]), ("two", [2, 1])], y_min=0, y_max=3)
    html = render_to_string("partials/line_chart.html", {"chart": chart, "title": "T"})

    assert "style=" not in html
    assert html.count('<svg class="swatch"') == 2


@pytest.mark.django_db
def test_the_api_docs_load_everything_from_our_own_static_files(client: Client) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == CSP
    html = response.content.decode()
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source


@pytest.mark.django_db
def test_the_api_docs_start_up_script_is_a_file(client: Client) -> None:
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content


# --- production settings (a subprocess) -------------------------------------------------------

PROBE = """
import json
from django.conf import settings
from django.test import Client

client = Client()
out = {}
for name, path in (("page", "/accounts/login/"), ("api", "/api/v1/me/")):
    r = client.get(path, secure=True)
    out[name] = {
        "status": r.status_code,
        "headers": dict(r.headers),
        "cookies": {
            k: {"secure": bool(v["secure"]), "httponly": bool(v["httponly"]),
                "samesite": v["samesite"]}
            for k, v in r.cookies.items()
        },
    }
r = client.get("/accounts/login/")
out["plain_http"] = {"status": r.status_code, "location": r.headers.get("Location")}
out["settings"] = {
    name: getattr(settings, name)
    for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE")
}
print("PROBE " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="tandem.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))  # type: ignore[no-any-return]


HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("name, status", [("page", 200), ("api", 401)])
def test_production_sends_the_security_headers_and_hsts(
    production: dict[str, Any], name: str, status: int
) -> None:
    answer = production[name]

    assert answer["status"] == status
    assert security_headers(answer["headers"]) == COMMON
    assert answer["headers"]["Strict-Transport-Security"] == HSTS


def test_production_cookies_are_secure(production: dict[str, Any]) -> None:
    assert production["page"]["cookies"]["csrftoken"] == {
        "secure": True,
        "httponly": False,
        "samesite": "Lax",
    }
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_production_redirects_plain_http_to_https(production: dict[str, Any]) -> None:
    assert production["plain_http"] == {
        "status": 301,
        "location": "https://testserver/accounts/login/",
    }
