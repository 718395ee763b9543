"""Speed of alignment: how long the assistant waits for the leader — for an answer to a
request, for an acknowledgement of a decision taken outside the agreed authority. The
median says what is usual, the 90th percentile what the slow cases are like.

One query per figure (the durations of the whole range), whatever the history's length."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.stats import percentiles
from apps.delegation import selectors as delegation
from apps.delegation.models import REQUESTS, ClassificationChoice
from apps.insights.compiled import Bounds, counting
from apps.insights.figures import Figure, Section, Series
from apps.insights.sections.common import Context

HOUR = 3600.0


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 1)


def _waited(field: str, condition: Q) -> Callable[[Bounds], QuerySet[Any]]:
    """(month, waited) of the decisions matching `condition` whose `field` falls in the
    span: the database subtracts, one duration per row to read instead of two timestamps."""

    def build(b: Bounds) -> QuerySet[Any]:
        return (
            delegation.decisions_of(membership=b.membership)
            .filter(condition, **{f"{field}__gte": b.start, f"{field}__lt": b.end})
            .annotate(
                month=b.month_of(field),
                waited=ExpressionWrapper(F(field) - F("created_at"), output_field=DurationField()),
            )
            .values_list("month", "waited")
            .order_by()
        )

    return build


counting("answer_time")(_waited("answered_at", Q(classification__in=REQUESTS)))
counting("acknowledgement_time")(
    _waited("acknowledged_at", Q(classification=ClassificationChoice.OUTSIDE_AUTHORITY))
)


def _durations(ctx: Context, key: str) -> tuple[dict[date, list[int]], list[int]]:
    """Whole seconds from logging to the answer (or acknowledgement), by its month, and all
    of them. A closed month's row keeps each one (a median is not a sum of months), as one
    row holding the month's list: whole seconds, because a busy month keeps hundreds, and a
    flat list of integers is what JSON writes and reads fastest (a row per request made a
    list per request for Python to allocate and its collector to walk; the figures show
    tenths of an hour)."""

    def count(ctx: Context) -> list[tuple[date, list[int]]]:
        by_month: dict[date, list[int]] = {}
        for month, waited in ctx.fetch(key):
            by_month.setdefault(month, []).append(max(round(waited.total_seconds()), 0))
        return [(month, sorted(seconds)) for month, seconds in by_month.items()]

    # One row a month, kept or counted; a kept month without any has none.
    by_month = {month: rows[0][0] for month, rows in ctx.grouped(key, count).items() if rows}
    every: list[int] = []
    for month in ctx.firsts:
        every.extend(by_month.get(month, ()))
    return by_month, every


QUANTILES = (
    ("median", gettext_lazy("Median"), 0.5),
    ("p90", gettext_lazy("Nine in ten within"), 0.9),
)


def _series(ctx: Context, key: str, found: tuple[dict[date, list[int]], list[int]]) -> list[Series]:
    by_month, every = found
    qs = [q for _name, _label, q in QUANTILES]
    monthly = [percentiles(by_month.get(m, ()), qs) for m in ctx.firsts]
    overall = percentiles(every, qs)
    return [
        Series(
            f"{key}_{name}",
            str(label),
            "pair",
            [_hours(values[i]) for values in monthly],
            _hours(overall[i]),
        )
        for i, (name, label, _q) in enumerate(QUANTILES)
    ]


def _decisions(ctx: Context, classification: str) -> str:
    page = reverse("delegation:decisions", kwargs={"tandem_id": ctx.tandem.pk})
    return f"{page}?classification={classification}"


def section(ctx: Context) -> Section:
    answers = _durations(ctx, "answer_time")
    acknowledgements = _durations(ctx, "acknowledgement_time")
    figures = [
        Figure(
            "answer_time",
            _("Time to answer a request"),
            _(
                "Hours from when a request for agreement or advice was logged to the leader's "
                "answer, for the requests answered in the month: the median and the time "
                "within which nine in ten were answered."
            ),
            "hours",
            _series(ctx, "answer_time", answers),
            reverse("delegation:decisions", kwargs={"tandem_id": ctx.tandem.pk})
            + "?status=answered",
        ),
        Figure(
            "acknowledgement_time",
            _("Time to acknowledge a decision outside authority"),
            _(
                "Hours from when a decision taken outside the agreed authority was logged to "
                "the leader's acknowledgement, for those acknowledged in the month: the median "
                "and the time within which nine in ten were acknowledged."
            ),
            "hours",
            _series(ctx, "acknowledgement_time", acknowledgements),
            _decisions(ctx, ClassificationChoice.OUTSIDE_AUTHORITY),
        ),
    ]
    return Section("speed", _("Speed of alignment"), figures)
