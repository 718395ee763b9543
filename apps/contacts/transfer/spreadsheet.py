"""CSV: the columns Google Contacts and Outlook write, and ours; formula cells refused on
the way in and neutralised on the way out."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable
from typing import Any, Final

from django.utils.translation import gettext_noop

from apps.contacts.transfer.common import (
    _LIST_FIELDS,
    FIELDS,
    Row,
    RowError,
    _row,
    _RowProblem,
    _too_many,
)
from apps.core.errors import DomainError

# --- CSV -------------------------------------------------------------------------------------

# Header (compared case-insensitively) → our field. Google's current export, its older one
# ("Given Name", "Organization 1 - Name"), Outlook's, and our own.
_COLUMNS: Final[dict[str, str]] = {
    # ours
    "name": "name",
    "email": "email",
    "phone": "phone",
    "organisation": "organisation",
    "role": "role",
    "how_we_know": "how_we_know",
    "links": "links",
    "notes": "notes",
    "tags": "tags",
    # Google
    "e-mail 1 - value": "email",
    "phone 1 - value": "phone",
    "organization name": "organisation",
    "organization 1 - name": "organisation",
    "organization title": "role",
    "organization 1 - title": "role",
    "website 1 - value": "links",
    "website 2 - value": "links",
    "labels": "tags",
    "group membership": "tags",
    # Outlook
    "e-mail address": "email",
    "mobile phone": "phone",
    "business phone": "phone",
    "primary phone": "phone",
    "home phone": "phone",
    "company": "organisation",
    "job title": "role",
    "web page": "links",
    "categories": "tags",
}
# Parts of a name when there is no whole one (Google's old export has "Name").
_GIVEN: Final = ("first name", "given name")
_MIDDLE: Final = ("middle name", "additional name")
_FAMILY: Final = ("last name", "family name")
_LIST_SEPARATORS: Final = {
    "labels": " ::: ",
    "group membership": " ::: ",
    "categories": ";",
    "tags": "\n",
    "links": "\n",
    "website 1 - value": " ::: ",
    "website 2 - value": " ::: ",
}

_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
# "+SUM(1)", "@HYPERLINK(…)", "-2+3+cmd|' /C calc'!A0": a function call or a program.
_FORMULA = re.compile(r"^[+\-@]\s*[A-Za-z_][\w.]*\s*\(|^[+\-@].*\|")


def _is_formula(value: str) -> bool:
    return value.startswith("=") or bool(_FORMULA.match(value))


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text (OWASP's advice)."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def _cell(value: str, field: str) -> str:
    if value.startswith("'") and value[1:2] and value[1:].startswith(_TRIGGERS):
        return value[1:]  # neutralised by a spreadsheet or by our export: the value itself
    if _is_formula(value.strip()):
        raise _RowProblem(field, gettext_noop("This cell is a spreadsheet formula, not a value."))
    return value


def read_csv(text: str, *, max_rows: int) -> list[Row]:
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):
        # Outlook in some locales writes ";"; a tab-separated export also comes as .csv.
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t")
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error:
        header = []
    columns = [(i, h) for i, h in enumerate(header) if h in _COLUMNS]
    names = {h for h in header if h in (*_GIVEN, *_MIDDLE, *_FAMILY)}
    if not any(_COLUMNS[h] == "name" for _, h in columns) and not names:
        raise DomainError(
            gettext_noop(
                "The first line names no column we know: export from Google Contacts, "
                "Outlook or Tandem, or name the columns name, email, phone …"
            ),
            field="file",
        )
    rows: list[Row] = []
    number = 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error:
            number += 1
            rows.append(
                Row(number, error=RowError("file", gettext_noop("This line cannot be read.")))
            )
            break
        if record is None:
            break
        number += 1  # the spreadsheet's row: a cell may span lines
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) == max_rows:
            raise _too_many(max_rows)
        rows.append(_row(number, _record_values, header, columns, record))
    return rows


def _record_values(
    header: list[str], columns: list[tuple[int, str]], record: list[str]
) -> dict[str, Any]:
    raw: dict[str, Any] = {"links": [], "tags": []}
    cells = {h: record[i] if i < len(record) else "" for i, h in enumerate(header)}
    for index, column in columns:
        field_name = _COLUMNS[column]
        cell = _cell(record[index] if index < len(record) else "", field_name)
        if not cell.strip():
            continue
        if field_name in _LIST_FIELDS:
            raw[field_name].extend(cell.split(_LIST_SEPARATORS.get(column, "\n")))
        elif not raw.get(field_name):  # the first column that has it (mobile before business)
            raw[field_name] = cell
    if not raw.get("name"):
        parts = [cells.get(h, "") for group in (_GIVEN, _MIDDLE, _FAMILY) for h in group]
        raw["name"] = " ".join(_cell(p, "name").strip() for p in parts if p.strip())
    return raw


def write_csv(contacts: Iterable[dict[str, Any]]) -> str:
    """Our own columns (FIELDS), links and tags one per line in their cell, every cell that
    a spreadsheet would run as a formula neutralised; with a byte order mark, so that a
    spreadsheet reads it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for values in contacts:
        writer.writerow(
            neutralise(
                "\n".join(values.get(name) or ())
                if name in _LIST_FIELDS
                else str(values.get(name) or "")
            )
            for name in FIELDS
        )
    return out.getvalue()
