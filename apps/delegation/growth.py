"""What delegation contributes to apps.insights: the growth suggestions replayed over the
matrix history, the answered requests and the audit log, resumable from a kept state (the
monthly rows of Insights keep it at each month's end).

Read through the requesting member's membership, as every delegation read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db.models import F, QuerySet, Window
from django.db.models.expressions import BaseExpression
from django.db.models.functions import RowNumber

from apps.audit.models import AuditAction, AuditEvent
from apps.core.db import values_together
from apps.delegation.models import (
    REQUESTS,
    Answer,
    Decision,
    DecisionArea,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.selectors import growth_window
from apps.tandems.models import Membership


@dataclass(frozen=True)
class GrowthEvent:
    """What happened to an area's growth suggestion at a moment: it was "raised" (began to
    show), "accepted" (the level went up by one while it showed) or set aside ("not_now")."""

    kind: str
    area_id: int
    at: datetime


def growth_history(
    *, membership: Membership, before: datetime, since: datetime | None = None
) -> list[GrowthEvent]:
    """The growth suggestions of the member's tandem before `before` (and from `since` on,
    when given), oldest first, replayed from the records: the matrix history (levels,
    archiving), the answered requests and each "not now" of the audit log (the area keeps
    only the latest). A suggestion shows, as in `growth_suggestions`, while the area is in
    force below level 7 and the last `window` requests at its level (below the limit, not
    under an elevation, answered since the last "not now") were all approved. The window is
    today's setting.

    With `since`, the requests answered before it are read only as far back as the replay
    needs them: the last `window` of each area and level. Whether a suggestion shows depends
    on the run of approvals only up to `window` (a longer run shows the same), so the events
    from `since` on are the same as the whole replay's; the ones before are not returned.
    Three queries (four with `since`), whatever the history's length.
    """
    events, _states = growth_replay(membership=membership, before=before, since=since)
    return events


GrowthState = dict[str, list[Any]]
"""The replay's state at a moment, as plain values (to be kept as JSON): each area's level
and whether it is archived, and the run of approvals per area and level."""


ANSWER_COLUMNS = ("area_id", "answered_at", "level_applied", "answer")
CHANGE_COLUMNS = ("area_id", "changed_at", "kind", "new__level")
DISMISSAL_COLUMNS = ("target", "created_at")


def _changes(membership: Membership, before: datetime) -> QuerySet[MatrixChange]:
    return MatrixChange.objects.filter(
        tandem_id=membership.tandem_id, changed_at__lt=before
    ).exclude(kind=MatrixChangeKind.ELEVATED)


def _requests(membership: Membership, before: datetime) -> QuerySet[Decision]:
    return Decision.objects.filter(
        tandem_id=membership.tandem_id,
        area__isnull=False,
        classification__in=REQUESTS,
        answered_at__lt=before,
        above_limit=False,
        under_elevation=False,
    )


def _dismissals(membership: Membership, before: datetime) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        tandem_id=membership.tandem_id,
        action=AuditAction.GROWTH_DISMISSED,
        created_at__lt=before,
    )


def resumed_reads(
    *, membership: Membership, since: datetime, before: datetime
) -> tuple[QuerySet[Any], QuerySet[Any], QuerySet[Any]]:
    """What a resumed replay reads (`growth_replay` with `state`): the answered requests,
    the matrix changes and the "not now"s of `[since, before)`, as `values_list` queries (a
    caller may run them itself and pass their rows as `records`). Each bound is handed to
    the ORM as it is."""
    return (
        _requests(membership, before)
        .filter(answered_at__gte=since)
        .order_by("answered_at", "id")
        .values_list(*ANSWER_COLUMNS),
        _changes(membership, before)
        .filter(changed_at__gte=since)
        .order_by("changed_at", "id")
        .values_list(*CHANGE_COLUMNS),
        _dismissals(membership, before)
        .filter(created_at__gte=since)
        .order_by("created_at", "id")
        .values_list(*DISMISSAL_COLUMNS),
    )


Records = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def growth_replay(
    *,
    membership: Membership,
    before: datetime,
    since: datetime | None = None,
    state: GrowthState | None = None,
    marks: Sequence[datetime] = (),
    records: Records | None = None,
) -> tuple[list[GrowthEvent], list[GrowthState]]:
    """`growth_history`, resumable: with `state` (the state at `since`, as an earlier call
    gave it at a mark), only the records from `since` on are read and replayed from that
    state (three small queries, sent together; none when the caller passes the rows of
    `resumed_reads` as `records`). Also gives the state at each of `marks` (ascending, each
    at most `before`): after every record before the mark."""
    window = growth_window()
    resume = state is not None and since is not None
    if resume and since is not None:
        if records is None:
            records = cast(
                Records,
                tuple(
                    values_together(
                        *resumed_reads(membership=membership, since=since, before=before)
                    )
                ),
            )
        answers, changed, dismissed = records
    else:
        reads: list[QuerySet[Any]] = []
        requests = _requests(membership, before)
        if since is not None:
            latest_first = [F("answered_at").desc(), F("id").desc()]
            by_key: list[BaseExpression | F] = [F("area_id"), F("level_applied")]
            reads.append(
                requests.filter(answered_at__lt=since)
                .annotate(rank=Window(RowNumber(), partition_by=by_key, order_by=latest_first))
                .filter(rank__lte=window)
                .values_list(*ANSWER_COLUMNS)
            )
            requests = requests.filter(answered_at__gte=since)
        reads += [
            requests.order_by("answered_at", "id").values_list(*ANSWER_COLUMNS),
            _changes(membership, before).order_by("changed_at", "id").values_list(*CHANGE_COLUMNS),
            _dismissals(membership, before)
            .order_by("created_at", "id")
            .values_list(*DISMISSAL_COLUMNS),
        ]
        # One round trip for the three (or four) reads on PostgreSQL.
        *answered, changed, dismissed = values_together(*reads)
        answers = [row for rows in answered for row in rows]
    # (when, order at the same moment, area, what, value)
    events: list[tuple[datetime, int, int, str, Any]] = [
        (at, 0, area_id, kind, level) for area_id, at, kind, level in changed
    ]
    events += [
        (at, 1, area_id, "answer", (level, answer))
        for area_id, at, level, answer in answers
        if at is not None  # always set: answered before `before`
    ]
    prefix = f"{DecisionArea._meta.label_lower}:"
    events += [
        (at, 2, int(target.removeprefix(prefix)), "not_now", None)
        for target, at in dismissed
        if target.startswith(prefix)
    ]
    events.sort(key=lambda e: (e[0], e[1]))

    level: dict[int, int] = {}
    archived: dict[int, bool] = {}
    # The trailing run of approvals per area and level, counted since the last "not now".
    runs: dict[tuple[int, int], int] = defaultdict(int)
    if state is not None:
        level.update((a, lv) for a, lv in state["level"])
        archived.update((a, ar) for a, ar in state["archived"])
        runs.update(((a, lv), n) for a, lv, n in state["runs"])

    def showing(area_id: int) -> bool:
        current = level.get(area_id)
        return (
            current is not None
            and current < 7
            and not archived.get(area_id, False)
            and runs[(area_id, current)] >= window
        )

    def snapshot() -> GrowthState:
        return {
            "level": [[a, lv] for a, lv in level.items()],
            "archived": [[a, ar] for a, ar in archived.items()],
            "runs": [[a, lv, n] for (a, lv), n in runs.items() if n],
        }

    states: list[GrowthState] = []
    pending = iter(marks)
    mark = next(pending, None)
    history: list[GrowthEvent] = []
    for at, _order, area_id, what, value in events:
        while mark is not None and at >= mark:
            states.append(snapshot())
            mark = next(pending, None)
        shown = showing(area_id)
        if what in (MatrixChangeKind.CREATED, MatrixChangeKind.UPDATED):
            if shown and value == level[area_id] + 1:
                history.append(GrowthEvent("accepted", area_id, at))
            # At another level it is another suggestion, from other requests.
            shown = shown and level.get(area_id) == int(value)
            level[area_id] = int(value)
        elif what in (MatrixChangeKind.ARCHIVED, MatrixChangeKind.RESTORED):
            archived[area_id] = what == MatrixChangeKind.ARCHIVED
        elif what == "answer":
            applied, answer = value
            key = (area_id, applied)
            runs[key] = runs[key] + 1 if answer == Answer.APPROVE else 0
        else:
            history.append(GrowthEvent("not_now", area_id, at))
            for key in [k for k in runs if k[0] == area_id]:
                runs[key] = 0
        if not shown and showing(area_id):
            history.append(GrowthEvent("raised", area_id, at))
    while mark is not None:
        states.append(snapshot())
        mark = next(pending, None)
    if since is not None:
        return [event for event in history if event.at >= since], states
    return history, states
