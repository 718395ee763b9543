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
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import vobject
from django.utils.translation import gettext, gettext_noop
from vobject.base import getLogicalLines, textLineToContentLine
from vobject.icalendar import stringToTextValues

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


def read(data: bytes, fmt: str, *, max_rows: int) -> list[Row]:
    """The rows of a file of format `fmt` (VCARD or CSV), at most `max_rows` of them."""
    text = decode(data)
    if fmt == VCARD:
        return read_vcards(text, max_rows=max_rows)
    if fmt == CSV:
        return read_csv(text, max_rows=max_rows)
    raise DomainError(gettext_noop("Choose vCard or CSV."), field="format")


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


# --- vCard -----------------------------------------------------------------------------------

_BEGIN = re.compile(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE | re.MULTILINE)
_END = re.compile(r"^[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE)


def _cards(text: str) -> Iterator[str]:
    """Each BEGIN:VCARD … END:VCARD block (a card nested in a 2.1 AGENT stays inside its
    card); text between cards is ignored, a card never closed is yielded as it is."""
    depth, lines = 0, []
    for line in text.splitlines():
        if _BEGIN.match(line):
            depth += 1
        if depth:
            lines.append(line)
        if depth and _END.match(line):
            depth -= 1
            if not depth:
                yield "\r\n".join(lines) + "\r\n"
                lines = []
    if lines:
        yield "\r\n".join(lines) + "\r\n"


def read_vcards(text: str, *, max_rows: int) -> list[Row]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Counted before anything is parsed: 100,000 cards are refused at once.
    count = len(_BEGIN.findall(text))
    if count > max_rows:
        raise _too_many(max_rows)
    if not count:
        raise DomainError(gettext_noop("The file holds no vCard."), field="file")
    return [_row(number, _card_values, card) for number, card in enumerate(_cards(text), start=1)]


def _card_values(card: str) -> dict[str, Any]:
    try:
        values = _from_card(_content_lines(card))
    except _RowProblem:
        raise
    except Exception:
        # vobject raises many kinds of error on hostile input; whichever, it is this card's.
        raise _RowProblem(
            "card", gettext_noop("This card cannot be read (not a valid vCard).")
        ) from None
    return values


# A content line's group, name and parameters up to the ":" before its value: vobject's own
# grammar (vobject.base.patterns["line"]), or a little less, in atomic form. vobject's pattern
# backtracks exponentially on a line it does not match (30 parameters and a stray ";" take
# minutes), so a line reaches it only once it has matched this one, in linear time.
_NAME_CHARS = "[a-zA-Z0-9_-]"
_PARAM_VALUE = '(?:"[^"]*+"|[^";:,]*+)'
_LINE_HEAD = re.compile(
    rf"(?:{_NAME_CHARS}++\.)?+({_NAME_CHARS}++)"
    rf"(?:;(?=;))?(?:;{_NAME_CHARS}++(?:={_PARAM_VALUE})?+(?:,{_PARAM_VALUE})*+)*+:"
)
# The properties read (`_from_card`); any other (PHOTO, ADR, …) is passed over unparsed.
_READ: Final = frozenset(
    {"fn", "n", "email", "tel", "org", "title", "url", "x-socialprofile", "note", "categories"}
    | {X_HOW_WE_KNOW.lower()}
)


def _content_lines(card: str) -> dict[str, list[Any]]:
    """The card's properties by lower-case name, read by vobject's line reader: unfolded,
    with their parameters and groups, quoted-printable values decoded with their CHARSET
    (allowQP: continued after a trailing "=", as Outlook writes long notes).

    Not vobject's card behaviour on top: it keeps only what comes before the first unescaped
    comma of a text (2.1 has no escaping, and producers forget it); `_unescape` reads the
    values instead."""
    contents: dict[str, list[Any]] = {}
    depth = 0
    for text, number in getLogicalLines(io.StringIO(card), allowQP=True):
        head = _LINE_HEAD.match(text)
        if head is None:
            raise _RowProblem("card", gettext_noop("This card cannot be read (not a valid vCard)."))
        name = head.group(1).lower()
        if name in ("begin", "end"):
            depth += 1 if name == "begin" else -1
        elif depth == 1 and name in _READ:  # a card inside the card (2.1's AGENT) is not it
            contents.setdefault(name, []).append(textLineToContentLine(text, number))
    if depth:
        raise _RowProblem("card", gettext_noop("This card does not end (END:VCARD is missing)."))
    return contents


def _unescape(line: Any, separator: str | None = None) -> list[str]:
    """A content line's value unescaped (\\n, \\, \\; \\\\), split at `separator` when given."""
    if not isinstance(line.value, str):
        raise _RowProblem(line.name.lower(), gettext_noop("This value cannot be read."))
    parts: list[str] = stringToTextValues(line.value, listSeparator=separator)
    return parts


def _texts(contents: dict[str, list[Any]], name: str, separator: str | None = None) -> list[str]:
    return [part for line in contents.get(name, ()) for part in _unescape(line, separator)]


def _preferred(lines: list[Any]) -> Any:
    """The line marked preferred (3.0's TYPE=pref, 4.0's PREF=1, 2.1's bare PREF), else the
    first."""
    for line in lines:
        types = {t.lower() for value in line.params.get("TYPE", ()) for t in value.split(",")}
        if "pref" in types or "PREF" in line.params or "PREF" in line.singletonparams:
            return line
    return lines[0]


def _first(contents: dict[str, list[Any]], name: str) -> str:
    lines = contents.get(name)
    return " ".join(_unescape(_preferred(lines))) if lines else ""


def _from_card(contents: dict[str, list[Any]]) -> dict[str, Any]:
    name = " ".join(_texts(contents, "fn")).strip()
    if not name and contents.get("n"):
        # family;given;additional;prefixes;suffixes, as "prefixes given additional family …"
        family, given, additional, prefix, suffix, *_ = [
            *_unescape(contents["n"][0], ";"),
            *[""] * 5,
        ]
        name = " ".join(p for p in (prefix, given, additional, family, suffix) if p.strip())
    org = contents.get("org")
    organisation = _unescape(org[0], ";")[0] if org else ""
    phone = _first(contents, "tel")
    if phone.lower().startswith("tel:"):  # 4.0's VALUE=uri
        phone = phone[4:]
    links = _texts(contents, "url") + [
        # Apple's social profiles may be x-apple: addresses of its own: only web ones.
        v
        for v in _texts(contents, "x-socialprofile")
        if v.lower().startswith(("http://", "https://"))
    ]
    return {
        "name": name,
        "email": _first(contents, "email"),
        "phone": phone,
        "organisation": organisation,
        "role": " ".join(_texts(contents, "title")),
        "how_we_know": " ".join(_texts(contents, X_HOW_WE_KNOW.lower())),
        "links": links,
        "notes": "\n\n".join(_texts(contents, "note")),
        "tags": _texts(contents, "categories", ","),
    }


def write_vcards(contacts: Iterable[dict[str, Any]]) -> str:
    """vCard 4.0 (RFC 6350), one card per contact, CRLF line ends and folded lines."""
    return "".join(_card(values) for values in contacts)


def _card(values: dict[str, Any]) -> str:  # vobject's card behaviour escapes on the way out
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("prodid").value = "-//Tandem//Contacts//EN"
    card.add("fn").value = values["name"]
    for prop, key in (
        ("email", "email"),
        ("tel", "phone"),
        ("title", "role"),
        ("note", "notes"),
        (X_HOW_WE_KNOW.lower(), "how_we_know"),
    ):
        if values.get(key):
            card.add(prop).value = values[key]
    if values.get("organisation"):
        card.add("org").value = [values["organisation"]]
    for link in values.get("links") or ():
        card.add("url").value = link
    if values.get("tags"):
        card.add("categories").value = list(values["tags"])
    # No validation: vobject's is 3.0's, which wants an N that 4.0 no longer requires.
    serialized: str = card.serialize(validate=False)
    return serialized


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
