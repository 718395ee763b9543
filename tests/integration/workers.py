"""What the integration tests that run a real Celery worker share: its environment (this
test run's database and broker, e-mails into files) and reading its log."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from devtools.processes import base_env


def worker_env(tmp_path: Path) -> dict[str, str]:
    return base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.local",
        DEBUG="false",
        REDIS_URL=settings.CELERY_BROKER_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        EMAIL_BACKEND="devtools.mail.SlowFileBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        TANDEM_VAR_DIR=str(tmp_path),
    )


def succeeded(log: Path, task_ids: list[str]) -> bool:
    """Whether the worker has finished every one of these tasks (its log says so)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    done = set(re.findall(r"\[([0-9a-f-]{36})\] succeeded", text))
    return set(task_ids) <= done
