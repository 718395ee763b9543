"""This interpreter in a process of its own: for settings that are read once at start
(production's refusals, `check --deploy`) and for commands such as a restore."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """This interpreter in a process of its own, in the checkout, with exactly `env`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="tandem.settings.production", **env)
    return python("manage.py", *args, env=environment)
