"""What delegation contributes to the composition layer (apps.home) and the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    F,
    OuterRef,
    Q,
    QuerySet,
)

from apps.accounts.models import User
from apps.core.bounded import CappedCount, Listed, first_of_each
from apps.delegation.models import (
    ACKNOWLEDGEABLE,
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    MatrixChange,
)
from apps.delegation.selectors.decisions import decisions_of
from apps.tandems.models import Membership, Tandem

# --- what delegation contributes to the composition layer (apps.home) -----------------------


@dataclass(frozen=True)
class DecisionsForHome:
    """A tandem's decisions that wait for someone: requests for the leader to answer,
    decisions to acknowledge, and the person's own requests waiting for an answer."""

    to_answer: int
    to_acknowledge: int
    my_requests_waiting: int


def decisions_for_home(*, user: User, tandem_ids: list[int]) -> dict[int, DecisionsForHome]:
    """Per tandem of `tandem_ids` (the person's own, as the caller resolved them), the counts
    of decisions that wait, each counted up to `COUNT_CAP` + 1 (over `COUNT_CAP`: "more than
    COUNT_CAP"); tandems with none are left out. One query, reading at most `COUNT_CAP` + 1
    index entries per count, however many decisions wait."""

    def waiting(**where: Any) -> CappedCount:
        return CappedCount(Decision.objects.filter(tandem_id=OuterRef("pk"), **where))

    rows = Tandem.objects.filter(pk__in=tandem_ids).values_list(
        "pk",
        waiting(status=DecisionStatus.AWAITING_ANSWER),
        waiting(status__in=ACKNOWLEDGEABLE),
        waiting(status=DecisionStatus.AWAITING_ANSWER, author_id=user.pk),
    )
    return {
        tid: DecisionsForHome(to_answer, to_acknowledge, mine)
        for tid, to_answer, to_acknowledge, mine in rows
        if to_answer or to_acknowledge
    }


# The lists of waiting decisions, each by the statuses it holds.
WAITING_LISTS = {
    "awaiting_answer": (DecisionStatus.AWAITING_ANSWER,),
    "to_acknowledge": ACKNOWLEDGEABLE,
}


def decisions_waiting_for_home(
    *, tandem_ids: list[int], limit: int
) -> dict[int, dict[str, Listed[Decision]]]:
    """Per tandem of `tandem_ids` (the person's own, as the caller resolved them), the first
    `limit` decisions that wait, oldest first, in two lists: "awaiting_answer" (requests)
    and "to_acknowledge"; each list with its length, counted up to `COUNT_CAP` + 1. Two
    queries, each reading per list at most `limit` rows (an index scan per status) and
    `COUNT_CAP` + 1 index entries, however many decisions wait. Who may act on which is the
    caller's to say (the leader answers; an assistant waits for their own requests)."""
    order = [F("created_at").asc(), F("id").asc()]
    per_status = [
        Q(tandem_id=tid, status=status)
        for tid in tandem_ids
        for statuses in WAITING_LISTS.values()
        for status in statuses
    ]
    rows = (
        first_of_each(Decision.objects.all(), lists=per_status, order_by=order, limit=limit)
        .select_related("area", "author")
        .order_by("tandem_id", *order)
    )
    list_of = {str(status): name for name, statuses in WAITING_LISTS.items() for status in statuses}
    found: dict[int, dict[str, Listed[Decision]]] = {}
    for decision in rows:
        lists = found.setdefault(decision.tandem_id, {name: Listed() for name in WAITING_LISTS})
        listed = lists[list_of[decision.status]]
        if len(listed.items) < limit:  # a list of several statuses has `limit` of each
            listed.items.append(decision)
    counts = Tandem.objects.filter(pk__in=tandem_ids).values_list(
        "pk",
        *(
            CappedCount(Decision.objects.filter(tandem_id=OuterRef("pk"), status__in=statuses))
            for statuses in WAITING_LISTS.values()
        ),
    )
    for tid, *totals in counts:
        if tid in found:
            for name, total in zip(WAITING_LISTS, totals, strict=True):
                found[tid][name].total = total
    return found


def delegation_export_rows(*, membership: Membership) -> dict[str, QuerySet[Any]]:
    """The member's tandem's matrix, its history and its decisions, for the whole-tandem
    export, by section, in id order."""
    tid = membership.tandem_id
    return {
        "decision_areas": DecisionArea.objects.filter(tandem_id=tid).order_by("pk"),
        "matrix_changes": MatrixChange.objects.filter(tandem_id=tid).order_by("pk"),
        "elevations": Elevation.objects.filter(tandem_id=tid).order_by("pk"),
        "decisions": decisions_of(membership=membership).order_by("pk"),
    }
