"""Growing autonomy: the matrix over time (each area's level at the end of each month, from
the matrix history), the share of the assistant's decisions taken within authority,
elevations used, and what became of growth suggestions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from apps.delegation import growth
from apps.delegation import selectors as delegation
from apps.delegation.models import ClassificationChoice, MatrixChangeKind
from apps.insights.compiled import Bounds, counting
from apps.insights.figures import Figure, Section, Series, per_month, rate
from apps.insights.sections.common import Context
from apps.insights.sections.links import linked
from apps.tandems.models import Role

WITHIN = (ClassificationChoice.WITHIN_AUTHORITY, ClassificationChoice.INFORM)
NEEDING = (
    ClassificationChoice.NEEDS_AGREEMENT,
    ClassificationChoice.NEEDS_ADVICE,
    ClassificationChoice.OUTSIDE_AUTHORITY,
)
_TERMS = (MatrixChangeKind.CREATED, MatrixChangeKind.UPDATED)
_PRESENCE = (MatrixChangeKind.ARCHIVED, MatrixChangeKind.RESTORED)
# (area, its name now, when it was archived if it is now, kind, when, the level after it)
_Change = tuple[int, str, datetime | None, str, datetime, Any]


# The page that lists the rows each figure counts.
PAGES = {
    "area_levels": "delegation:history",
    "decisions_within_authority": "delegation:decisions",
    "assistant_decisions": "delegation:decisions",
    "elevations_used": "delegation:history",
    "growth_suggestions": "delegation:matrix",
}


def _total(values: list[float | None]) -> float:
    return sum(v or 0 for v in values)


def _replay(state: dict[int, list[Any]], kind: str, area_id: int, new: Any) -> None:
    """One change of the matrix on `state` (area → [level or None, archived])."""
    entry = state.setdefault(area_id, [None, False])
    if kind in _TERMS and new is not None:
        entry[0] = int(new)
    entry[1] = kind == MatrixChangeKind.ARCHIVED or (kind not in _PRESENCE and entry[1])


@counting("matrix_history")
def _matrix_history(b: Bounds) -> QuerySet[Any]:
    """Every change of the terms or presence of an area before the end (with its name)."""
    return (
        delegation.matrix_changes_of(membership=b.membership)
        .filter(kind__in=_TERMS + _PRESENCE, changed_at__lt=b.end)
        .order_by("changed_at", "id")
        .values_list(
            "area_id", "area__name", "area__archived_at", "kind", "changed_at", "new__level"
        )
    )


def _area_levels(ctx: Context) -> Figure:
    """Each area's level at each month's end: replayed from the matrix history, the months
    with a row read from the state they kept (area, level, archived) and the replay of the
    others started from the last kept state (or from the beginning). One query."""
    width = len(ctx.months)
    values: dict[int, list[float | None]] = {}

    def put(index: int, state: dict[int, list[Any]]) -> None:
        for area_id, (level, archived) in state.items():
            row = values.setdefault(area_id, [None] * width)
            row[index] = level if level is not None and not archived else None

    # Every change up to the range's end (the matrix changes seldom): the names, and the
    # replay of the months counted live.
    history = ctx.fetch_to_end("matrix_history")
    names = {area_id: name for area_id, name, *_rest in history}
    archived_now = {area_id: archived_at is not None for area_id, _n, archived_at, *_r in history}
    live = ctx.live_from
    for index, month in enumerate(ctx.months[:live]):
        put(index, {a: [lv, ar] for a, lv, ar in ctx.stored[month.first]["area_state"]})
    if live < width:
        kept = ctx.kept("area_state")
        state = {a: [lv, ar] for a, lv, ar in kept} if kept is not None else {}
        since = ctx.months[live].start if kept is not None else None
        changes = iter([c for c in history if since is None or c[4] >= since])
        pending = next(changes, None)
        for index in range(live, width):
            end = ctx.months[index].end
            while pending is not None and pending[4] < end:
                _replay(state, pending[3], pending[0], pending[5])
                pending = next(changes, None)
            put(index, state)
            if ctx.recording is not None:
                ctx.recording.setdefault(ctx.months[index].first, {})["area_state"] = [
                    [a, lv, ar] for a, (lv, ar) in state.items()
                ]
    values = {area_id: row for area_id, row in values.items() if area_id in names}
    series = []
    for area_id in sorted(values, key=lambda a: (names[a].lower(), a)):
        row = values[area_id]
        if all(v is None for v in row):
            continue  # archived before the range began
        label = names[area_id]
        if archived_now[area_id]:
            label = _("%(name)s (archived)") % {"name": label}
        series.append(Series(f"area_{area_id}", label, "pair", row, None))
    return Figure(
        "area_levels",
        _("Level of each area"),
        _(
            "The authority level (1 Tell … 7 Delegate) each decision area had at the end of "
            "the month, from the matrix history. Temporary elevations are not included. "
            "Empty before the area existed and while it was archived; archived areas are "
            "marked."
        ),
        "count",
        series,
    )


@counting("assistant_decisions")
def _assistant_decisions_counted(b: Bounds) -> QuerySet[Any]:
    return (
        delegation.decisions_of(membership=b.membership)
        .filter(author_role=Role.ASSISTANT, decided_at__gte=b.start, decided_at__lt=b.end)
        .annotate(month=b.month_of("decided_at"))
        .values_list("month")
        .annotate(
            within=Count("id", filter=Q(classification__in=WITHIN)),
            needing=Count("id", filter=Q(classification__in=NEEDING)),
            no_area=Count("id", filter=Q(classification=ClassificationChoice.NO_AREA)),
            elevated=Count("id", filter=Q(under_elevation=True)),
        )
        .order_by()
    )


def _decisions(ctx: Context) -> tuple[Figure, Figure, list[float | None]]:
    """The share and counts of the assistant's decisions, and the column of those taken
    under an elevation. One query."""

    rows = ctx.counted("assistant_decisions")
    by_month = {r[0]: r[1:] for r in rows}
    firsts = ctx.firsts

    def column(i: int) -> list[float | None]:
        return per_month(firsts, [(m, v[i]) for m, v in by_month.items()])

    within, needing, no_area, elevated = column(0), column(1), column(2), column(3)
    share = [rate(w or 0, (w or 0) + (n or 0)) for w, n in zip(within, needing, strict=True)]
    total_share = rate(_total(within), _total(within) + _total(needing))
    return (
        Figure(
            "decisions_within_authority",
            _("The assistant's decisions within authority"),
            _(
                "Of the decisions the assistant took in the month (by the day they were "
                "taken), the share taken within authority (within authority, or decide and "
                "inform) rather than needing the leader (agreement, advice, or outside "
                "authority). Decisions in no area of the matrix are left out of the share "
                "and counted separately."
            ),
            "percent",
            [Series("within_authority", _("Within authority"), "assistant", share, total_share)],
        ),
        Figure(
            "assistant_decisions",
            _("The assistant's decisions"),
            _(
                "Decisions the assistant took in the month: within authority, needing the "
                "leader, and in no area of the matrix."
            ),
            "count",
            [
                Series("within_authority", _("Within authority"), "assistant", within),
                Series("needs_leader", _("Needing the leader"), "assistant", needing),
                Series("no_area", _("No area"), "assistant", no_area),
            ],
        ),
        elevated,
    )


def _with_totals(figure: Figure) -> Figure:
    for series in figure.series:
        if series.total is None and figure.unit == "count":
            series.total = _total(series.values)
    return figure


@counting("elevations")
def _elevations_counted(b: Bounds) -> QuerySet[Any]:
    return (
        delegation.elevations_of(membership=b.membership)
        .filter(starts_at__gte=b.start, starts_at__lt=b.end)
        .annotate(month=b.month_of("starts_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )


def _elevations(ctx: Context, under_elevation: list[float | None]) -> Figure:
    started = [(month, n) for month, n in ctx.counted("elevations")]
    return Figure(
        "elevations_used",
        _("Elevations used"),
        _(
            "Temporary elevations of an area that began in the month, and the assistant's "
            "decisions taken in the month under an elevation."
        ),
        "count",
        [
            Series("started", _("Elevations begun"), "pair", per_month(ctx.firsts, started)),
            Series("decisions", _("Decisions under an elevation"), "assistant", under_elevation),
        ],
    )


# What a growth replay resumed over the live months reads (since their start, before their
# end), sent with the other counting queries when a kept month gives the state to resume.
RESUMED: Final = ("growth_answers", "growth_changes", "growth_dismissals")


@counting("growth_answers")
def _growth_answers(b: Bounds) -> QuerySet[Any]:
    return growth.resumed_reads(membership=b.membership, since=b.start, before=b.end)[0]


@counting("growth_changes")
def _growth_changes(b: Bounds) -> QuerySet[Any]:
    return growth.resumed_reads(membership=b.membership, since=b.start, before=b.end)[1]


@counting("growth_dismissals")
def _growth_dismissals(b: Bounds) -> QuerySet[Any]:
    return growth.resumed_reads(membership=b.membership, since=b.start, before=b.end)[2]


def _growth_events(ctx: Context) -> list[tuple[date, str, int]]:
    """(month, kind, how many) of the growth suggestions' events in the range: the months
    with a row read from it; the replay of the others resumed from the state the last kept
    month ended in (three small queries), or replayed from the beginning. Counting months
    to keep, the state at each month's end is kept too."""
    found: dict[tuple[date, str], int] = {}
    for month in ctx.months[: ctx.live_from]:
        for kind, n in ctx.stored[month.first]["growth"]:
            found[(month.first, kind)] = n
    live = ctx.months[ctx.live_from :]
    if live:
        kept = ctx.kept("growth_state")
        recording = ctx.recording
        records = None
        if kept is not None and recording is None:
            # Resumed over the live months: its reads came with the counting queries.
            live_ctx = ctx.live()
            answers, changes, dismissals = (live_ctx.fetch(key) for key in RESUMED)
            records = (answers, changes, dismissals)
        events, states = growth.growth_replay(
            membership=ctx.membership,
            before=ctx.end,
            # Counting months to keep, the whole replay (its states are then exact).
            since=live[0].start if kept is not None or recording is None else None,
            state=kept,
            marks=[month.end for month in live] if recording is not None else [],
            records=records,
        )
        for event in events:
            if event.at >= live[0].start:
                key = (_month_of(ctx, event.at), event.kind)
                found[key] = found.get(key, 0) + 1
        if recording is not None:
            for month, state in zip(live, states, strict=True):
                kept_month = recording.setdefault(month.first, {})
                kept_month["growth_state"] = state
                kept_month["growth"] = [
                    [kind, n] for (first, kind), n in found.items() if first == month.first
                ]
    return [(month, kind, n) for (month, kind), n in found.items()]


def _growth(ctx: Context) -> Figure:
    events = _growth_events(ctx)

    def counted(kind: str) -> list[float | None]:
        return per_month(ctx.firsts, [(month, n) for month, k, n in events if k == kind])

    return Figure(
        "growth_suggestions",
        _("Growth suggestions"),
        _(
            "Tandem suggests raising an area's level by one once the last requests at its "
            "level were all approved. Raised: the months a suggestion began to show (replayed "
            "from the matrix history, the answered requests and each “not now”, with "
            "today's number of approvals in a row). Accepted: the leader raised the level by "
            "one while the suggestion showed. Not now: each time the leader set one aside."
        ),
        "count",
        [
            Series("raised", _("Raised"), "pair", counted("raised")),
            Series("accepted", _("Accepted"), "leader", counted("accepted")),
            Series("not_now", _("Not now"), "leader", counted("not_now")),
        ],
    )


def _month_of(ctx: Context, instant: datetime) -> date:
    return instant.astimezone(ctx.tz).date().replace(day=1)


def section(ctx: Context) -> Section:
    share, counts, under_elevation = _decisions(ctx)
    counted = [_with_totals(f) for f in (counts, _elevations(ctx, under_elevation))]
    figures = [_area_levels(ctx), share, *counted, _with_totals(_growth(ctx))]
    return Section("autonomy", _("Growing autonomy"), linked(ctx, figures, PAGES))
