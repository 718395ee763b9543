"""The reference for a contact's care dates: the rules applied to what is in the database now,
read afresh (no stored date used). Every edit path must leave the stored dates equal to it."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from apps.contacts import rules, selectors
from apps.contacts.models import Contact


def live_rhythm_and_since(contact: Contact) -> tuple[rules.RhythmDays | None, date]:
    contact = Contact.objects.select_related("owner").get(pk=contact.pk)
    zone = ZoneInfo(contact.owner.timezone)
    since = contact.last_touch_on or contact.created_at.astimezone(zone).date()
    rhythm = rules.effective_rhythm(
        contact.rhythm,
        (contact.rhythm_ideal_days, contact.rhythm_latest_days),
        [(tag.rhythm_ideal_days, tag.rhythm_latest_days) for tag in contact.tags.all()],
    )
    return rhythm, since


def live_status(contact: Contact, today: date) -> selectors.ContactStatus:
    """The status `rules.contact_state` gives, with the dates counted from `since` by hand."""
    rhythm, since = live_rhythm_and_since(contact)
    return selectors.ContactStatus(
        rhythm=rhythm,
        state=rules.contact_state(rhythm, since, today),
        since=since,
        due_on=since + timedelta(days=rhythm.ideal) if rhythm else None,
        overdue_after=since + timedelta(days=rhythm.latest) if rhythm else None,
    )


def stored(contact: Contact) -> tuple[date | None, date | None, date | None]:
    return Contact.objects.values_list("since_on", "due_on", "overdue_after").get(pk=contact.pk)


def assert_care_dates_true() -> int:
    """Every contact's stored care dates are the rules' (returns how many were checked)."""
    checked = 0
    for contact in Contact.objects.all():
        live = live_status(contact, date(2026, 1, 1))  # the dates do not depend on the day
        assert stored(contact) == (live.since, live.due_on, live.overdue_after), contact.name
        checked += 1
    return checked
