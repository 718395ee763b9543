"""Web pages of contact care, under /contacts/: a person's own, not a tandem's.

- `contacts`: the list, a new contact, changing and deleting one;
- `contact`: one contact's page, with its touches, occasions and prepared touches;
- `window`: this week's suggestions and the contacts one is losing touch with;
- `settings`: tags and the contact preferences;
- `transfer`: importing (a preview, then all or nothing) and exporting vCard and CSV.

As thin as the API: reads go through `selectors` (a contact someone may not see is a 404,
exactly like a missing one), writes through `services` (`apps.core.web.attempt`); what the
pages show is shaped in `apps.contacts.presenters`. Dates are the person's local ones.
"""

from apps.contacts.views.contact import (
    detail,
    occasion_add,
    occasion_delete,
    occasion_natural,
    prepared_create,
    prepared_drop,
    prepared_edit,
    prepared_sent,
    touch_delete,
    touch_log,
)
from apps.contacts.views.contacts import contact_delete, contact_edit, contact_list, contact_new
from apps.contacts.views.settings import preferences, tag_delete, tag_update, tags
from apps.contacts.views.transfer import export_csv, export_vcf, import_contacts
from apps.contacts.views.window import losing_touch, window

__all__ = [
    "contact_delete",
    "contact_edit",
    "contact_list",
    "contact_new",
    "detail",
    "export_csv",
    "export_vcf",
    "import_contacts",
    "losing_touch",
    "occasion_add",
    "occasion_delete",
    "occasion_natural",
    "preferences",
    "prepared_create",
    "prepared_drop",
    "prepared_edit",
    "prepared_sent",
    "tag_delete",
    "tag_update",
    "tags",
    "touch_delete",
    "touch_log",
    "window",
]
