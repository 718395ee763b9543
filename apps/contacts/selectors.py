"""Reads for contact care. Who sees a contact is decided in one place, `visible_contacts`:
its owner, and the partner in the tandem it is shared with while both are members. For
everyone else a contact does not exist (`NotFound`, a 404).

Lists are built in a constant number of queries for any number of contacts: the tags come
with one prefetch, occasions with another, and the state is computed in Python
(`rules.contact_state`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.contacts import rules, transfer
from apps.contacts.models import (
    Contact,
    ContactPreferences,
    ContactTag,
    ContactWindow,
    Direction,
    Occasion,
    PreparedState,
    PreparedTouch,
    Touch,
)
from apps.core.errors import NotFound
from apps.tandems.models import Membership


def today_for(user: User, now: datetime | None = None) -> date:
    """The person's local date."""
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(user.timezone)).date()


def visible_contacts(user: User) -> QuerySet[Contact]:
    """Every contact `user` may see: their own, and those shared with them."""
    member_of = Membership.objects.filter(user=user).values("tandem_id")
    owner_still_in = Membership.objects.filter(
        tandem_id=OuterRef("shared_tandem_id"), user_id=OuterRef("owner_id")
    )
    return Contact.objects.filter(
        Q(owner=user) | (Q(shared_tandem_id__in=member_of) & Exists(owner_still_in))
    )


def contact_get_for_person(*, user: User, contact_id: int) -> Contact:
    """The contact if `user` may see it, else `NotFound` (missing and hidden look alike)."""
    contact = (
        visible_contacts(user)
        .select_related("owner", "shared_tandem")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise NotFound(gettext_noop("No such contact."))
    return contact


def contacts_for_list(user: User, *, scope: str = "all") -> QuerySet[Contact]:
    """Contacts for a list: `scope` "mine", "shared" (shared with me by my partner) or "all";
    tags prefetched, the owner joined."""
    contacts = visible_contacts(user)
    if scope == "mine":
        contacts = contacts.filter(owner=user)
    elif scope == "shared":
        contacts = contacts.exclude(owner=user)
    return contacts.select_related("owner").prefetch_related(
        Prefetch("tags", queryset=ContactTag.objects.order_by("name"))
    )


def rhythm_of(contact: Contact) -> rules.RhythmDays | None:
    """The rhythm in force; needs `tags` prefetched for a list (else one query)."""
    return rules.effective_rhythm(
        contact.rhythm,
        (contact.rhythm_ideal_days, contact.rhythm_latest_days),
        ((tag.rhythm_ideal_days, tag.rhythm_latest_days) for tag in contact.tags.all()),
    )


def added_on(contact: Contact, user: User) -> date:
    return contact.created_at.astimezone(ZoneInfo(user.timezone)).date()


@dataclass(frozen=True)
class ContactStatus:
    rhythm: rules.RhythmDays | None
    state: str
    since: date
    due_on: date | None
    overdue_after: date | None


def status_of(contact: Contact, *, user: User, today: date) -> ContactStatus:
    """The contact's rhythm and calm state on `today` (the viewer's date)."""
    rhythm = rhythm_of(contact)
    since = contact.last_touch_on or added_on(contact, contact.owner)
    return ContactStatus(
        rhythm=rhythm,
        state=rules.contact_state(rhythm, since, today),
        since=since,
        due_on=since + timedelta(days=rhythm.ideal) if rhythm else None,
        overdue_after=since + timedelta(days=rhythm.latest) if rhythm else None,
    )


def contact_views(user: User, contacts: Iterable[Contact]) -> list[rules.ContactView]:
    """`contacts` (tags prefetched) as the rules see them, with their occasions (one query)."""
    contacts = list(contacts)
    occasions: dict[int, list[rules.OccasionView]] = {}
    for row in Occasion.objects.filter(contact__in=[c.pk for c in contacts]).values_list(
        "contact_id", "kind", "title", "on", "yearly"
    ):
        occasions.setdefault(row[0], []).append(rules.OccasionView(*row[1:]))
    return [
        rules.ContactView(
            id=contact.pk,
            name=contact.name,
            rhythm=rhythm_of(contact),
            added_on=added_on(contact, user),
            last_touch_on=contact.last_touch_on,
            occasions=tuple(occasions.get(contact.pk, ())),
        )
        for contact in contacts
    ]


def suggestions_for(user: User, *, today: date, limit: int) -> list[dict[str, object]]:
    """What a window on `today` would suggest to `user`: at most `limit` of their own
    contacts, each `{"contact": id, "reasons": [...]}`. A constant number of queries."""
    own = Contact.objects.filter(owner=user).prefetch_related("tags")
    chosen = rules.suggest(contact_views(user, own), today, limit)
    return [{"contact": view.id, "reasons": found} for view, found in chosen]


def preferences_for(user: User) -> ContactPreferences:
    """The person's contact preferences (defaults if they have none yet; not saved)."""
    prefs = ContactPreferences.objects.filter(user=user).first()
    return prefs or ContactPreferences(user=user)


def open_prepared_for_owner(user: User) -> QuerySet[PreparedTouch]:
    """Prepared touches waiting for `user` to send them, on contacts still shared."""
    return (
        PreparedTouch.objects.filter(
            state=PreparedState.OPEN,
            contact__in=visible_contacts(user).filter(owner=user, shared_tandem__isnull=False),
        )
        .select_related("contact", "prepared_by")
        .order_by("created_at", "id")
    )


def latest_window(user: User) -> ContactWindow | None:
    return ContactWindow.objects.filter(user=user).order_by("-opens_at").first()


def touches_of(contact: Contact) -> QuerySet[Touch]:
    return contact.touches.select_related("logged_by").order_by("-happened_on", "-id")


def balance_of(contact: Contact, *, today: date) -> dict[str, int]:
    """Gives and asks among the owner's touches of the last year (one query)."""
    counts = contact.touches.filter(
        direction=Direction.OUT, happened_on__gt=today - timedelta(days=365)
    ).aggregate(asks=Count("id", filter=Q(asks=True)), gives=Count("id", filter=Q(asks=False)))
    return {"gives": counts["gives"] or 0, "asks": counts["asks"] or 0}


def last_touch(contact: Contact) -> Touch | None:
    return contact.touches.order_by("-happened_on", "-id").first()


def losing_touch(user: User, *, today: date) -> list[tuple[Contact, ContactStatus]]:
    """The person's own contacts whose rhythm is past its latest, and those without a touch
    for `rules.LONG_SILENCE_DAYS` (or never, added that long ago), longest silence first."""
    long_ago = today - timedelta(days=rules.LONG_SILENCE_DAYS)
    found = []
    for contact in contacts_for_list(user, scope="mine"):
        status = status_of(contact, user=user, today=today)
        if status.state == rules.State.OVERDUE or status.since <= long_ago:
            found.append((contact, status))
    found.sort(key=lambda item: (item[1].since, item[0].name.casefold(), item[0].pk))
    return found


# --- export ----------------------------------------------------------------------------------


def contacts_export(user: User, fmt: str) -> str:
    """The person's own contacts (never those shared with them) as a vCard 4.0 or CSV file,
    by name; two queries whatever their number."""
    contacts = (
        Contact.objects.filter(owner=user)
        .order_by("name", "id")
        .prefetch_related(Prefetch("tags", queryset=ContactTag.objects.order_by("name")))
    )
    values = (
        {
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "organisation": c.organisation,
            "role": c.role,
            "how_we_know": c.how_we_know,
            "links": [str(link) for link in c.links or ()],
            "notes": c.notes,
            "tags": [tag.name for tag in c.tags.all()],
        }
        for c in contacts
    )
    return transfer.write_vcards(values) if fmt == transfer.VCARD else transfer.write_csv(values)
