"""The home page: what needs the person now, across their tandems.

The one read that crosses the capability apps. Each capability says what it contributes
through its own selector, called here one by one: delegation the decisions that wait, check-ins
the next occurrences and the person's open action items, feedback the cycles that wait for
their entry. A fixed number of queries, however many tandems the person is in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.checkins import selectors as checkins
from apps.checkins.models import ActionItem, Occurrence
from apps.checkins.rules import occurrence_key
from apps.core import bounded
from apps.core.bounded import Listed
from apps.delegation import selectors as delegation
from apps.delegation.models import Decision
from apps.feedback import selectors as feedback
from apps.feedback.models import FeedbackCycle
from apps.tandems.models import Invitation, Membership, Role, Tandem

HOME_CHECKINS = 3
HOME_ACTION_ITEMS = 5


@dataclass(frozen=True)
class UpcomingCheckIn:
    series_id: int
    title: str
    start: datetime
    original_start: datetime  # how the occurrence is addressed (a moved one keeps it)

    @property
    def key(self) -> str:
        return occurrence_key(self.original_start)

    @classmethod
    def of(cls, occurrence: Occurrence) -> UpcomingCheckIn:
        series = occurrence.series
        return cls(series.pk, series.title, occurrence.start, occurrence.original_start)


@dataclass
class TandemHome:
    """One tandem on the person's home page: their seat and what waits for them there."""

    membership: Membership
    partner: Membership | None = None
    requests_to_answer: int = 0
    to_acknowledge: int = 0
    my_requests_waiting: int = 0
    checkins: list[UpcomingCheckIn] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    action_items_total: int = 0
    feedback_cycles: list[FeedbackCycle] = field(default_factory=list)
    open_invitations: list[Invitation] = field(default_factory=list)

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem

    @property
    def cap(self) -> int:
        """The counts above are counted up to this + 1: over it, "more than" it."""
        return bounded.COUNT_CAP

    @property
    def is_leader(self) -> bool:
        return self.membership.role == Role.LEADER

    @property
    def needs_me(self) -> bool:
        return bool(
            self.requests_to_answer
            or self.to_acknowledge
            or self.action_items
            or self.feedback_cycles
        )


def _seats_with_partners(
    user: User, *, tandem_id: int | None = None
) -> list[tuple[Membership, Membership | None]]:
    """The person's seats (or the one in `tandem_id`), by tandem name, each with the other
    member if the seat beside is taken. Two queries."""
    seats = Membership.objects.filter(user_id=user.pk).select_related("tandem")
    if tandem_id is not None:
        seats = seats.filter(tandem_id=tandem_id)
    mine = list(seats.order_by("tandem__name", "tandem_id"))
    if not mine:
        return []
    partners = {
        partner.tandem_id: partner
        for partner in Membership.objects.filter(tandem_id__in=[m.tandem_id for m in mine])
        .exclude(user_id=user.pk)
        .select_related("user")
    }
    return [(seat, partners.get(seat.tandem_id)) for seat in mine]


def home_for(
    *, user: User, now: datetime | None = None, tandem_id: int | None = None
) -> list[TandemHome]:
    """What needs the person now in each of their tandems (or only in `tandem_id`).

    Leaders see the requests to answer and the decisions to acknowledge; both see their next
    check-ins, their own open action items and the open feedback cycles they have not
    submitted yet.
    """
    now = now or timezone.now()
    homes = {
        seat.tandem_id: TandemHome(membership=seat, partner=partner)
        for seat, partner in _seats_with_partners(user, tandem_id=tandem_id)
    }
    if not homes:
        return []
    ids = list(homes)
    for tid, waiting in delegation.decisions_for_home(user=user, tandem_ids=ids).items():
        home = homes[tid]
        if home.is_leader:
            home.requests_to_answer = waiting.to_answer
            home.to_acknowledge = waiting.to_acknowledge
        home.my_requests_waiting = waiting.my_requests_waiting
    items = checkins.action_items_for_home(user=user, tandem_ids=ids, limit=HOME_ACTION_ITEMS)
    for tid, listed in items.items():
        homes[tid].action_items = listed.items
        homes[tid].action_items_total = listed.total
    for tid, cycles in feedback.feedback_cycles_for_home(
        user=user, tandem_ids=ids, now=now
    ).items():
        homes[tid].feedback_cycles = cycles
    upcoming = checkins.occurrences_upcoming_for_home(tandem_ids=ids, now=now, n=HOME_CHECKINS)
    for tid, occurrences in upcoming.items():
        homes[tid].checkins = [UpcomingCheckIn.of(occ) for occ in occurrences]
    for invitation in Invitation.objects.open().filter(tandem_id__in=ids).order_by("created_at"):
        homes[invitation.tandem_id].open_invitations.append(invitation)
    return list(homes.values())


# --- my week at a glance --------------------------------------------------------------------

WEEK_DAYS = 7
WEEK_MAX_DAYS = 31
WEEK_LIST_LIMIT = 20


@dataclass
class TandemWeek:
    """One tandem in the person's week: what is planned and what waits, for them and from
    them. Lists the person's role does not act on stay empty (an assistant answers no
    request; a leader has no requests of their own waiting)."""

    membership: Membership
    partner: Membership | None = None
    checkins: list[Occurrence] = field(default_factory=list)
    action_items: Listed[ActionItem] = field(default_factory=Listed)
    waiting_on_partner: Listed[ActionItem] = field(default_factory=Listed)
    requests_to_answer: Listed[Decision] = field(default_factory=Listed)
    to_acknowledge: Listed[Decision] = field(default_factory=Listed)
    my_requests_waiting: Listed[Decision] = field(default_factory=Listed)
    feedback_to_write: list[FeedbackCycle] = field(default_factory=list)

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem


def week_for(*, user: User, now: datetime | None = None, days: int = WEEK_DAYS) -> list[TandemWeek]:
    """The person's week across all their tandems (by name): the check-ins of the next
    `days` days with their agenda counts, their open action items and those they wait for,
    the requests and decisions that wait, the feedback to write. A fixed number of queries,
    however many tandems and rows there are."""
    now = now or timezone.now()
    weeks = {
        seat.tandem_id: TandemWeek(seat, partner) for seat, partner in _seats_with_partners(user)
    }
    if not weeks:
        return []
    ids = list(weeks)
    until = now + timedelta(days=days)
    for tid, found in checkins.occurrences_week_for_home(
        tandem_ids=ids, now=now, until=until
    ).items():
        weeks[tid].checkins = found
    items = checkins.open_action_items_for_home(user=user, tandem_ids=ids, limit=WEEK_LIST_LIMIT)
    for tid, of in items.items():
        weeks[tid].action_items = of["mine"]
        weeks[tid].waiting_on_partner = of["of_others"]
    for tid, lists in delegation.decisions_waiting_for_home(
        tandem_ids=ids, limit=WEEK_LIST_LIMIT
    ).items():
        week = weeks[tid]
        if week.membership.role == Role.LEADER:
            week.requests_to_answer = lists["awaiting_answer"]
            week.to_acknowledge = lists["to_acknowledge"]
        else:
            waiting = lists["awaiting_answer"]
            mine = [d for d in waiting.items if d.author_id == user.pk]
            # Requests of a former assistant may wait too; they are not the person's.
            total = waiting.total if len(mine) == len(waiting.items) else len(mine)
            week.my_requests_waiting = Listed(mine, total)
    for tid, cycles in feedback.feedback_cycles_for_home(
        user=user, tandem_ids=ids, now=now
    ).items():
        weeks[tid].feedback_to_write = cycles
    return list(weeks.values())
