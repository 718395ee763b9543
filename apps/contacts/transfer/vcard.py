"""vCard 2.1, 3.0 and 4.0, read line by line with vobject and written as 4.0."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import vobject
from django.utils.translation import gettext_noop
from vobject.base import getLogicalLines, textLineToContentLine
from vobject.icalendar import stringToTextValues

from apps.contacts.transfer.common import X_HOW_WE_KNOW, Row, _row, _RowProblem, _too_many
from apps.core.errors import DomainError

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
