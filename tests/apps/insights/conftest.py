"""Fixtures of the Insights tests: the German of the pages until the pending translations are
merged into the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import trans_real

PENDING = Path(__file__).resolve().parents[3] / "locale" / "pending"


@pytest.fixture
def german_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled German catalogue plus the translations waiting in locale/pending for
    Insights."""
    with translation.override("de"):
        catalog = trans_real.translation("de")._catalog  # type: ignore[attr-defined]
    top = catalog._catalogs[0]
    for name in ("insights.json", "insights-page.json"):
        path = PENDING / name
        if not path.exists():
            continue
        for msgid, german in json.loads(path.read_text()).items():
            if isinstance(german, list):
                for n, form in enumerate(german):
                    if (msgid, n) not in catalog:
                        monkeypatch.setitem(top, (msgid, n), form)
            elif msgid not in catalog:
                monkeypatch.setitem(top, msgid, german)
