"""The care dates a contact stores (`Contact.since_on`, `due_on`, `overdue_after`): the rules
applied to what they depend on, rewritten in the same transaction as every change of it.

What they depend on, and who calls `care_dates_refresh` after changing it:
- the last touch (`touches.touch_log`, `touch_delete`, and so `prepared_mark_sent`);
- the contact's rhythm and tags (`contacts.contact_create`, `contact_update`, an import);
- a tag's rhythm, or the tag itself (`contacts.tag_update`, `tag_delete`);
- the day a contact without a touch was added, in the owner's timezone
  (`apps.home.services.user_update_preferences`, when the timezone changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from apps.accounts.models import User
from apps.contacts import rules
from apps.contacts.models import Contact

CARE_DATES = ["since_on", "due_on", "overdue_after"]

# Rows written per UPDATE statement when many contacts change at once (a tag's rhythm).
_BATCH = 500


def care_dates_refresh(*, owner: User, contact_ids: Iterable[int] | None = None) -> int:
    """Store the care dates of `owner`'s contacts (all, or those of `contact_ids`) as the
    rules give them now; returns how many changed. Plain values in two queries and one
    UPDATE per 500 changed contacts, whatever their number. `owner.timezone` must be the
    person's current one."""
    contacts = Contact.objects.filter(owner=owner)
    links = Contact.tags.through.objects.filter(contacttag__rhythm_ideal_days__isnull=False)
    if contact_ids is not None:
        ids = list(contact_ids)
        if not ids:
            return 0
        contacts = contacts.filter(pk__in=ids)
        links = links.filter(contact_id__in=ids)
    else:
        links = links.filter(contact__owner=owner)
    tag_rhythms: dict[int, list[tuple[int | None, int | None]]] = {}
    for contact_id, ideal, latest in links.values_list(
        "contact_id", "contacttag__rhythm_ideal_days", "contacttag__rhythm_latest_days"
    ):
        tag_rhythms.setdefault(contact_id, []).append((ideal, latest))
    zone = ZoneInfo(owner.timezone)
    changed = []
    for pk, rhythm, ideal, latest, created_at, last_touch_on, *stored in contacts.values_list(
        "id",
        "rhythm",
        "rhythm_ideal_days",
        "rhythm_latest_days",
        "created_at",
        "last_touch_on",
        *CARE_DATES,
    ):
        since = last_touch_on or created_at.astimezone(zone).date()
        in_force = rules.effective_rhythm(rhythm, (ideal, latest), tag_rhythms.get(pk, ()))
        due_on, overdue_after = rules.care_dates(in_force, since)
        if [since, due_on, overdue_after] != stored:
            changed.append(
                Contact(pk=pk, since_on=since, due_on=due_on, overdue_after=overdue_after)
            )
    Contact.objects.bulk_update(changed, CARE_DATES, batch_size=_BATCH)
    return len(changed)


def carrying(tag_id: int) -> list[int]:
    """The ids of the contacts that carry the tag."""
    return list(
        Contact.tags.through.objects.filter(contacttag_id=tag_id).values_list(
            "contact_id", flat=True
        )
    )
