"""gunicorn's access log, configured by deploy/gunicorn.conf.py, logs no secret from a URL
(apps/core/access_log.py). The integration test (tests/integration/test_stack.py) proves it
on a running gunicorn."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gunicorn.config import Config

from apps.core.access_log import RedactingLogger

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SECRET = "S3cr3t-T0ken_xyz"


def configured(**overrides: Any) -> Config:
    """deploy/gunicorn.conf.py read the way gunicorn reads a config file."""
    cfg = Config()
    for name, value in runpy.run_path(str(CONFIG)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    for name, value in overrides.items():
        cfg.set(name, value)
    return cfg


def request(target: str, **headers: str) -> tuple[Any, Any, dict[str, Any]]:
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": target,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }
    req = SimpleNamespace(headers=[(k.upper(), v) for k, v in headers.items()])
    resp = SimpleNamespace(status="200 OK", headers=[("Set-Cookie", f"sessionid={SECRET}")], sent=5)
    return resp, req, environ


def test_the_config_file_selects_the_redacting_logger_and_logs_access_to_stdout() -> None:
    cfg = configured()

    assert cfg.logger_class is RedactingLogger
    assert cfg.accesslog == "-"


def test_the_access_log_line_has_no_secret(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    cfg = configured(accesslog=str(log))
    logger = cfg.logger_class(cfg)
    resp, req, environ = request(
        f"/api/v1/calendar/{SECRET}.ics?token={SECRET}",
        referer=f"https://tandem.example.org/invitations/{SECRET}/",
    )

    logger.access(resp, req, environ, timedelta(milliseconds=12))

    line = log.read_text()
    assert SECRET not in line
    assert (
        '"GET /api/v1/calendar/[redacted].ics?token=[redacted] HTTP/1.1" 200 5 '
        '"https://tandem.example.org/invitations/[redacted]/"'
    ) in line


def test_every_atom_that_can_carry_the_secret_is_redacted() -> None:
    resp, req, environ = request(
        f"/invitations/{SECRET}/",
        referer=f"/accounts/login/?next=/invitations/{SECRET}/",
        authorization=f"Token {SECRET}",
        cookie=f"sessionid={SECRET}",
    )
    logger = RedactingLogger(configured())

    atoms = logger.atoms(resp, req, environ, timedelta(seconds=1))

    assert [key for key, value in atoms.items() if SECRET in str(value)] == []
    assert atoms["r"] == "GET /invitations/[redacted]/ HTTP/1.1"
    assert atoms["U"] == "/invitations/[redacted]/"
    assert atoms["{authorization}i"] == "[redacted]"


def test_a_request_line_of_an_unknown_shape_is_redacted_whole() -> None:
    resp, req, environ = request("/invitations/x/")
    environ["SERVER_PROTOCOL"] = "HTTP/1.1 extra"

    atoms = RedactingLogger(configured()).atoms(resp, req, environ, timedelta(seconds=1))

    assert atoms["r"] == "[redacted]"
