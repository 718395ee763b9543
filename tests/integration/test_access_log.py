"""gunicorn as docker-compose.yml runs it (deploy/gunicorn.conf.py) writes no secret from a
URL to its log: the calendar feed answered and then refused, each logged with `[redacted]`
in place of the token (apps/core/redaction.py)."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from apps.checkins.services import calendar_feed_regenerate
from devtools.processes import base_env, free_port, gunicorn, running, wait_for
from tests.factories import UserFactory


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _up(base: str) -> bool:
    try:
        return _status(f"{base}/api/health/") in (200, 503)
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_calendar_feed_token_stays_out_of_the_logs(tmp_path: Path) -> None:
    feed_token = calendar_feed_regenerate(user=UserFactory())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        TANDEM_VAR_DIR=str(tmp_path),
    )

    with running("web", gunicorn(port, workers=1), env, tmp_path):
        wait_for(lambda: _up(base), timeout=60, what="gunicorn to answer /api/health/")
        answered = _status(f"{base}/api/v1/calendar/{feed_token}.ics")
        refused = _status(f"{base}/api/v1/calendar/{feed_token}x.ics")

    log = (tmp_path / "web.log").read_text(errors="replace")
    assert (answered, refused) == (200, 404)
    assert '"GET /api/v1/calendar/[redacted].ics HTTP/1.1" 200' in log
    assert '"GET /api/v1/calendar/[redacted].ics HTTP/1.1" 404' in log
    assert "Not Found: /api/v1/calendar/[redacted].ics" in log
    assert feed_token not in log
