"""Reads for contact care. Who sees a contact is decided here, by one rule: its owner, and
the partner in the tandem it is shared with while both are members; `visible_contacts`
applies it to lists, `contact_get_for_person` to one contact. For everyone else a contact
does not exist (`NotFound`, a 404).

Lists are built in a constant number of queries for any number of contacts: the tags come
with one prefetch (a plain list per contact, `WITH_TAGS`), occasions with another. A
contact's state comes from its stored care dates (`Contact.since_on`, `due_on`,
`overdue_after`, kept by `services.care_dates_refresh`), so lists filter and sort by it in
SQL."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.contacts import rules, transfer
from apps.contacts.models import (
    TAGS_READ,
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


SHARED_IDS_MAX = 1_000
"""Past this many contacts shared with a person, `visible_contacts` names them by a subquery
rather than by their ids."""


def _partner_seats(user: User) -> list[tuple[int, int]]:
    """(tandem id, partner's id) for each tandem `user` is in with someone: a tiny query
    (a person holds a few seats), which `_shared_with` turns into one indexed lookup per
    partner."""
    return list(
        Membership.objects.filter(tandem__memberships__user=user)
        .exclude(user=user)
        .order_by()
        .values_list("tandem_id", "user_id")
    )


def _shared_with(seats: list[tuple[int, int]]) -> QuerySet[Contact]:
    """The contacts shared with `user`, given their `_partner_seats`: those each partner
    shares with the tandem they are both in, read from the `(shared_tandem, owner)` index.

    A partner's seat is the condition itself (leaving deletes it and ends the sharing), so
    the person's own shared contacts are never read. One query that joined the memberships
    read all of them through the index on `shared_tandem` only to drop them, and its
    four-way join took longer to plan than the lookup to run."""
    pairs = (Q(shared_tandem_id=tandem_id, owner_id=partner_id) for tandem_id, partner_id in seats)
    return Contact.objects.filter(reduce(operator.or_, pairs, Q(pk__in=[])))


def visible_contacts(user: User) -> QuerySet[Contact]:
    """Every contact `user` may see: their own, and those shared with them.

    The contacts shared with them are read first (their ids, one small query after the
    partner seats; none without a partner): a person's own contacts alone are then served
    by the owner's indexes in the list's order, so a page of 50 is read, not every contact
    sorted (an `OR` no index serves in order), and with a few shared ones named by id the
    database combines the owner index and the primary key's. A subquery inside the OR made
    it scan every contact of every person."""
    seats = _partner_seats(user)
    if not seats:
        return Contact.objects.filter(owner=user)
    shared_with = _shared_with(seats)
    shared = list(shared_with.order_by().values_list("id", flat=True)[: SHARED_IDS_MAX + 1])
    if not shared:
        return Contact.objects.filter(owner=user)
    if len(shared) > SHARED_IDS_MAX:
        return Contact.objects.filter(Q(owner=user) | Q(pk__in=shared_with.values("id")))
    return Contact.objects.filter(Q(owner=user) | Q(pk__in=shared))


def contact_get_for_person(*, user: User, contact_id: int) -> Contact:
    """The contact if `user` may see it, else `NotFound` (missing and hidden look alike)."""
    contact = Contact.objects.select_related("owner", "shared_tandem").filter(pk=contact_id).first()
    if contact is None or not _may_see(user, contact):
        raise NotFound(gettext_noop("No such contact."))
    return contact


def _may_see(user: User, contact: Contact) -> bool:
    """`visible_contacts`' rule for one contact: the owner, or the partner in the tandem it is
    shared with while both hold their seats there (no query for the owner)."""
    if contact.owner_id == user.pk:
        return True
    if contact.shared_tandem_id is None:
        return False
    seats = Membership.objects.filter(
        tandem_id=contact.shared_tandem_id, user_id__in=[user.pk, contact.owner_id]
    )
    return seats.count() == 2


WITH_TAGS = Prefetch(
    "tags",
    queryset=ContactTag.objects.only(
        "id", "name", "rhythm_ideal_days", "rhythm_latest_days"
    ).order_by("name"),
    to_attr=TAGS_READ,
)
"""The tags of a list of contacts, by name, in one query: each contact's as a plain list
(`Contact.tags_by_name`). Into `tags.all()` Django's prefetch would build a related manager
and a queryset per contact, most of the cost of a page of 50."""


def contacts_for_list(
    user: User, *, scope: str = "all", prefetch: bool = True
) -> QuerySet[Contact]:
    """Contacts for a list: `scope` "mine", "shared" (shared with me by my partner) or "all";
    tags and owners prefetched (unless `prefetch` is false: a page read as values)."""
    if scope == "mine":
        contacts = Contact.objects.filter(owner=user)
    else:
        contacts = visible_contacts(user)
        if scope == "shared":
            contacts = contacts.exclude(owner=user)
    # The owners (one or two people) come in a query of their own: joined, PostgreSQL would
    # read the whole user table to join a person's thousands of contacts before the sort.
    return contacts.prefetch_related("owner", WITH_TAGS) if prefetch else contacts


@dataclass(frozen=True)
class ContactStatus:
    rhythm: rules.RhythmDays | None
    state: str
    since: date
    due_on: date | None
    overdue_after: date | None


def status_of(contact: Contact, *, user: User, today: date) -> ContactStatus:
    """The contact's rhythm and calm state on `today` (the viewer's date), from its stored
    care dates (no query)."""
    assert contact.since_on is not None, "care dates are kept by services.care_dates_refresh"
    return _status(contact.since_on, contact.due_on, contact.overdue_after, today)


def rhythm_from(
    since: date | None, due_on: date | None, overdue_after: date | None
) -> rules.RhythmDays | None:
    """The rhythm in force: the care dates' distance from `since`."""
    if since is None or due_on is None or overdue_after is None:
        return None
    return rules.RhythmDays((due_on - since).days, (overdue_after - since).days)


def _status(
    since: date, due_on: date | None, overdue_after: date | None, today: date
) -> ContactStatus:
    """A status from care dates."""
    return ContactStatus(
        rhythm=rhythm_from(since, due_on, overdue_after),
        state=rules.state_on(due_on, overdue_after, today),
        since=since,
        due_on=due_on,
        overdue_after=overdue_after,
    )


class _DaysFrom(Func):
    """The days from the date `start` to the date `day`, as a float (for a ratio), in SQL."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        day, start = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(CAST({day[0]} AS date) - CAST({start[0]} AS date))::float8", (
            *day[1],
            *start[1],
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        day, start = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(julianday({day[0]}) - julianday({start[0]}))", (*day[1], *start[1])


_VIEW_COLUMNS = ("id", "name", "last_touch_on", "since_on", "due_on", "overdue_after")


WindowRows = tuple[dict[int, list[rules.OccasionView]], dict[int, tuple[Any, ...]]]


def window_rows(user: User, *, today: date, limit: int) -> WindowRows:
    """What `window_views` reads: the occasions that can be a reason on `today` by contact,
    and the candidates' rows (`_VIEW_COLUMNS`) by id. Four queries, plain values."""
    reach = max(rules.NATURAL_DAYS, rules.OCCASION_NEAR_DAYS)
    occasions: dict[int, list[rules.OccasionView]] = {}
    for row in (
        Occasion.objects.filter(contact__owner=user)
        .filter(
            Q(yearly=True)
            | Q(
                on__gte=today - timedelta(days=reach),
                on__lte=today + timedelta(days=rules.OCCASION_NEAR_DAYS),
            )
        )
        .order_by("on", "id")
        .values_list("contact_id", "kind", "title", "on", "yearly")
    ):
        occasion = rules.OccasionView(*row[1:])
        if occasion.yearly and not rules.anniversary_near(occasion.on, today):
            continue  # no reason this week: its contact need not be read
        occasions.setdefault(row[0], []).append(occasion)
    # The due and overdue in the order `rules.suggest` ranks them (its ties by name are
    # left to it): overdue first, then by days since / ideal days, the largest first.
    day = Value(today, output_field=DateField())
    due = (
        Contact.objects.filter(owner=user, due_on__lte=today)
        .annotate(
            late=Case(
                When(overdue_after__lt=today, then=0), default=1, output_field=IntegerField()
            ),
            ratio=_DaysFrom(day, F("since_on")) / _DaysFrom(F("due_on"), F("since_on")),
        )
        .order_by("late", F("ratio").desc(), "id")
    )
    enough = max(limit, 0) + len(occasions)
    cut = next(iter(due.values_list("late", "ratio")[enough - 1 : enough]), None)
    if cut is not None:
        due = due.filter(Q(late__lt=cut[0]) | Q(late=cut[0], ratio__gte=cut[1]))
    rows = {row[0]: row for row in due.values_list(*_VIEW_COLUMNS)}
    missing = [pk for pk in occasions if pk not in rows]
    if missing:
        rows.update(
            (row[0], row)
            for row in Contact.objects.filter(owner=user, pk__in=missing).values_list(
                *_VIEW_COLUMNS
            )
        )
    return occasions, rows


def window_views(user: User, *, today: date, limit: int) -> list[rules.ContactView]:
    """Those of the person's own contacts that may be among a window's `limit` suggestions
    on `today`, as the rules see them (`rules.suggest` then chooses): every contact with an
    occasion that can be a reason now, and of the due and overdue the first `limit` + as
    many in the rules' order (overdue first, the longest past the ideal relative to it),
    with every one tied with the last of them. The others have no reason (neither due nor
    an occasion), or come after enough that do. Plain values in four queries whatever the
    number of contacts (`window_rows`); only the few candidates are read and ranked."""
    if limit <= 0:
        return []
    occasions, rows = window_rows(user, today=today, limit=limit)
    return [
        rules.ContactView(
            id=pk,
            name=name,
            rhythm=rhythm_from(since, due_on, overdue_after),
            # The day the clock starts without a touch: the local day it was added (kept
            # with the care dates, never empty outside the transaction that writes them).
            added_on=cast(date, since),
            last_touch_on=last_touch_on,
            occasions=tuple(occasions.get(pk, ())),
        )
        for pk, name, last_touch_on, since, due_on, overdue_after in rows.values()
    ]


def window_suggestions(
    user: User, *, today: date, limit: int
) -> list[tuple[rules.ContactView, list[dict[str, Any]]]]:
    """What a window on `today` would suggest to `user`: at most `limit` of their own
    contacts with their reasons (`rules.suggest`). A constant number of queries."""
    return rules.suggest(window_views(user, today=today, limit=limit), today, limit)


def suggestions_for(user: User, *, today: date, limit: int) -> list[dict[str, object]]:
    """`window_suggestions` as a window records them: `{"contact": id, "reasons": [...]}`."""
    return [
        {"contact": view.id, "reasons": found}
        for view, found in window_suggestions(user, today=today, limit=limit)
    ]


def preferences_for(user: User) -> ContactPreferences:
    """The person's contact preferences (defaults if they have none yet; not saved)."""
    prefs = ContactPreferences.objects.filter(user=user).first()
    return prefs or ContactPreferences(user=user)


def open_prepared_for_owner(user: User) -> QuerySet[PreparedTouch]:
    """Prepared touches waiting for `user` to send them, on contacts still shared."""
    return (
        PreparedTouch.objects.filter(
            state=PreparedState.OPEN,
            # The owner sees all their own contacts: no need for `visible_contacts` here.
            contact__owner=user,
            contact__shared_tandem__isnull=False,
        )
        .select_related("contact", "prepared_by")
        .order_by("created_at", "id")
    )


def latest_window(user: User) -> ContactWindow | None:
    return ContactWindow.objects.filter(user=user).order_by("-opens_at").first()


def read_tags(contact: Contact) -> Contact:
    """`contact` with its tags read by name (one query), as `WITH_TAGS` reads them for a
    list (`Contact.tags_by_name`)."""
    prefetch_related_objects([contact], WITH_TAGS)
    return contact


def tag_refs_of(contact_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The id and name of each contact's tags, by name as `WITH_TAGS` orders them, in one
    query of plain values: for a page read with `values()` (the list API's fast path)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for contact_id, tag_id, name in (
        Contact.tags.through.objects.filter(contact_id__in=contact_ids)
        .order_by("contacttag__name")
        .values_list("contact_id", "contacttag_id", "contacttag__name")
    ):
        found.setdefault(contact_id, []).append({"id": tag_id, "name": name})
    return found


def owners_of(owner_ids: Iterable[int], *, user: User) -> dict[int, User]:
    """The people who own the given contacts, by id: `user` without a query (a list is
    mostly their own), the partners who share theirs in one."""
    others = set(owner_ids) - {user.pk}
    found: dict[int, User] = {user.pk: user}
    if others:
        found.update(User.objects.only("id", "email", "display_name").in_bulk(others))
    return found


def touches_of(contact: Contact) -> QuerySet[Touch]:
    """The contact's touches, latest first (who logged one is shown nowhere: not joined)."""
    return contact.touches.order_by("-happened_on", "-id")


def balance_of(contact: Contact, *, today: date) -> dict[str, int]:
    """Gives and asks among the owner's touches of the last year (one query)."""
    counts = contact.touches.filter(
        direction=Direction.OUT, happened_on__gt=today - timedelta(days=365)
    ).aggregate(
        # Named apart from the field: an aggregate called `asks` would shadow `Q(asks=…)`.
        # Counted by `asks` (never null), not the id: the index holds it, so the year's
        # touches are counted from the index alone (models.Touch).
        asked=Count("asks", filter=Q(asks=True)),
        gave=Count("asks", filter=Q(asks=False)),
    )
    return {"gives": counts["gave"] or 0, "asks": counts["asked"] or 0}


def last_touch(contact: Contact) -> Touch | None:
    return contact.touches.order_by("-happened_on", "-id").first()


LOSING_TOUCH_COLUMNS = ("id", "name", "last_touch_on", "since_on", "due_on", "overdue_after")


def losing_touch(user: User, *, today: date, recent: bool = False) -> QuerySet[Contact]:
    """The person's own contacts whose rhythm is past its latest, and those without a touch
    for `rules.LONG_SILENCE_DAYS` (or never, added that long ago), longest silence first
    (`recent`: the most recent first): the rules of `rules.contact_state` on the stored care
    dates, so a page of them is one indexed query whatever the number of contacts
    (`losing_touch_status` gives a row's status)."""
    long_ago = today - timedelta(days=rules.LONG_SILENCE_DAYS)
    found = Contact.objects.filter(owner=user).filter(
        Q(since_on__lte=long_ago) | Q(overdue_after__lt=today)
    )
    if recent:
        return found.order_by(F("since_on").desc(), Lower("name").desc(), F("id").desc())
    return found.order_by("since_on", Lower("name"), "id")


def losing_touch_status(row: dict[str, Any], *, today: date) -> ContactStatus:
    """The status of a row of `losing_touch(...).values(*LOSING_TOUCH_COLUMNS)`."""
    return _status(row["since_on"], row["due_on"], row["overdue_after"], today)


def in_state(states: Iterable[str], *, today: date) -> Q:
    """Contacts whose calm state on `today` is one of `states` (`rules.State`): the rules of
    `rules.state_on` as a filter on the stored care dates."""
    conditions = {
        rules.State.NONE: Q(due_on__isnull=True),
        rules.State.OVERDUE: Q(overdue_after__lt=today),
        rules.State.DUE: Q(due_on__lte=today, overdue_after__gte=today),
        rules.State.FINE: Q(due_on__gt=today),
    }
    found = Q(pk__in=[])
    for state in states:
        found |= conditions[state]
    return found


def own_contacts_in_order(user: User, ids: list[int]) -> list[Contact]:
    """The person's own contacts `ids`, in that order, as a list shows them (owner and tags
    read with them); ids that are not theirs are left out."""
    return contacts_in_order(contacts_for_list(user, scope="mine"), ids)


def contacts_in_order(contacts: QuerySet[Contact], ids: list[int]) -> list[Contact]:
    """Those of `contacts` whose id is in `ids`, in the order of `ids`."""
    found = {c.pk: c for c in contacts.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class ContactsHome:
    """What contact care shows on the home page: nothing that nags, just where to look."""

    has_contacts: bool
    suggested: int  # in the last window
    prepared: int  # touches the partner prepared, waiting to be sent


def contacts_for_home(*, user: User) -> ContactsHome:
    """Three queries, whatever the number of contacts."""
    window = latest_window(user)
    return ContactsHome(
        has_contacts=Contact.objects.filter(owner=user).exists(),
        suggested=len(window.suggestions) if window else 0,
        prepared=open_prepared_for_owner(user).count(),
    )


def tag_choices(user: User) -> QuerySet[ContactTag]:
    """The person's own tags by name as a filter's choices: ids and names, not counted (what
    `tags_of` counts joins every contact's tags)."""
    return ContactTag.objects.filter(owner=user).order_by(Lower("name"), "id").only("id", "name")


def tags_of(user: User) -> QuerySet[ContactTag]:
    """The person's own tags by name, each with how many contacts carry it: counted per tag
    shown (a subquery), so a page of tags counts its own, not every tag's contacts joined and
    grouped before the page is cut (and the paginator counts the tags alone)."""
    carried = (
        Contact.tags.through.objects.filter(contacttag_id=OuterRef("pk"))
        .order_by()
        .values("contacttag_id")
        # COUNT(*), not of the link's id: the tag's index alone answers it (an index-only
        # scan), where counting the id read every link's row from the table.
        .annotate(n=Count("*"))
        # django-stubs resolves no annotation on an auto-created many-to-many table.
        .values("n")  # type: ignore[misc]
    )
    return (
        ContactTag.objects.filter(owner=user)
        # What the tags page and a tag's form show (the timestamps and the owner are not).
        .only("id", "name", "rhythm_ideal_days", "rhythm_latest_days")
        .annotate(contact_count=Coalesce(Subquery(carried, output_field=IntegerField()), 0))
        .order_by(Lower("name"), "id")
    )


def occasions_of(contact: Contact) -> QuerySet[Occasion]:
    """The contact's occasions by date, with what its page shows of them and who added each
    (which decides who may delete it); the contact's id too, which the related manager
    reads to attach the contact to each (else a query per occasion)."""
    fields = ("id", "contact_id", "kind", "title", "on", "yearly", "added_by_id")
    return contact.occasions.only(*fields).order_by("on", "id")


def open_prepared_on(contact: Contact) -> QuerySet[PreparedTouch]:
    """The touches prepared on `contact` that wait for its owner, oldest first."""
    return (
        contact.prepared_touches.filter(state=PreparedState.OPEN)
        .select_related("prepared_by")
        .order_by("created_at", "id")
    )


def contacts_by_id(user: User, ids: Iterable[int]) -> dict[int, Contact]:
    """The person's visible contacts among `ids` (one query; a deleted one is just absent)."""
    return {c.pk: c for c in visible_contacts(user).filter(pk__in=list(ids))}


# --- export ----------------------------------------------------------------------------------


def contacts_export(user: User, fmt: str) -> str:
    """The person's own contacts (never those shared with them) as a vCard 4.0 or CSV file,
    by name; two queries whatever their number."""
    contacts = Contact.objects.filter(owner=user).order_by("name", "id").prefetch_related(WITH_TAGS)
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
            "tags": [tag.name for tag in c.tags_by_name],
        }
        for c in contacts
    )
    return transfer.write_vcards(values) if fmt == transfer.VCARD else transfer.write_csv(values)
