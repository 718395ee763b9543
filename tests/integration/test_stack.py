"""The production shape, natively: gunicorn + Celery worker + beat on PostgreSQL and Redis.

This is what docker-compose.yml starts; here the same commands run as plain processes.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.models import Heartbeat
from apps.tandems.models import Invitation
from devtools.processes import base_env, celery, free_port, gunicorn, running, wait_for

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def call(
    base: str, method: str, path: str, body: dict | None = None, token: str | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Token {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _mailed_link(mail_dir: Path) -> tuple[str, str] | None:
    for message in mail_dir.glob("*.log") if mail_dir.exists() else []:
        match = re.search(r"/accounts/confirm/([^/\s]+)/([^/\s]+)/", message.read_text())
        if match:
            return match.group(1), match.group(2)
    return None


def test_gunicorn_worker_and_beat_serve_the_product_together(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        REDIS_URL=settings.CELERY_BROKER_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        TANDEM_HEARTBEAT_SECONDS="1",
        TANDEM_VAR_DIR=str(tmp_path),
    )
    web = gunicorn(port, workers=2)
    worker = celery("worker", "--concurrency=2", "--loglevel=INFO")
    beat = celery("beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat-schedule'}")

    with (
        running("web", web, env, tmp_path),
        running("worker", worker, env, tmp_path),
        running("beat", beat, env, tmp_path),
    ):
        wait_for(lambda: _healthy(base), timeout=60, what="gunicorn to answer /api/health/")
        status, health = call(base, "GET", "/api/health/")
        assert (status, health["database"]["vendor"], health["broker"]["ok"]) == (
            200,
            "postgresql",
            True,
        )

        status, signed_up = call(
            base,
            "POST",
            "/api/v1/auth/signup/",
            {"email": "lea@example.org", "password": "a long secret 42"},
        )
        assert status == 202 and "token" not in signed_up
        # The worker mails the link that confirms the address; with it, the first token.
        wait_for(
            lambda: _mailed_link(tmp_path / "mail") is not None,
            timeout=60,
            what="the worker to mail the confirmation link",
        )
        uid, link_token = _mailed_link(tmp_path / "mail")  # type: ignore[misc]
        status, confirmed = call(
            base,
            "POST",
            "/api/v1/auth/verify/",
            {"uid": uid, "token": link_token, "password": "a long secret 42"},
        )
        assert status == 200
        token = confirmed["token"]
        status, tandem = call(
            base, "POST", "/api/v1/tandems/", {"name": "Stack", "role": "leader"}, token
        )
        assert status == 201
        status, invitation = call(
            base,
            "POST",
            f"/api/v1/tandems/{tandem['id']}/invitations/",
            {"email": "ann@example.org", "role": "assistant"},
            token,
        )
        assert status == 201

        wait_for(
            lambda: Invitation.objects.filter(
                pk=invitation["id"], email_sent_at__isnull=False
            ).exists(),
            timeout=60,
            what="the worker to send the invitation",
        )
        wait_for(
            lambda: Heartbeat.objects.filter(name="beat").exists(),
            timeout=60,
            what="beat to schedule the heartbeat and the worker to record it",
        )
        assert call(base, "GET", "/api/schema/?format=json")[0] == 200

    assert len(list((tmp_path / "mail").iterdir())) == 2  # the confirmation, the invitation


def _healthy(base: str) -> bool:
    try:
        return call(base, "GET", "/api/health/")[0] == 200
    except OSError:
        return False
