"""Contacts in and out of files: vCard (2.1, 3.0 and 4.0, read with vobject) and CSV (the
columns Google Contacts and Outlook write, and our own). Pure: bytes in, plain values out,
and back; no database. The import services (`services.importing`) decide what is new or a
duplicate and save, through the same cleaning as a contact typed in by hand.

Reading gives one `Row` per card or CSV record, numbered as the person sees them (the n-th
card; the spreadsheet's line, the header being line 1), with either the contact's values or
an error naming the row and the field. What breaks the whole file (not text, too many rows,
no card or no known column at all) raises a `DomainError` naming `file`.

What is read from a card: FN (or N when FN is empty), the preferred EMAIL and TEL (else the
first), ORG's first part, TITLE as the role, URL and X-SOCIALPROFILE as links, NOTE, and
CATEGORIES as tags (without Google's system group "myContacts"). Grouped properties (Apple's
`item1.URL`) count like plain ones. PHOTO, addresses and everything else are passed over.
Each card is read on its own (its lines by vobject), so one broken card is that card's error,
not the file's.

A CSV cell beginning with "=" is a spreadsheet formula, not a contact's value: refused, as
are "+", "-" and "@" cells that call a function or another program. A cell we wrote
neutralised (a leading apostrophe before one of those characters) is read back without it.

The parts: `common` (formats, rows, decoding, a contact's values), `vcard`, `spreadsheet`
(CSV); the names callers use are re-exported here.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from apps.contacts.transfer.common import (
    CSV,
    FIELDS,
    FORMATS,
    VCARD,
    X_HOW_WE_KNOW,
    Row,
    RowError,
    TooLarge,
    decode,
    guess_format,
    row_error_text,
)
from apps.contacts.transfer.spreadsheet import neutralise, read_csv, write_csv
from apps.contacts.transfer.vcard import read_vcards, write_vcards
from apps.core.errors import DomainError


def read(data: bytes, fmt: str, *, max_rows: int) -> list[Row]:
    """The rows of a file of format `fmt` (VCARD or CSV), at most `max_rows` of them."""
    text = decode(data)
    if fmt == VCARD:
        return read_vcards(text, max_rows=max_rows)
    if fmt == CSV:
        return read_csv(text, max_rows=max_rows)
    raise DomainError(gettext_noop("Choose vCard or CSV."), field="format")


__all__ = [
    "CSV",
    "FIELDS",
    "FORMATS",
    "VCARD",
    "X_HOW_WE_KNOW",
    "Row",
    "RowError",
    "TooLarge",
    "decode",
    "guess_format",
    "neutralise",
    "read",
    "read_csv",
    "read_vcards",
    "row_error_text",
    "write_csv",
    "write_vcards",
]
