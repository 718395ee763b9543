"""Expanding an iCalendar feed with Mozilla's ical.js (the calendar library of Thunderbird),
a second client implementation next to the Python `recurring_ical_events`.

`scripts/setup.sh` installs it (`npm ci`, pinned in package.json / package-lock.json) when
the tests run; by hand: `npm ci` in the repository root.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("icaljs_expand.mjs")

Instance = tuple[datetime, datetime]


def expand(ics: bytes, window_start: datetime, window_end: datetime) -> dict[str, list[Instance]]:
    """{UID: [(start, end) in UTC, ...]} of every instance starting in [window_start,
    window_end), sorted, as ical.js computes it from the calendar alone (its VTIMEZONEs
    included: ical.js has no time zone database of its own)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        raise RuntimeError("ical.js is missing: install Node.js and run `npm ci` in " + str(ROOT))
    done = subprocess.run(
        [node, str(SCRIPT), window_start.isoformat(), window_end.isoformat()],
        input=ics,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ical.js failed: {done.stderr.decode()}")
    found: dict[str, list[list[str]]] = json.loads(done.stdout)
    return {
        uid: [(_instant(start), _instant(end)) for start, end in instances]
        for uid, instances in found.items()
    }


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
