"""The matrix as CSV, safe to open in a spreadsheet. Pure: rows of values in, text out.

A cell that starts with = + - @, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets ("CSV injection"): an area named `=HYPERLINK(...)` would run
on the leader's machine. Such cells get a leading single quote, which spreadsheets show as
text and which a reader of the plain file easily recognises.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MATRIX_COLUMNS = (
    "id",
    "name",
    "description",
    "boundaries",
    "level",
    "level_label",
    "limit_amount",
    "limit_currency",
    "level_above_limit",
    "review_on",
    "goal",
    "elevated_level",
    "elevated_until",
)


def safe_cell(value: object) -> str:
    """The value as text that no spreadsheet evaluates; None is an empty cell."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(rows: Iterable[Sequence[object]], *, header: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
