"""Refresh the German catalogue: collect new strings, fill them from pending JSON files.

    .venv/bin/python scripts/i18n_merge.py

Runs `makemessages -l de`, then fills every untranslated or fuzzy entry whose msgid appears
in `locale/pending/*.json` (`{"msgid": "Übersetzung"}`; for plurals
`{"msgid": ["singular", "plural"]}`) and compiles; `--clean` then removes the JSON files. Prints
what is still untranslated, so a catalogue is never shipped half German by accident.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
PENDING = ROOT / "locale" / "pending"


def main() -> int:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [
            *manage,
            "makemessages",
            "-l",
            "de",
            "--no-obsolete",
            "--ignore=.venv/*",
            "--ignore=var/*",
            "--ignore=tests/*",
            "--ignore=bench/*",
        ],
        check=True,
        cwd=ROOT,
    )
    pending: dict[str, str | list[str]] = {}
    files = sorted(PENDING.glob("*.json")) if PENDING.exists() else []
    for path in files:
        pending.update(json.loads(path.read_text(encoding="utf-8")))
    catalogue = polib.pofile(str(PO))
    for entry in catalogue:
        if entry.translated() and "fuzzy" not in entry.flags:
            continue
        german = pending.get(entry.msgid)
        if german is None:
            continue
        if entry.msgid_plural:
            forms = german if isinstance(german, list) else [german, german]
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            entry.msgstr = german if isinstance(german, str) else german[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
    catalogue.save()
    if "--clean" in sys.argv:
        for path in files:
            path.unlink()
    subprocess.run([*manage, "compilemessages", "-l", "de", "--ignore=.venv"], check=True, cwd=ROOT)
    missing = [e.msgid for e in polib.pofile(str(PO)) if not e.translated() or "fuzzy" in e.flags]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
