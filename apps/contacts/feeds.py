"""Occasions in the person's calendar feed (opt-in: `ContactPreferences.occasions_in_calendar`).

Each dated occasion of the person's own contacts is one all-day VEVENT (DATE values, so no
timezone is involved): a yearly one recurs every year (29 February falls on the last day of
February in other years, as in `rules.yearly_date_near`), a one-time one is a single day.
Natural occasions are reasons for the next window, not dates to plan: they stay out.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Event, vRecur

from apps.accounts.models import User
from apps.contacts.models import ContactPreferences, Occasion, OccasionKind
from apps.core.text import one_line


def occasion_events(user: User) -> list[Event]:
    """The person's occasions as events, or none if they did not opt in."""
    if not ContactPreferences.objects.filter(user=user, occasions_in_calendar=True).exists():
        return []
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    occasions = (
        Occasion.objects.filter(contact__owner=user)
        .exclude(kind=OccasionKind.NATURAL)
        .select_related("contact")
        .order_by("on", "id")
    )
    events = []
    for occasion in occasions:
        event = Event()
        event.add("uid", f"contact-occasion-{occasion.pk}@{settings.TANDEM_CALENDAR_UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", one_line(f"{occasion.contact.name}: {occasion.title}"))
        event.add("dtstart", occasion.on)
        event.add("dtend", occasion.on + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("last-modified", occasion.updated_at.astimezone(UTC).replace(microsecond=0))
        if occasion.yearly:
            rule: dict[str, str | int] = {"freq": "yearly"}
            if (occasion.on.month, occasion.on.day) == (2, 29):
                rule.update(bymonth=2, bymonthday=-1)
            event.add("rrule", vRecur(rule))
        events.append(event)
    return events
