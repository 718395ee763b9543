"""Safety signals: questions, disagreements and mistakes put on the agendas and by whom,
decisions whose outcome and lesson were written down, rejected requests that were learnt
from, and how effective each person found the check-ins."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from apps.checkins import selectors as checkins
from apps.checkins.models import AgendaKind
from apps.delegation import selectors as delegation
from apps.delegation.models import Answer
from apps.insights.compiled import Bounds, counting
from apps.insights.figures import Figure, Section, Series, per_month
from apps.insights.sections.common import Context
from apps.insights.sections.links import linked

SAFETY_KINDS = (AgendaKind.QUESTION, AgendaKind.DISAGREEMENT, AgendaKind.MISTAKE_LEARNING)
WHO = ("leader", "assistant", "former")


# The page that lists the rows each figure counts.
PAGES = {
    "safety_agenda_items": "checkins:index",
    "lessons_recorded": "delegation:decisions",
    "rejected_with_lesson": "delegation:decisions",
    "retro_effectiveness": "checkins:index",
}


def _people() -> dict[str, str]:
    return {"leader": _("Leader"), "assistant": _("Assistant"), "former": _("Former member")}


def _kinds() -> dict[str, str]:
    return {
        AgendaKind.QUESTION: _("Questions"),
        AgendaKind.DISAGREEMENT: _("Disagreements"),
        AgendaKind.MISTAKE_LEARNING: _("Mistakes and learnings"),
    }


def _counted(key: str, label: str, who: str, values: list[float | None]) -> Series:
    return Series(key, label, who, values, sum(v or 0 for v in values))


@counting("safety_agenda")
def _safety_agenda_counted(b: Bounds) -> QuerySet[Any]:
    return (
        checkins.agenda_raised_of(membership=b.membership)
        .filter(kind__in=SAFETY_KINDS, created_at__gte=b.start, created_at__lt=b.end)
        .annotate(month=b.month_of("created_at"))
        .values_list("month", "kind", "author_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _agenda(ctx: Context) -> Figure:
    rows = ctx.counted("safety_agenda")
    people = _people()
    series = []
    for kind, kind_label in _kinds().items():
        for who in WHO:
            counted = [(m, n) for m, k, u, n in rows if k == kind and ctx.who(u) == who]
            if who == "former" and not counted:
                continue
            series.append(
                _counted(
                    f"{kind}_{who}",
                    _("%(kind)s: %(person)s") % {"kind": kind_label, "person": people[who]},
                    who,
                    per_month(ctx.firsts, counted),
                )
            )
    return Figure(
        "safety_agenda_items",
        _("Questions, disagreements and mistakes on the agenda"),
        _(
            "Agenda items of the kinds question, disagreement and mistake / learning, by the "
            "month they were put on an agenda and by who put them there. An item carried "
            "over to the next check-in counts once."
        ),
        "count",
        series,
    )


@counting("lessons_recorded")
def _lessons_recorded_counted(b: Bounds) -> QuerySet[Any]:
    return (
        delegation.decisions_of(membership=b.membership)
        .filter(outcome_recorded_at__gte=b.start, outcome_recorded_at__lt=b.end)
        .annotate(month=b.month_of("outcome_recorded_at"))
        .values_list("month")
        .annotate(outcomes=Count("id"), lessons=Count("id", filter=~Q(lesson="")))
        .order_by()
    )


@counting("rejected")
def _rejected_counted(b: Bounds) -> QuerySet[Any]:
    return (
        delegation.decisions_of(membership=b.membership)
        .filter(answer=Answer.REJECT, answered_at__gte=b.start, answered_at__lt=b.end)
        .annotate(month=b.month_of("answered_at"))
        .values_list("month")
        .annotate(n=Count("id"), lessons=Count("id", filter=~Q(lesson="")))
        .order_by()
    )


def _lessons(ctx: Context) -> list[Figure]:
    recorded = ctx.counted("lessons_recorded")
    rejected = ctx.counted("rejected")
    firsts = ctx.firsts
    return [
        Figure(
            "lessons_recorded",
            _("Outcomes and lessons recorded"),
            _(
                "Decisions whose outcome was written down in the month (by the last time it "
                "was recorded), and of those, how many also name a lesson."
            ),
            "count",
            [
                _counted(
                    "outcomes",
                    _("Outcome recorded"),
                    "pair",
                    per_month(firsts, [(m, o) for m, o, _l in recorded]),
                ),
                _counted(
                    "with_lesson",
                    _("With a lesson"),
                    "pair",
                    per_month(firsts, [(m, le) for m, _o, le in recorded]),
                ),
            ],
        ),
        Figure(
            "rejected_with_lesson",
            _("Rejected requests and their lessons"),
            _(
                "Requests the leader rejected in the month (by the day of the answer), and of "
                "those, how many have a lesson recorded by now."
            ),
            "count",
            [
                _counted(
                    "rejected",
                    _("Rejected"),
                    "pair",
                    per_month(firsts, [(m, n) for m, n, _l in rejected]),
                ),
                _counted(
                    "with_lesson",
                    _("With a lesson"),
                    "pair",
                    per_month(firsts, [(m, le) for m, _n, le in rejected]),
                ),
            ],
        ),
    ]


@counting("retros")
def _retros_counted(b: Bounds) -> QuerySet[Any]:
    return (
        checkins.retros_met_between(membership=b.membership, start=b.start, end=b.end)
        .annotate(month=b.month_of("met_at"))
        .values_list("month", "member_id")
        .annotate(points=Sum("effectiveness"), n=Count("id"))
        .order_by()
    )


def _retros(ctx: Context) -> Figure:
    rows = ctx.counted("retros")
    series = []
    for who, label in _people().items():
        mine = [(m, p, n) for m, u, p, n in rows if ctx.who(u) == who]
        if who == "former" and not mine:
            continue
        points = per_month(ctx.firsts, [(m, p) for m, p, _n in mine], empty=None)
        counts = per_month(ctx.firsts, [(m, n) for m, _p, n in mine], empty=None)
        values: list[float | None] = [
            None if p is None or not n else round(p / n, 2)
            for p, n in zip(points, counts, strict=True)
        ]
        all_points = sum(p for _m, p, _n in mine)
        all_n = sum(n for _m, _p, n in mine)
        series.append(
            Series(
                f"retro_{who}",
                label,
                who,
                values,
                round(all_points / all_n, 2) if all_n else None,
            )
        )
    return Figure(
        "retro_effectiveness",
        _("How effective the check-ins felt"),
        _(
            "The average of each person's retro ratings (1 to 5) of the check-ins held in "
            "the month, by when the meeting took place (where it was moved to). Empty in a "
            "month without retros."
        ),
        "rating",
        series,
    )


def section(ctx: Context) -> Section:
    return Section(
        "safety",
        _("Safety signals"),
        linked(ctx, [_agenda(ctx), *_lessons(ctx), _retros(ctx)], PAGES),
    )
