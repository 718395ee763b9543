"""The WSGI entry point (tandem/wsgi.py): what a gunicorn worker has once it imported it."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers.python import python

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
    env.update(DJANGO_SETTINGS_MODULE="tandem.settings.test", TANDEM_VAR_DIR=str(tmp_path))
    result = python("-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    first, second = result.stdout.strip().splitlines()[-2:]
    frozen, tracked, urls_loaded = first.split()
    assert urls_loaded == "True"
    assert int(frozen) > 50_000  # the app's code, not a handful of objects
    # What the collector still walks is a small remainder of what is loaded.
    assert int(tracked) < int(second) / 10
