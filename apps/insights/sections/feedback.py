"""Feedback: the existing per-question trends of the feedback app, placed by the month each
cycle opened, so they sit beside the other figures. Only revealed cycles count: the trends
come from `apps.feedback.selectors.trends_of`, which applies the blind rule."""

from __future__ import annotations

from datetime import date

from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.feedback import selectors as feedback
from apps.feedback.forms import QUESTION_LABELS
from apps.insights.figures import Figure, Section, Series
from apps.insights.sections.common import Context
from apps.insights.sections.links import linked

_WHO = {"leader_to_assistant": "leader", "assistant_to_leader": "assistant"}


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


def _trends(ctx: Context) -> Figure:
    index = {first: i for i, first in enumerate(ctx.firsts)}
    order = list(QUESTION_LABELS)
    directions = _directions()
    trends = sorted(
        feedback.trends_of(membership=ctx.membership),
        key=lambda t: (
            order.index(t.question) if t.question in order else len(order),
            t.question.lower(),
            list(directions).index(t.direction),
        ),
    )
    series = []
    for trend in trends:
        ratings: dict[int, list[int]] = {}
        everything: list[int] = []
        for point in trend.points:
            month: date = point.opens_at.astimezone(ctx.tz).date().replace(day=1)
            if month in index:
                ratings.setdefault(index[month], []).append(point.rating)
                everything.append(point.rating)
        if not everything:
            continue
        values: list[float | None] = [
            round(sum(r) / len(r), 2) if (r := ratings.get(i)) else None
            for i in range(len(ctx.firsts))
        ]
        label = _question(trend.question)
        series.append(
            Series(
                f"{slugify(trend.question)[:60]}_{trend.direction}",
                f"{label} ({directions[trend.direction]})",
                _WHO[trend.direction],
                values,
                round(sum(everything) / len(everything), 2),
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
