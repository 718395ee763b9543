"""What a change of timing does to the meetings someone already touched: a pure plan.

A series gets a new timing from a local date on (`services.series_reschedule`). Occurrences
of the old timing on or after that date are no longer produced, but people may have touched
them: skipped one, moved one, put agenda items or action items on it, held it early. This
module decides, on plain values and without the database, where each of them goes. The
service carries the plan out, and the same plan is the preview the person sees before they
confirm. The rule, as a person would expect it:

1. **Nothing that took place moves.** A meeting that was held, rated, has started, or was
   moved to a time before the change stays exactly where it is (as a single meeting of its
   own, with its notes, agenda, action items and retros), since the old rhythm no longer
   produces its slot.
2. **Each meeting of the old rhythm is replaced by the meeting of the new rhythm** on the same
   day; failing that, by the nearest one in the same week (Monday to Sunday); failing that, by
   the nearest one in the same month. Days, weeks and months are read in each rhythm's own
   timezone. Each new meeting replaces at most one old one; closer pairs are matched first.
3. **A skip or a move stays with its meeting.** The replacing meeting is skipped, or moved to
   the same time, if that time is still ahead and does not overlap another meeting. A move
   that would overlap, and a skip or move of a meeting nothing replaces, *could not be kept*:
   the plan says so, nothing is dropped silently.
4. **Agenda items, action items and notes stay with their meeting**, or, where nothing
   replaces it, go to the next meeting of the new rhythm on or after its day that is not
   skipped (the last one before it if the new rhythm ends earlier).
5. **No two meetings overlap.** A meeting of the new rhythm that would overlap one that stays
   (rule 1, or the old rhythm's last meetings, e.g. after a change of timezone) is skipped,
   and the plan says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from apps.checkins.recurrence import Schedule, next_occurrences, occurrences_between

# How far past the last touched meeting the new rhythm is expanded when looking for the
# meeting that replaces it (a month, plus a margin for the month's last days).
HORIZON: Final = timedelta(days=40)


class Status(StrEnum):
    """An occurrence's status, as `models.OccurrenceStatus` stores it."""

    SCHEDULED = "scheduled"
    SKIPPED = "skipped"
    MOVED = "moved"
    HELD = "held"


class NotKept(StrEnum):
    """Why a skip or a move could not be kept."""

    NO_COUNTERPART = "no_counterpart"  # no meeting of the new rhythm replaces it
    OVERLAP = "overlap"  # the moved time would overlap another meeting
    PASSED = "passed"  # the moved time is no longer ahead


@dataclass(frozen=True)
class Touched:
    """A stored occurrence of the old timing on or after the change, as plain values."""

    key: int
    original_start: datetime
    status: Status
    moved_to: datetime | None = None
    has_retro: bool = False
    has_content: bool = False  # agenda items, action items or notes
    # Someone's private notes: they go where the content would go, but are never reported
    # (the partner learns nothing of them) and never make a change refused.
    has_private: bool = False

    @property
    def start(self) -> datetime:
        return self.moved_to or self.original_start


@dataclass(frozen=True)
class Placement:
    """Where one touched occurrence goes.

    Exactly one of: `stays` (rule 1), `replaced_by` (the new meeting's computed start; the
    occurrence becomes that meeting, with `status` and `moved_to`), or neither (the
    occurrence goes away; its content, if any, goes to `content_to`). `not_kept` says why a
    skip or a move was not carried over.
    """

    row: Touched
    stays: bool = False
    replaced_by: datetime | None = None
    status: Status = Status.SCHEDULED
    moved_to: datetime | None = None
    content_to: datetime | None = None
    not_kept: NotKept | None = None


@dataclass(frozen=True)
class Plan:
    placements: list[Placement] = field(default_factory=list)
    # Meetings of the new rhythm skipped because they would overlap a meeting that stays.
    overlap_skips: list[datetime] = field(default_factory=list)

    @property
    def needs_content_target(self) -> bool:
        return any(
            p.row.has_content and not p.stays and p.replaced_by is None and p.content_to is None
            for p in self.placements
        )


@dataclass(frozen=True)
class _Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: _Interval) -> bool:
        return self.start < other.end and other.start < self.end


def _local_date(instant: datetime, zone: str) -> date:
    return instant.astimezone(ZoneInfo(zone)).date()


def _same_day(old: date, new: date) -> bool:
    return old == new


def _same_week(old: date, new: date) -> bool:
    return old.isocalendar()[:2] == new.isocalendar()[:2]


def _same_month(old: date, new: date) -> bool:
    return (old.year, old.month) == (new.year, new.month)


_PASSES: Final[tuple[Callable[[date, date], bool], ...]] = (_same_day, _same_week, _same_month)


def _nearest(instant: datetime, among: Sequence[datetime]) -> datetime | None:
    return min(among, key=lambda other: (abs(other - instant), other), default=None)


def _match(
    rows: Sequence[Touched],
    old_zone: str,
    old_starts: Sequence[datetime],
    candidates: Sequence[datetime],
    new_zone: str,
) -> dict[int, datetime]:
    """Row key → the new meeting that replaces it (rule 2). `old_starts` are the old rhythm's
    own meetings around the change: a month is a loose tie, so within the same month only a
    pair that are each other's nearest meeting (in the old and the new rhythm) match."""
    matched: dict[int, datetime] = {}
    taken: set[datetime] = set()
    old_days = {row.key: _local_date(row.original_start, old_zone) for row in rows}
    new_days = {start: _local_date(start, new_zone) for start in candidates}

    def nearest_pair(row: Touched, start: datetime) -> bool:
        return (
            _nearest(row.original_start, candidates) == start
            and _nearest(start, old_starts) == row.original_start
        )

    for related in _PASSES:
        pairs = sorted(
            (abs(start - row.original_start), row.original_start, start, row.key)
            for row in rows
            if row.key not in matched
            for start in candidates
            if start not in taken
            and related(old_days[row.key], new_days[start])
            and (related is not _same_month or nearest_pair(row, start))
        )
        for _distance, _old, start, key in pairs:
            if key in matched or start in taken:
                continue
            matched[key] = start
            taken.add(start)
    return matched


def plan_reschedule(
    *,
    rows: Iterable[Touched],
    old: Schedule,
    old_duration: timedelta,
    staying: Iterable[datetime],
    new: Schedule,
    new_duration: timedelta,
    from_date: date,
    now: datetime,
) -> Plan:
    """The plan for the touched occurrences `rows` of the old timing on or after `from_date`.

    `staying` are the actual starts of the old rhythm's own meetings just before the change
    (they last `old_duration`); `old` is the old timing as it was before the change, `new` the
    new one, whose meetings last `new_duration`.
    """
    old_timezone = old.timezone
    rows = sorted(rows, key=lambda row: row.original_start)
    stays = [
        row
        for row in rows
        if row.status == Status.HELD
        or row.has_retro
        or row.start <= now
        or _local_date(row.start, old_timezone) < from_date
    ]
    stay_keys = {row.key for row in stays}
    future = [row for row in rows if row.key not in stay_keys]

    fixed = [_Interval(start, start + old_duration) for start in staying]
    fixed += [_Interval(row.start, row.start + old_duration) for row in stays]

    latest = max([now, *(row.original_start for row in future), *(row.start for row in future)])
    earliest = min([*(i.start for i in fixed), now]) - new_duration
    new_starts = [
        start for start in occurrences_between(new, earliest, latest + HORIZON) if start > now
    ]
    # Rule 5: the new rhythm gives way to what stays.
    overlap_skips = [
        start
        for start in new_starts
        if any(_Interval(start, start + new_duration).overlaps(i) for i in fixed)
    ]
    candidates = [start for start in new_starts if start not in set(overlap_skips)]
    old_starts = sorted(
        {*occurrences_between(old, earliest, latest + HORIZON), *(r.original_start for r in future)}
    )
    matched = _match(future, old_timezone, old_starts, candidates, new.timezone)

    # Rule 3: skips and moves. A new meeting's slot is occupied unless it is skipped.
    skipped = set(overlap_skips) | {
        matched[row.key] for row in future if row.key in matched and row.status == Status.SKIPPED
    }
    occupied = list(fixed)
    occupied += [_Interval(s, s + new_duration) for s in new_starts if s not in skipped]
    placements: dict[int, Placement] = {row.key: Placement(row=row, stays=True) for row in stays}
    for row in future:
        target = matched.get(row.key)
        if target is None:
            not_kept = (
                NotKept.NO_COUNTERPART if row.status in (Status.SKIPPED, Status.MOVED) else None
            )
            placements[row.key] = Placement(row=row, not_kept=not_kept)
            continue
        if row.status == Status.SKIPPED:
            placements[row.key] = Placement(row=row, replaced_by=target, status=Status.SKIPPED)
            continue
        if row.status != Status.MOVED or row.moved_to is None or row.moved_to == target:
            placements[row.key] = Placement(row=row, replaced_by=target)
            continue
        moved = _Interval(row.moved_to, row.moved_to + new_duration)
        own = _Interval(target, target + new_duration)
        if row.moved_to <= now:
            reason: NotKept | None = NotKept.PASSED
        elif any(moved.overlaps(i) for i in occupied if i != own):
            reason = NotKept.OVERLAP
        else:
            reason = None
        if reason is not None:
            placements[row.key] = Placement(row=row, replaced_by=target, not_kept=reason)
            continue
        # The move is kept: its own slot is free now, the new time is taken.
        occupied = [i for i in occupied if i != own] + [moved]
        placements[row.key] = Placement(
            row=row, replaced_by=target, status=Status.MOVED, moved_to=row.moved_to
        )

    # Rule 4: the content of a meeting nothing replaces goes to the next one that happens.
    happening = [start for start in new_starts if start not in skipped]
    for key, placement in placements.items():
        row = placement.row
        if placement.stays or placement.replaced_by is not None:
            continue
        if not (row.has_content or row.has_private):
            continue
        day = _local_date(row.original_start, old_timezone)
        later = [s for s in happening if _local_date(s, new.timezone) >= day]
        earlier = [s for s in happening if _local_date(s, new.timezone) < day]
        target = later[0] if later else (earlier[-1] if earlier else None)
        if target is None:
            # Past the horizon: the new rhythm's next meeting after it, if there is one.
            found = next_occurrences(new, max(latest + HORIZON, now), 1)
            target = found[0] if found else None
        placements[key] = Placement(row=row, content_to=target, not_kept=placement.not_kept)

    return Plan(
        placements=[placements[row.key] for row in rows],
        overlap_skips=overlap_skips,
    )


class ChangeKind(StrEnum):
    """What happens to one touched occurrence, in the words the person reads."""

    STAYS = "stays"  # took place or was moved before the change: stays where it is
    FOLLOWS = "follows"  # its agenda, action items or notes go with the replacing meeting
    SKIP_KEPT = "skip_kept"  # the replacing meeting is skipped too
    MOVE_KEPT = "move_kept"  # the replacing meeting is moved to the same time
    SKIP_NOT_KEPT = "skip_not_kept"
    MOVE_NOT_KEPT = "move_not_kept"
    CONTENT_MOVED = "content_moved"  # nothing replaces it: its content goes to the next one
    NEW_SKIPPED = "new_skipped"  # a meeting of the new rhythm is skipped: it would overlap


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    # The occurrence's key (its computed start in the old timing) and where it actually was.
    occurrence: datetime | None
    start: datetime
    # The new meeting (computed start) it becomes or hands its content to.
    to: datetime | None = None
    moved_to: datetime | None = None
    reason: NotKept | None = None
    has_content: bool = False


def _change(kind: ChangeKind, row: Touched, **extra: Any) -> Change:
    return Change(
        kind, occurrence=row.original_start, start=row.start, has_content=row.has_content, **extra
    )


def describe(plan: Plan) -> list[Change]:
    """The plan as a list of changes a person can read, in time order; an occurrence with
    nothing on it that simply becomes the new meeting is not worth a line."""
    changes: list[Change] = []
    for p in plan.placements:
        row = p.row
        if p.stays:
            changes.append(_change(ChangeKind.STAYS, row))
        elif p.replaced_by is not None and p.status == Status.SKIPPED:
            changes.append(_change(ChangeKind.SKIP_KEPT, row, to=p.replaced_by))
        elif p.replaced_by is not None and p.status == Status.MOVED:
            changes.append(
                _change(ChangeKind.MOVE_KEPT, row, to=p.replaced_by, moved_to=p.moved_to)
            )
        elif p.not_kept is not None:
            kind = (
                ChangeKind.SKIP_NOT_KEPT
                if row.status == Status.SKIPPED
                else ChangeKind.MOVE_NOT_KEPT
            )
            # Where private notes went is their author's business alone.
            to = p.replaced_by or (p.content_to if row.has_content else None)
            changes.append(_change(kind, row, to=to, moved_to=row.moved_to, reason=p.not_kept))
        elif p.replaced_by is not None and row.has_content:
            changes.append(_change(ChangeKind.FOLLOWS, row, to=p.replaced_by))
        elif p.content_to is not None and row.has_content:
            changes.append(_change(ChangeKind.CONTENT_MOVED, row, to=p.content_to))
    changes += [
        Change(ChangeKind.NEW_SKIPPED, occurrence=None, start=start, to=start)
        for start in plan.overlap_skips
    ]
    return sorted(changes, key=lambda change: change.start)
