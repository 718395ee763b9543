"""The WSGI entry point (tandem/wsgi.py): what a gunicorn worker has once it imported it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import tandem.wsgi
print(gc.get_freeze_count(), len(gc.get_objects()), "tandem.urls" in sys.modules)
gc.unfreeze()
print(len(gc.get_objects()))
"""


def test_the_loaded_app_is_frozen_out_of_the_cycle_collectors_walks(tmp_path: Path) -> None:
    """Everything start-up loads (the URLconf and every view it names included) is frozen:
    a full collection walks only what requests made since, not the whole loaded code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="tandem.settings.test",
        TANDEM_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first, second = result.stdout.strip().splitlines()[-2:]
    frozen, tracked, urls_loaded = first.split()
    assert urls_loaded == "True"
    assert int(frozen) > 50_000  # the app's code, not a handful of objects
    # What the collector still walks is a small remainder of what is loaded.
    assert int(tracked) < int(second) / 10
