"""What both formats share: the formats, a row and its error, decoding the bytes, and a
contact's values cleaned the same way whichever the source."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.translation import gettext, gettext_noop

from apps.core.errors import DomainError
from apps.core.text import MULTI_LINE_REFUSES, SINGLE_LINE_REFUSES


class TooLarge(DomainError):
    """A file larger than the import accepts (413)."""

    status_code = 413
    default_code = "too_large"


VCARD: Final = "vcard"
CSV: Final = "csv"
FORMATS: Final = (VCARD, CSV)

# The values a row gives, in the order of our own CSV's columns.
FIELDS: Final = (
    "name",
    "email",
    "phone",
    "organisation",
    "role",
    "how_we_know",
    "links",
    "notes",
    "tags",
)
_LIST_FIELDS: Final = frozenset({"links", "tags"})
_MULTI_LINE_FIELDS: Final = frozenset({"notes"})

# Google's system group, on every contact it exports; not one of the person's labels.
_SYSTEM_GROUPS: Final = frozenset({"mycontacts"})
# Our own vCard property for "how we know each other".
X_HOW_WE_KNOW: Final = "X-TANDEM-HOW-WE-KNOW"


@dataclass(frozen=True)
class RowError:
    field: str
    message: str


@dataclass
class Row:
    """One card or CSV record: `values` (FIELDS, lists for links and tags), or an error."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    error: RowError | None = None


def row_error_text(number: int, error: RowError) -> str:
    """ "Row 3, email: Enter a valid e-mail address." in the active language."""
    return gettext("Row %(row)d, %(field)s: %(message)s") % {
        "row": number,
        "field": error.field,
        "message": gettext(error.message),
    }


# --- bytes to text ---------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark), or UTF-16 with one (what
    some Windows programs write). Anything else is refused rather than guessed."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DomainError(
            gettext("The file is not UTF-8 text (byte %(position)d). Export it as UTF-8.")
            % {"position": error.start + 1},
            field="file",
        ) from None
    if "\x00" in text:
        raise DomainError(gettext_noop("The file is not text."), field="file")
    return text


def guess_format(filename: str, data: bytes = b"") -> str:
    """The format a file's name says (.vcf, .vcard, .csv), else what it begins with: a
    vCard's BEGIN:VCARD, or else CSV."""
    name = filename.lower()
    if name.endswith((".vcf", ".vcard")):
        return VCARD
    if name.endswith(".csv"):
        return CSV
    start = data[:64].lstrip(codecs.BOM_UTF8 + b" \t\r\n").upper()
    return VCARD if start.startswith(b"BEGIN:VCARD") else CSV


def _too_many(max_rows: int) -> DomainError:
    return DomainError(
        gettext("The file holds more than %(count)d contacts. Split it into smaller files.")
        % {"count": max_rows},
        field="file",
    )


# --- values, whichever the source ------------------------------------------------------------

_SINGLE_LINE_BAD = re.compile(f"[{SINGLE_LINE_REFUSES}]")
_MULTI_LINE_BAD = re.compile(f"[{MULTI_LINE_REFUSES}]")
_BREAKS = re.compile(r"[\r\n\t]+")


class _RowProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.error = RowError(field, message)


def _one(name: str, value: str) -> str:
    """A value under the text policy: one line (breaks become spaces) or, for notes, no
    control characters but line breaks and tabs."""
    value = value.strip()
    if name in _MULTI_LINE_FIELDS:
        value = value.replace("\r\n", "\n")
        if _MULTI_LINE_BAD.search(value):
            raise _RowProblem(name, gettext_noop("Remove the control characters."))
        return value
    value = " ".join(_BREAKS.sub(" ", value).split())
    if _SINGLE_LINE_BAD.search(value):
        raise _RowProblem(name, gettext_noop("Remove the control characters."))
    return value


def _tag_names(names: Iterable[str]) -> list[str]:
    found: list[str] = []
    for raw in names:
        name = raw.strip().removeprefix("* ").strip()
        if name and name.casefold() not in _SYSTEM_GROUPS and name not in found:
            found.append(name)
    return found


def _web_address(value: str) -> str:
    """A link as a web address: "www.example.com" (as people type it) gets its https://."""
    value = value.strip()
    if value and "://" not in value and re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", value):
        return "https://" + value
    return value


def _values(raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = raw.get(name)
        if name in _LIST_FIELDS:
            items = [_one(name, str(v)) for v in value or ()]
            values[name] = [v for v in items if v]
        else:
            values[name] = _one(name, str(value or ""))
    values["links"] = [_web_address(v) for v in values["links"]]
    values["tags"] = _tag_names(values["tags"])
    if not values["name"]:
        raise _RowProblem("name", gettext_noop("The contact has no name."))
    return values


def _row(number: int, make: Callable[..., dict[str, Any]], *args: Any) -> Row:
    try:
        return Row(number, values=_values(make(*args)))
    except _RowProblem as problem:
        return Row(number, error=problem.error)
