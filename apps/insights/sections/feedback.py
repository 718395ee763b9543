"""Feedback: the existing per-question trends of the feedback app, placed by the month each
cycle opened, so they sit beside the other figures. Only revealed cycles count: the ratings
come from `apps.feedback.selectors.ratings_for_insights`, which applies the blind rule
(as `trends_of` does for the feedback page), and are summed in SQL for the range only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.feedback import selectors as feedback
from apps.feedback.forms import QUESTION_LABELS
from apps.insights.compiled import Bounds, counting
from apps.insights.figures import Figure, Section, Series
from apps.insights.sections.common import Context
from apps.insights.sections.links import linked

_WHO = {"leader_to_assistant": "leader", "assistant_to_leader": "assistant"}
_DIRECTION = {who: direction for direction, who in _WHO.items()}


# The page that lists the rows each figure counts.
PAGES = {
    "feedback_trends": "feedback:index",
}


def _directions() -> dict[str, str]:
    return {
        "leader_to_assistant": _("leader → assistant"),
        "assistant_to_leader": _("assistant → leader"),
    }


def _question(key_or_text: str) -> str:
    label = QUESTION_LABELS.get(key_or_text)
    return str(label) if label is not None else key_or_text


@counting("ratings")
def _ratings_counted(b: Bounds) -> QuerySet[Any]:
    return (
        feedback.ratings_for_insights(membership=b.membership, start=b.start, end=b.end)
        .annotate(
            month=b.month_of("entry__cycle__opens_at"),
            label=Coalesce(NullIf("question__key", Value("")), "question__text"),
        )
        .values_list("month", "entry__author_id", "label")
        .annotate(total=Sum("rating"), n=Count("id"))
        .order_by()
    )


def _ratings(ctx: Context) -> list[tuple[date, str, str, int, int]]:
    """(month the cycle opened, direction, question, sum of ratings, number of ratings) of
    the range, counted in SQL. One query. A former member's ratings have no direction any
    more and are left out, as on the feedback page."""

    rows = ctx.counted("ratings")
    found = []
    for month, author_id, label, total, n in rows:
        who = ctx.who(author_id)
        if who in _DIRECTION:
            found.append((month, _DIRECTION[who], label, total, n))
    return found


def _trends(ctx: Context) -> Figure:
    index = {first: i for i, first in enumerate(ctx.firsts)}
    order = list(QUESTION_LABELS)
    directions = _directions()
    # (question, direction) → per month index [sum, n]
    found: dict[tuple[str, str], dict[int, list[int]]] = {}
    for month, direction, label, total, n in _ratings(ctx):
        if month in index:
            counts = found.setdefault((label, direction), {}).setdefault(index[month], [0, 0])
            counts[0] += total
            counts[1] += n
    keys = sorted(
        found,
        key=lambda k: (
            order.index(k[0]) if k[0] in order else len(order),
            k[0].lower(),
            list(directions).index(k[1]),
        ),
    )
    series = []
    for question, direction in keys:
        months = found[(question, direction)]
        values: list[float | None] = [
            round(c[0] / c[1], 2) if (c := months.get(i)) else None for i in range(len(ctx.firsts))
        ]
        total, n = (sum(c[i] for c in months.values()) for i in (0, 1))
        series.append(
            Series(
                f"{slugify(question)[:60]}_{direction}",
                f"{_question(question)} ({directions[direction]})",
                _WHO[direction],
                values,
                round(total / n, 2),
            )
        )
    return Figure(
        "feedback_trends",
        _("Feedback ratings"),
        _(
            "The ratings (1 to 5) each person gave the other per question, in the month the "
            "feedback cycle opened (the average, if several cycles opened that month). Only "
            "cycles whose feedback has been revealed to both count. Empty in a month without "
            "a revealed cycle."
        ),
        "rating",
        series,
    )


def section(ctx: Context) -> Section:
    return Section("feedback", _("Feedback"), linked(ctx, [_trends(ctx)], PAGES))
