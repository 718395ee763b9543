"""docker-compose.yml, read as Compose reads it (no Docker here): the TLS proxy in front of
gunicorn, and the app's environment trusting exactly that proxy and passing `check --deploy`."""

from __future__ import annotations

import json
import re
import secrets

import pytest

from tests.deploy.compose import ROOT, app_environment, interpolate, services
from tests.helpers.python import manage

APP_SERVICES = ("migrate", "web", "worker", "beat")


def test_interpolation_reads_nested_defaults_like_compose() -> None:
    text = "a,${X:-${Y:-b}},${Z-},$${LITERAL},${P:+p://}${Q+q}"
    assert interpolate(text, {}) == "a,b,,${LITERAL},"
    assert interpolate(text, {"Y": "y", "Z": "z", "P": "", "Q": ""}) == "a,y,z,${LITERAL},q"
    assert interpolate(text, {"X": "x", "Y": "y", "P": "1"}) == "a,x,,${LITERAL},p://"
    with pytest.raises(KeyError):
        interpolate("${S:?set S}", {"S": ""})


def test_gunicorn_is_not_published_the_tls_proxy_is_and_proxies_to_it() -> None:
    found = services()
    proxy = found["proxy"]

    assert proxy["image"] == "caddy:2"
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"^\{\$TANDEM_SITE_ADDRESS(:[\w.:/]+)?\} \{$", caddyfile, re.MULTILINE)
    assert re.search(r"^\s*dynamic a web 8000 \{$", caddyfile, re.MULTILINE)
    published = {name: service["ports"] for name, service in found.items() if "ports" in service}
    assert published.keys() == {"proxy", "mail"}
    assert "expose" in found["web"]  # reached over the compose network, by the proxy


def test_e_mail_goes_to_the_mail_catcher_unless_a_relay_is_set() -> None:
    """EMAIL_HOST used to name a `mail` service that did not exist. The catcher's web UI shows
    every link Tandem mails, so it is published on the host's loopback only."""
    found = services()
    default = app_environment("worker", {"SECRET_KEY": "x" * 50})
    relay = app_environment(
        "worker",
        {
            "SECRET_KEY": "x" * 50,
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "true",
            "EMAIL_HOST_USER": "tandem",
            "EMAIL_HOST_PASSWORD": "secret",
        },
    )
    smtp = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS")

    assert re.fullmatch(r"axllent/mailpit:v\d+\.\d+", found["mail"]["image"])
    assert found["mail"]["ports"] == ["127.0.0.1:8025:8025"]
    assert [default[name] for name in smtp] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail",
        "1025",  # Mailpit's SMTP port
        "false",
    ]
    assert [relay[name] for name in (*smtp, "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "true",
        "tandem",
        "secret",
    ]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_process_trusts_exactly_the_one_proxy(service: str) -> None:
    env = app_environment(service, {"SECRET_KEY": "x" * 50})

    assert env["TANDEM_TRUSTED_PROXY_COUNT"] == "1"
    assert env["DJANGO_SETTINGS_MODULE"] == "tandem.settings.production"


HTTPS_SETTINGS = (
    "ALLOWED_HOSTS",
    "TANDEM_BASE_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def test_with_a_domain_the_proxy_gets_its_certificate_and_the_app_requires_https() -> None:
    given = {"SECRET_KEY": "x" * 50, "TANDEM_DOMAIN": "tandem.example.org"}
    env = app_environment("web", given)

    assert app_environment("proxy", given) == {"TANDEM_SITE_ADDRESS": "tandem.example.org"}
    assert {name: env[name] for name in HTTPS_SETTINGS} == {
        "ALLOWED_HOSTS": "tandem.example.org",
        "TANDEM_BASE_URL": "https://tandem.example.org",
        "SECURE_SSL_REDIRECT": "true",
        "SESSION_COOKIE_SECURE": "true",
        "CSRF_COOKIE_SECURE": "true",
    }


def test_without_a_domain_the_stack_is_a_trial_on_plain_http_localhost() -> None:
    """`docker compose up` with SECRET_KEY alone: Caddy serves http://localhost without a
    certificate, so the app must neither redirect to HTTPS nor mark its cookies Secure (a
    browser would not send them back over HTTP: no sign-in would work). "" is false."""
    env = app_environment("web", {"SECRET_KEY": "x" * 50})

    assert app_environment("proxy", {}) == {"TANDEM_SITE_ADDRESS": "http://localhost"}
    assert {name: env[name] for name in HTTPS_SETTINGS} == {
        "ALLOWED_HOSTS": "localhost",
        "TANDEM_BASE_URL": "http://localhost",
        "SECURE_SSL_REDIRECT": "",
        "SESSION_COOKIE_SECURE": "",
        "CSRF_COOKIE_SECURE": "",
    }


def test_the_trial_settings_agree_and_check_deploy_warns_only_about_plain_http() -> None:
    """Tandem's contradiction checks (apps/core/checks.py) pass on the trial profile; Django's
    own deployment checks name exactly what a trial on plain HTTP gives up."""
    env = app_environment("web", {"SECRET_KEY": secrets.token_urlsafe(60)})
    env.pop("DJANGO_SETTINGS_MODULE")

    result = manage("check", "--deploy", **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert set(re.findall(r"\((\w+\.\w+)\)", result.stdout + result.stderr)) == {
        "security.W008",  # SECURE_SSL_REDIRECT
        "security.W012",  # SESSION_COOKIE_SECURE
        "security.W016",  # CSRF_COOKIE_SECURE
    }


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
