"""Every read of feedback, scoped to the person who asks.

The blind rule is `visible_entries`: an entry is visible to its author, and to anyone else
in the tandem only once it is submitted and its cycle is revealed. Before that the other
person's entry is absent from every read: same shapes, same counts, same errors whether or
not it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.checkins.models import ActionItem
from apps.core.errors import NotFound
from apps.feedback import rules
from apps.feedback.models import (
    Amendment,
    Answer,
    Appreciation,
    EntryStatus,
    FeedbackCycle,
    FeedbackEntry,
    Question,
)
from apps.tandems.models import Membership, Role


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None


def visible_entries(*, membership: Membership) -> QuerySet[FeedbackEntry]:
    """The entries of the tandem this person may see (the blind rule)."""
    return FeedbackEntry.objects.filter(cycle__tandem_id=membership.tandem_id).filter(
        Q(author_id=membership.user_id)
        | Q(status=EntryStatus.SUBMITTED, cycle__revealed_at__isnull=False)
    )


def _entries_prefetch(membership: Membership) -> Prefetch[str, QuerySet[FeedbackEntry], str]:
    return Prefetch(
        "entries",
        queryset=visible_entries(membership=membership)
        .select_related("author", "recipient")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("question__position")),
            Prefetch("amendments", queryset=Amendment.objects.order_by("created_at", "id")),
        ),
        to_attr="visible",
    )


def cycles_of(*, membership: Membership) -> QuerySet[FeedbackCycle]:
    """The tandem's cycles with questions and the entries this person may see."""
    return (
        FeedbackCycle.objects.filter(tandem_id=membership.tandem_id)
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position")),
            _entries_prefetch(membership),
        )
        .order_by("-opens_at", "-id")
    )


def cycle_get(*, membership: Membership, cycle_id: int | str) -> FeedbackCycle:
    cycle = cycles_of(membership=membership).filter(pk=_pk(cycle_id)).first()
    if cycle is None:
        raise NotFound(gettext_noop("Not found."))
    return cycle


def own_entry(cycle: FeedbackCycle, user_id: int) -> FeedbackEntry | None:
    """From a cycle loaded by `cycles_of`: the entry this person writes."""
    return next((e for e in cycle.visible if e.author_id == user_id), None)  # type: ignore[attr-defined]


def received_entry(cycle: FeedbackCycle, user_id: int) -> FeedbackEntry | None:
    """From a cycle loaded by `cycles_of`: the other's entry for this person, once visible."""
    return next(
        (e for e in cycle.visible if e.recipient_id == user_id and e.author_id != user_id),  # type: ignore[attr-defined]
        None,
    )


def appreciations_of(*, membership: Membership) -> QuerySet[Appreciation]:
    return (
        Appreciation.objects.filter(tandem_id=membership.tandem_id)
        .select_related("author", "recipient", "decision", "action_item")
        .order_by("-created_at", "-id")
    )


# What a row of the received or the sent list shows (`presenters.AppreciationRow`): the
# people's names, the title of the decision and the text of the action item it is about.
APPRECIATION_ROW_FIELDS = (
    "id", "created_at", "text", "reaction", "author", "recipient", "decision", "action_item",
    "author__display_name", "author__email", "recipient__display_name", "recipient__email",
    "decision__title", "action_item__text",
)  # fmt: skip


def appreciation_rows(appreciations: QuerySet[Appreciation]) -> QuerySet[Appreciation]:
    """`appreciations` (`appreciations_of`, filtered) narrowed to what the lists' rows show."""
    return appreciations.only(*APPRECIATION_ROW_FIELDS)


def appreciation_get(*, membership: Membership, appreciation_id: int | str) -> Appreciation:
    found = appreciations_of(membership=membership).filter(pk=_pk(appreciation_id)).first()
    if found is None:
        raise NotFound(gettext_noop("Not found."))
    return found


# --- review ----------------------------------------------------------------------------------


@dataclass
class Completion:
    user: User
    role: str
    status: str


@dataclass
class HistoryRow:
    cycle: FeedbackCycle
    completion: list[Completion] | None


def _members(membership: Membership) -> list[Membership]:
    return list(
        Membership.objects.filter(tandem_id=membership.tandem_id)
        .select_related("user")
        .order_by("role")
    )


def history_of(*, membership: Membership) -> tuple[list[HistoryRow], dict[int, dict[str, int]]]:
    """All cycles, newest first, with completion per person once a cycle is revealed (before
    that it would tell whether the other has submitted), and the totals per person."""
    members = _members(membership)
    rows = history_rows(cycles=history_cycles(membership=membership), members=members)
    totals: dict[int, dict[str, int]] = {
        m.user_id: {"on_time": 0, "late": 0, "missed": 0} for m in members
    }
    for row in rows:
        for done in row.completion or []:
            if done.status in totals[done.user.pk]:
                totals[done.user.pk][done.status] += 1
    return rows, totals


def history_cycles(*, membership: Membership) -> QuerySet[FeedbackCycle]:
    """The tandem's cycles, newest first, each with who submitted when (`visible`, for
    `history_rows`): a page of them reads only its own entries."""
    # Only who submitted when: not the questions, answers and amendments `cycles_of` loads.
    submissions = visible_entries(membership=membership).only(
        "id", "cycle_id", "author_id", "status", "submitted_at"
    )
    return (
        FeedbackCycle.objects.filter(tandem_id=membership.tandem_id)
        .prefetch_related(Prefetch("entries", queryset=submissions, to_attr="visible"))
        .order_by("-opens_at", "-id")
    )


def history_rows(*, cycles: Iterable[FeedbackCycle], members: list[Membership]) -> list[HistoryRow]:
    """`cycles` (from `history_cycles`) with completion per member once revealed."""
    rows: list[HistoryRow] = []
    for cycle in cycles:
        if cycle.revealed_at is None:
            rows.append(HistoryRow(cycle, None))
            continue
        submitted = {
            e.author_id: e.submitted_at
            for e in cycle.visible  # type: ignore[attr-defined]
            if e.status == EntryStatus.SUBMITTED
        }
        completion = [
            Completion(
                m.user,
                m.role,
                rules.completion(
                    submitted_at=submitted.get(m.user_id),
                    closes_at=cycle.closes_at,
                    closed=cycle.closed_at is not None,
                ),
            )
            for m in members
        ]
        rows.append(HistoryRow(cycle, completion))
    return rows


@dataclass(frozen=True)
class CompletionTotals:
    """Over the revealed cycles: per member (user id) on time, late and missed (as
    `rules.completion` tells them apart; pending ones not counted), and how many cycles
    have been revealed."""

    by_member: dict[int, dict[str, int]]
    revealed: int


def completion_totals(*, membership: Membership, members: list[Membership]) -> CompletionTotals:
    """The completion of every revealed cycle per member, counted by the database: two
    queries, whatever the number of cycles (the same figures as `history_of`'s totals)."""
    revealed = FeedbackCycle.objects.filter(
        tandem_id=membership.tandem_id, revealed_at__isnull=False
    )
    cycles = revealed.aggregate(
        n=Count("id"), closed=Count("id", filter=Q(closed_at__isnull=False))
    )
    submitted = (
        visible_entries(membership=membership)
        .filter(cycle__in=revealed, status=EntryStatus.SUBMITTED)
        .values("author_id")
        .annotate(
            on_time=Count("id", filter=Q(submitted_at__lte=F("cycle__closes_at"))),
            late=Count("id", filter=Q(submitted_at__gt=F("cycle__closes_at"))),
            in_closed=Count("id", filter=Q(cycle__closed_at__isnull=False)),
        )
        .order_by()
    )
    counted = {row["author_id"]: row for row in submitted}
    empty = {"on_time": 0, "late": 0, "in_closed": 0}
    by_member = {}
    for m in members:
        row = counted.get(m.user_id, empty)
        by_member[m.user_id] = {
            "on_time": row["on_time"],
            "late": row["late"],
            "missed": cycles["closed"] - row["in_closed"],
        }
    return CompletionTotals(by_member, cycles["n"])


class CycleFacts(NamedTuple):
    """A cycle's columns that the history shows, read without a model instance."""

    id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    revealed_at: datetime | None


class PersonFacts(NamedTuple):
    id: int
    email: str
    display_name: str


class CompletionFacts(NamedTuple):
    user: PersonFacts
    role: str
    status: str


class HistoryFacts(NamedTuple):
    cycle: CycleFacts
    completion: list[CompletionFacts] | None


def history_facts_of(
    *, membership: Membership
) -> tuple[list[HistoryFacts], dict[int, dict[str, int]]]:
    """`history_of` as plain values, for the API: the same rows, completion and totals, in
    the same order, from three `values()` reads instead of model instances and a prefetch
    (the API's history in about half the time). A page that needs the cycles themselves
    (their entries, their state) reads `history_of`."""
    members = [
        (row[0], row[1], PersonFacts(row[0], row[2], row[3]))
        for row in Membership.objects.filter(tandem_id=membership.tandem_id)
        .order_by("role")
        .values_list("user_id", "role", "user__email", "user__display_name")
    ]
    totals: dict[int, dict[str, int]] = {
        user_id: {"on_time": 0, "late": 0, "missed": 0} for user_id, _role, _person in members
    }
    submitted: dict[int, dict[int, datetime | None]] = {}
    for cycle_id, author_id, submitted_at in (
        visible_entries(membership=membership)
        .filter(status=EntryStatus.SUBMITTED)
        .values_list("cycle_id", "author_id", "submitted_at")
    ):
        submitted.setdefault(cycle_id, {})[author_id] = submitted_at
    rows: list[HistoryFacts] = []
    for values in (
        FeedbackCycle.objects.filter(tandem_id=membership.tandem_id)
        .order_by("-opens_at", "-id")
        .values_list(*CycleFacts._fields)
    ):
        cycle = CycleFacts(*values)
        if cycle.revealed_at is None:
            rows.append(HistoryFacts(cycle, None))
            continue
        done = submitted.get(cycle.id, {})
        completion = []
        for user_id, role, person in members:
            status = rules.completion(
                submitted_at=done.get(user_id),
                closes_at=cycle.closes_at,
                closed=cycle.closed_at is not None,
            )
            completion.append(CompletionFacts(person, role, status))
            if status in totals[user_id]:
                totals[user_id][status] += 1
        rows.append(HistoryFacts(cycle, completion))
    return rows, totals


@dataclass
class TrendPoint:
    cycle_id: int
    title: str
    opens_at: datetime
    rating: int


@dataclass
class Trend:
    direction: str
    question: str
    points: list[TrendPoint] = field(default_factory=list)


def trends_of(*, membership: Membership, latest: int | None = None) -> list[Trend]:
    """Per question (template key, or text for custom ones) and direction, the ratings of
    revealed cycles, oldest first; with `latest`, only those of the latest `latest` revealed
    cycles (a page's charts stay the same size however long the history grows)."""
    role_of = {m.user_id: m.role for m in _members(membership)}
    entries = visible_entries(membership=membership).filter(
        status=EntryStatus.SUBMITTED, cycle__revealed_at__isnull=False
    )
    if latest is not None:
        recent = FeedbackCycle.objects.filter(
            tandem_id=membership.tandem_id, revealed_at__isnull=False
        ).order_by("-opens_at", "-id")[:latest]
        entries = entries.filter(cycle__in=recent.values("id"))
    answers = (
        Answer.objects.filter(entry__in=entries, rating__isnull=False)
        .select_related("question", "entry__cycle")
        .order_by("entry__cycle__opens_at", "entry__cycle_id", "question__position")
    )
    trends: dict[tuple[str, str], Trend] = {}
    for answer in answers:
        role = role_of.get(answer.entry.author_id)
        if role is None:
            continue  # a former member's entry has no direction any more
        direction = "leader_to_assistant" if role == Role.LEADER else "assistant_to_leader"
        label = answer.question.key or answer.question.text
        cycle = answer.entry.cycle
        trend = trends.setdefault((direction, label), Trend(direction, label))
        trend.points.append(TrendPoint(cycle.pk, cycle.title, cycle.opens_at, answer.rating))  # type: ignore[arg-type]
    return sorted(trends.values(), key=lambda t: (t.direction, t.question))


def replies_of(*, membership: Membership) -> QuerySet[Answer]:
    """The replies written to feedback in the member's tandem, for apps.insights: only on
    submitted entries of revealed cycles (a reply follows the reveal; the blind rule is
    applied here too, so no unrevealed entry can ever be counted). The replier is the
    entry's recipient."""
    return Answer.objects.filter(
        entry__in=visible_entries(membership=membership).filter(
            status=EntryStatus.SUBMITTED, cycle__revealed_at__isnull=False
        ),
        replied_at__isnull=False,
    ).exclude(reply="")


# --- for the web pages -----------------------------------------------------------------------


def agreements_of(*, membership: Membership, cycle: FeedbackCycle) -> QuerySet[ActionItem]:
    """The action items agreed on after a cycle's reveal (none before it: agreements follow
    the reveal, so this never tells anything the reveal has not)."""
    if cycle.revealed_at is None or cycle.tandem_id != membership.tandem_id:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.filter(tandem_id=membership.tandem_id, feedback_cycle_id=cycle.pk)
        .select_related("owner", "occurrence")
        .order_by("id")
    )


# --- what feedback contributes to the composition layer (apps.home) -------------------------


def feedback_cycles_for_home(
    *, user: User, tandem_ids: list[int], now: datetime
) -> dict[int, list[FeedbackCycle]]:
    """Per tandem of `tandem_ids`, the open cycles the person has not submitted their entry
    to yet, soonest closing first, each with `has_draft`. One query."""
    mine = FeedbackEntry.objects.filter(cycle=OuterRef("pk"), author_id=user.pk)
    cycles = (
        FeedbackCycle.objects.filter(
            tandem_id__in=tandem_ids, opens_at__lte=now, closed_at__isnull=True
        )
        .exclude(Exists(mine.filter(status=EntryStatus.SUBMITTED)))
        .annotate(has_draft=Exists(mine.filter(status=EntryStatus.DRAFT)))
        .order_by("closes_at", "id")
    )
    found: dict[int, list[FeedbackCycle]] = {}
    for cycle in cycles:
        found.setdefault(cycle.tandem_id, []).append(cycle)
    return found


def feedback_export_rows(*, membership: Membership) -> dict[str, QuerySet[Any]]:
    """The member's tandem's cycles, the entries the member may see (the blind rule's one
    place, `visible_entries`) and the appreciation, for the whole-tandem export, in id order."""
    tid = membership.tandem_id
    return {
        "feedback_cycles": FeedbackCycle.objects.filter(tandem_id=tid)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position")))
        .order_by("pk"),
        "feedback_entries": visible_entries(membership=membership)
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("question__position")),
            Prefetch("amendments", queryset=Amendment.objects.order_by("created_at", "id")),
        )
        .order_by("pk"),
        "appreciations": Appreciation.objects.filter(tandem_id=tid).order_by("pk"),
    }


def cycles_revealed_for_insights(*, membership: Membership) -> QuerySet[FeedbackCycle]:
    """The tandem's revealed cycles (bare rows): the only ones Insights counts, so nothing
    of a cycle still blind shows in any figure."""
    return FeedbackCycle.objects.filter(
        tandem_id=membership.tandem_id, revealed_at__isnull=False
    ).order_by()


def ratings_for_insights(
    *, membership: Membership, start: datetime, end: datetime
) -> QuerySet[Answer]:
    """The ratings given in the member's tandem on cycles that opened in [start, end), for
    apps.insights to count in SQL: only submitted entries of revealed cycles (the blind rule,
    as in `trends_of`), so nothing of a cycle still blind is ever counted."""
    return Answer.objects.filter(
        entry__cycle__tandem_id=membership.tandem_id,
        entry__cycle__revealed_at__isnull=False,
        entry__cycle__opens_at__gte=start,
        entry__cycle__opens_at__lt=end,
        entry__status=EntryStatus.SUBMITTED,
        rating__isnull=False,
    ).order_by()
