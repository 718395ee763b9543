"""Every read of tandem data starts here, scoped to the person who asks.

Another tandem's object is reported exactly like a missing one (NotFound), so nobody can
learn that it exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Count, Exists, F, Model, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import NotFound
from apps.tandems.models import FormerMember, Goal, Invitation, Membership, Role, Tandem

M = TypeVar("M", bound=Model)


def tandems_for(user: User) -> QuerySet[Tandem]:
    """The tandems the person is a member of; the start of every tandem-scoped query."""
    if not user.is_authenticated:
        return Tandem.objects.none()
    return Tandem.objects.filter(memberships__user=user)


def tandems_with_members_for(user: User) -> QuerySet[Tandem]:
    return tandems_for(user).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user"))
    )


def membership_get_for_member(*, user: User, tandem_id: int | str) -> Membership:
    """The person's own seat in the tandem, or NotFound if they have none (or it is missing)."""
    try:
        tandem_pk = int(tandem_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    membership = (
        Membership.objects.select_related("tandem", "user")
        .filter(tandem_id=tandem_pk, user_id=user.pk)
        .first()
    )
    if membership is None:
        raise NotFound(gettext_noop("Not found."))
    return membership


def tandem_get_for_member(*, user: User, tandem_id: int | str) -> Tandem:
    return membership_get_for_member(user=user, tandem_id=tandem_id).tandem


def members_of(*, tandem: Tandem) -> QuerySet[Membership]:
    return Membership.objects.filter(tandem=tandem).select_related("user").order_by("role")


def partner_of(*, membership: Membership) -> Membership | None:
    """The other member of the tandem, if the seat is taken."""
    return (
        Membership.objects.select_related("user")
        .filter(tandem_id=membership.tandem_id)
        .exclude(pk=membership.pk)
        .first()
    )


def former_members_of(*, tandem: Tandem) -> QuerySet[FormerMember]:
    return FormerMember.objects.filter(tandem=tandem).select_related("user")


def former_names_of(*, tandem_id: int) -> dict[int, str]:
    """User id → role of the people who held a seat of the tandem before and hold none now:
    the names the tandem's pages show as a former member's."""
    current = Membership.objects.filter(tandem_id=tandem_id).values("user_id")
    rows = (
        FormerMember.objects.filter(tandem_id=tandem_id)
        .exclude(user_id__in=current)
        .order_by("left_at", "id")
        .values_list("user_id", "role")
    )
    return dict(rows)  # the latest stay wins


def goals_of(*, tandem: Tandem) -> QuerySet[Goal]:
    return Goal.objects.filter(tandem=tandem)


def invitations_of(*, tandem: Tandem) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tandem=tandem).select_related("invited_by", "accepted_by")


def locked_in_tandem(model: type[M], *, membership: Membership, pk: int) -> M:
    """The row of `model` with this id in the member's tandem, locked for update; NotFound
    when it is missing or belongs to another tandem (indistinguishable on purpose)."""
    row = (
        model._default_manager.select_for_update()
        .filter(tandem_id=membership.tandem_id, pk=pk)
        .first()
    )
    if row is None:
        raise NotFound(gettext_noop("Not found."))
    return row


# --- the home page: what needs the person now, across their tandems ------------------------
# The home page is the one read that crosses the capability apps; their models are imported
# inside the functions so `apps.tandems` stays importable by all of them.

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
        from apps.checkins.rules import occurrence_key

        return occurrence_key(self.original_start)


@dataclass
class TandemHome:
    """One tandem on the person's home page: their seat and what waits for them there."""

    membership: Membership
    partner: Membership | None = None
    requests_to_answer: int = 0
    to_acknowledge: int = 0
    my_requests_waiting: int = 0
    checkins: list[UpcomingCheckIn] = field(default_factory=list)
    action_items: list[Any] = field(default_factory=list)
    action_items_total: int = 0
    feedback_cycles: list[Any] = field(default_factory=list)
    open_invitations: list[Invitation] = field(default_factory=list)

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem

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


def home_for(
    *, user: User, now: datetime | None = None, tandem_id: int | None = None
) -> list[TandemHome]:
    """What needs the person now in each of their tandems (or only in `tandem_id`).

    Leaders see the requests to answer and the decisions to acknowledge; both see their next
    check-ins, their own open action items and the open feedback cycles they have not
    submitted yet. A fixed number of queries, however many tandems the person is in.
    """
    now = now or timezone.now()
    seats = Membership.objects.filter(user_id=user.pk).select_related("tandem")
    if tandem_id is not None:
        seats = seats.filter(tandem_id=tandem_id)
    homes = {
        m.tandem_id: TandemHome(membership=m) for m in seats.order_by("tandem__name", "tandem_id")
    }
    if not homes:
        return []
    ids = list(homes)
    for partner in (
        Membership.objects.filter(tandem_id__in=ids).exclude(user_id=user.pk).select_related("user")
    ):
        homes[partner.tandem_id].partner = partner
    _add_decisions(homes, user=user)
    _add_action_items(homes, user=user)
    _add_feedback_cycles(homes, user=user, now=now)
    _add_checkins(homes, now=now)
    for invitation in Invitation.objects.open().filter(tandem_id__in=ids).order_by("created_at"):
        homes[invitation.tandem_id].open_invitations.append(invitation)
    return list(homes.values())


def _add_decisions(homes: dict[int, TandemHome], *, user: User) -> None:
    from apps.delegation.models import ACKNOWLEDGEABLE, NEEDS_ACTION, Decision, DecisionStatus

    rows = (
        Decision.objects.filter(tandem_id__in=list(homes), status__in=NEEDS_ACTION)
        .values("tandem_id")
        .annotate(
            to_answer=Count("pk", filter=Q(status=DecisionStatus.AWAITING_ANSWER)),
            to_acknowledge=Count("pk", filter=Q(status__in=ACKNOWLEDGEABLE)),
            waiting=Count("pk", filter=Q(status=DecisionStatus.AWAITING_ANSWER, author_id=user.pk)),
        )
        .order_by()
    )
    for row in rows:
        home = homes[row["tandem_id"]]
        if home.is_leader:
            home.requests_to_answer = row["to_answer"]
            home.to_acknowledge = row["to_acknowledge"]
        home.my_requests_waiting = row["waiting"]


def _add_action_items(homes: dict[int, TandemHome], *, user: User) -> None:
    from apps.checkins.models import ActionItem, ActionItemStatus

    by_tandem = [F("tandem_id")]
    items = (
        ActionItem.objects.filter(
            tandem_id__in=list(homes), owner_id=user.pk, status=ActionItemStatus.OPEN
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=by_tandem,
                order_by=[F("due_date").asc(nulls_last=True), F("id").asc()],
            ),
            total=Window(Count("id"), partition_by=by_tandem),
        )
        .filter(rank__lte=HOME_ACTION_ITEMS)
        .order_by("tandem_id", "rank")
    )
    for item in items:
        home = homes[item.tandem_id]
        home.action_items.append(item)
        home.action_items_total = item.total


def _add_feedback_cycles(homes: dict[int, TandemHome], *, user: User, now: datetime) -> None:
    from apps.feedback.models import EntryStatus, FeedbackCycle, FeedbackEntry

    mine = FeedbackEntry.objects.filter(cycle=OuterRef("pk"), author_id=user.pk)
    cycles = (
        FeedbackCycle.objects.filter(
            tandem_id__in=list(homes), opens_at__lte=now, closed_at__isnull=True
        )
        .exclude(Exists(mine.filter(status=EntryStatus.SUBMITTED)))
        .annotate(has_draft=Exists(mine.filter(status=EntryStatus.DRAFT)))
        .order_by("closes_at", "id")
    )
    for cycle in cycles:
        homes[cycle.tandem_id].feedback_cycles.append(cycle)


def _add_checkins(homes: dict[int, TandemHome], *, now: datetime) -> None:
    """The next occurrences of each tandem's active series: starts computed from the rules,
    then the stored rows (skipped, moved) applied, in one query for all series."""
    from apps.checkins.models import CheckInSeries, Occurrence, OccurrenceStatus
    from apps.checkins.recurrence import next_occurrences

    series_list = list(CheckInSeries.objects.filter(tandem_id__in=list(homes), active=True))
    if not series_list:
        return
    # A few spare starts per series, so skipped ones do not leave the list short.
    starts = {s.pk: next_occurrences(s.schedule, now, HOME_CHECKINS + 2) for s in series_list}
    rows = Occurrence.objects.filter(series_id__in=list(starts)).filter(
        Q(original_start__in=[start for group in starts.values() for start in group])
        | Q(status=OccurrenceStatus.MOVED, moved_to__gte=now)
    )
    changed = {(row.series_id, row.original_start): row for row in rows}
    upcoming: dict[int, list[UpcomingCheckIn]] = defaultdict(list)
    for series in series_list:
        for start in starts[series.pk]:
            row = changed.pop((series.pk, start), None)
            if row is not None and row.status == OccurrenceStatus.SKIPPED:
                continue
            actual = row.start if row is not None else start
            if actual >= now:
                upcoming[series.tandem_id].append(
                    UpcomingCheckIn(series.pk, series.title, actual, start)
                )
    # Rows moved into the future from a start outside the computed ones.
    by_pk = {s.pk: s for s in series_list}
    for (series_id, original), row in changed.items():
        if row.status == OccurrenceStatus.MOVED and row.moved_to and row.moved_to >= now:
            series = by_pk[series_id]
            upcoming[series.tandem_id].append(
                UpcomingCheckIn(series.pk, series.title, row.moved_to, original)
            )
    for tandem_pk, items in upcoming.items():
        items.sort(key=lambda item: (item.start, item.series_id))
        homes[tandem_pk].checkins = items[:HOME_CHECKINS]
