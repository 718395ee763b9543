"""Importing contacts from a vCard or CSV file: a preview first, then all or nothing.

The preview reads the file (`apps.contacts.transfer`) and checks each row as `contact_create`
would (`contact_values_clean`), saving nothing. A row is `new`, a `duplicate` (its e-mail
address, normalised, is one of the person's contacts' already, or an earlier row's), or an
`error` naming the field. The import saves every new row (and the duplicates, if asked) in
one transaction, or, when any row has an error or the person's limit would be passed,
nothing at all.

Limits: the file's size (`TANDEM_CONTACTS_IMPORT_MAX_BYTES`, a 413), its rows
(`TANDEM_CONTACTS_IMPORT_MAX_ROWS`, counted before they are parsed), and the person's
contacts (`MAX_CONTACTS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext, ngettext

from apps.accounts.models import User
from apps.contacts import transfer
from apps.contacts.models import Contact, ContactTag
from apps.contacts.services.care import care_dates_refresh
from apps.contacts.services.common import MAX_CONTACTS, preferences_ensure
from apps.contacts.services.contacts import contact_values_clean
from apps.core.errors import DomainError

NEW: Final = "new"
DUPLICATE: Final = "duplicate"
ERROR: Final = "error"
STATUSES: Final = (NEW, DUPLICATE, ERROR)
# How many row errors a refused import lists.
ERRORS_LISTED: Final = 20


@dataclass
class ImportRow:
    number: int
    status: str
    values: dict[str, Any] = field(default_factory=dict)
    error: transfer.RowError | None = None
    clean: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def error_text(self) -> str:
        return transfer.row_error_text(self.number, self.error) if self.error else ""


@dataclass(frozen=True)
class ImportResult:
    created: int
    duplicates_skipped: int


class RowsRefused(DomainError):
    """An import with rows in error: each named (the first few), nothing saved."""

    def __init__(self, rows: list[ImportRow]) -> None:
        self.messages = [row.error_text for row in rows[:ERRORS_LISTED]]
        if len(rows) > ERRORS_LISTED:
            more = len(rows) - ERRORS_LISTED
            self.messages.append(
                ngettext("… and %(count)d more row.", "… and %(count)d more rows.", more)
                % {"count": more}
            )
        super().__init__(self.messages[0], field="rows", code="rows")

    @property
    def message(self) -> str:
        return self.messages[0]  # translated where it was raised

    def as_dict(self) -> dict[str, object]:
        return {"rows": self.messages}


def _read(data: bytes, fmt: str) -> list[transfer.Row]:
    limit = settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise transfer.TooLarge(
            gettext("The file is larger than %(size)s MB.") % {"size": _megabytes(limit)},
            field="file",
        )
    if not data.strip():
        raise DomainError(gettext("The file is empty."), field="file")
    return transfer.read(data, fmt, max_rows=settings.TANDEM_CONTACTS_IMPORT_MAX_ROWS)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"


def contacts_import_preview(*, owner: User, data: bytes, fmt: str) -> list[ImportRow]:
    """Each row of the file as it would be imported; nothing is saved."""
    rows: list[ImportRow] = []
    for read in _read(data, fmt):
        if read.error is not None:
            rows.append(ImportRow(read.number, ERROR, error=read.error))
            continue
        try:
            clean = contact_values_clean(owner=owner, values=read.values)
        except DomainError as error:
            rows.append(
                ImportRow(
                    read.number,
                    ERROR,
                    values=read.values,
                    error=transfer.RowError(error.field or "name", error.msgid),
                )
            )
            continue
        rows.append(ImportRow(read.number, NEW, values=read.values, clean=clean))
    keys = {row.clean["email_key"] for row in rows if row.clean.get("email_key")}
    # One query: the person's contacts with any of the file's addresses.
    seen = set(
        Contact.objects.filter(owner=owner, email_key__in=keys).values_list("email_key", flat=True)
    )
    for row in rows:
        key = row.clean.get("email_key")
        if row.status == NEW and key:
            if key in seen:
                row.status = DUPLICATE
            seen.add(key)
    return rows


@transaction.atomic
def contacts_import_commit(
    *, owner: User, data: bytes, fmt: str, skip_duplicates: bool = True
) -> ImportResult:
    """Import the file's contacts, all or nothing: any row in error, or more contacts than
    the person may have, and nothing is saved (the error names the rows, or `file`)."""
    # Lock the person: two imports of one file at once would each find no duplicates.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    rows = contacts_import_preview(owner=owner, data=data, fmt=fmt)
    refused = [row for row in rows if row.status == ERROR]
    if refused:
        raise RowsRefused(refused)
    saving = [row for row in rows if row.status == NEW or not skip_duplicates]
    if Contact.objects.filter(owner=owner).count() + len(saving) > MAX_CONTACTS:
        raise DomainError(
            gettext("With this file you would have more than %(count)d contacts.")
            % {"count": MAX_CONTACTS},
            field="file",
        )
    contacts = Contact.objects.bulk_create(
        [
            Contact(owner=owner, **{k: v for k, v in row.clean.items() if k != "tags"})
            for row in saving
        ]
    )
    _tag(owner, contacts, [row.clean["tags"] for row in saving])
    care_dates_refresh(owner=owner, contact_ids=[contact.pk for contact in contacts])
    preferences_ensure(owner)
    return ImportResult(created=len(saving), duplicates_skipped=len(rows) - len(saving))


def _tag(owner: User, contacts: list[Contact], names: list[list[str]]) -> None:
    """The rows' tags by name, case-insensitively the owner's existing ones, else new."""
    tags = {tag.name.lower(): tag for tag in ContactTag.objects.filter(owner=owner)}
    links = []
    for contact, row_names in zip(contacts, names, strict=True):
        ids = set()
        for name in row_names:
            tag = tags.get(name.lower())
            if tag is None:
                tag = tags[name.lower()] = ContactTag.objects.create(owner=owner, name=name)
            if tag.pk not in ids:
                ids.add(tag.pk)
                links.append(Contact.tags.through(contact_id=contact.pk, contacttag_id=tag.pk))
    Contact.tags.through.objects.bulk_create(links)
