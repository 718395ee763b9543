"""Writes of contact care, one module per part, re-exported here:

- `care`: the care dates a contact stores, rewritten from the rules;
- `contacts`: contacts, tags, sharing, and the person's contact preferences;
- `touches`: touches (restarting the rhythm), occasions, touches prepared by the partner;
- `window`: the weekly window's suggestions and their one notice;
- `erasure`: a person who leaves a tandem or deletes their account;
- `importing`: contacts from a vCard or CSV file, previewed, then all or nothing.
"""

from apps.contacts.services.care import care_dates_refresh
from apps.contacts.services.contacts import (
    contact_create,
    contact_delete,
    contact_update,
    contact_values_clean,
    preferences_update,
    tag_create,
    tag_delete,
    tag_update,
)
from apps.contacts.services.erasure import (
    contacts_erase_for_user,
    contacts_unshare_for_departure,
)
from apps.contacts.services.importing import (
    ImportResult,
    ImportRow,
    RowsRefused,
    contacts_import_commit,
    contacts_import_preview,
)
from apps.contacts.services.touches import (
    CHAIN_ADVICE,
    chain_advice_due,
    occasion_add,
    occasion_delete,
    occasion_update,
    prepared_create,
    prepared_drop,
    prepared_mark_sent,
    prepared_update,
    touch_delete,
    touch_log,
)
from apps.contacts.services.window import (
    next_opening,
    window_of,
    window_open,
    windows_announce,
    windows_reschedule,
)

__all__ = [
    "CHAIN_ADVICE",
    "ImportResult",
    "ImportRow",
    "RowsRefused",
    "care_dates_refresh",
    "chain_advice_due",
    "contact_create",
    "contact_delete",
    "contact_update",
    "contact_values_clean",
    "contacts_erase_for_user",
    "contacts_import_commit",
    "contacts_import_preview",
    "contacts_unshare_for_departure",
    "next_opening",
    "occasion_add",
    "occasion_delete",
    "occasion_update",
    "preferences_update",
    "prepared_create",
    "prepared_drop",
    "prepared_mark_sent",
    "prepared_update",
    "tag_create",
    "tag_delete",
    "tag_update",
    "touch_delete",
    "touch_log",
    "window_of",
    "window_open",
    "windows_announce",
    "windows_reschedule",
]
