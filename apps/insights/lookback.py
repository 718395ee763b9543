"""The monthly look back, in short (pure): a few headline figures of a month as pair totals,
what changed against the month before, and one suggestion for the next check-in's agenda.

Works over whatever figures the sections produce (`Insights.sections → figures → series`):
a rule whose figure is missing is skipped, and a headline that is missing is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.insights.figures import Figure, Insights

# The figures a look back leads with, in this order, when they exist.
HEADLINES: Final = (
    "requests_on_time",
    "action_items_on_time",
    "checkins_as_planned",
    "answer_time",
    "feedback_on_time",
    "appreciation_sent",
)
HEADLINE_COUNT: Final = 4
# Below this share (percent) a rate is worth talking about.
LOW_RATE: Final = 75.0


@dataclass(frozen=True)
class Line:
    """One headline: the figure's title, its pair value in the month and the month before."""

    key: str
    title: str
    unit: str
    value: float | None
    before: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.before is None:
            return None
        return round(self.value - self.before, 1)


def _find(insights: Insights, key: str) -> Figure | None:
    try:
        return insights.figure(key)
    except KeyError:
        return None


def pair_value(figure: Figure, index: int) -> float | None:
    """The figure's value for both people together in month `index`: its "pair" series (the
    first one, e.g. a median), else the sum of the people's counts; None for a rate or a
    duration that has no pair series (it cannot be summed)."""
    for series in figure.series:
        if series.who == "pair":
            return series.values[index]
    if figure.unit != "count":
        return None
    values = [s.values[index] for s in figure.series if s.values[index] is not None]
    return float(sum(v or 0 for v in values)) if values else None


def _by_who(figure: Figure, index: int) -> dict[str, float]:
    found: dict[str, float] = {}
    for series in figure.series:
        if series.who in ("leader", "assistant"):
            found[series.who] = found.get(series.who, 0) + (series.values[index] or 0)
    return found


def headlines(insights: Insights) -> list[Line]:
    """The look back's headlines for the last month of `insights` against the one before
    (when it has one): the known headline figures first, then any other count."""
    last = len(insights.months) - 1
    figures = [f for key in HEADLINES if (f := _find(insights, key)) is not None]
    for section in insights.sections:
        figures += [f for f in section.figures if f.unit == "count" and f not in figures]
    lines = []
    for figure in figures:
        value = pair_value(figure, last)
        if value is None:
            continue
        before = pair_value(figure, last - 1) if last > 0 else None
        lines.append(Line(figure.key, figure.title, figure.unit, value, before))
        if len(lines) == HEADLINE_COUNT:
            break
    return lines


def _number(value: float) -> str:
    return f"{value:g}"


def describe(line: Line) -> str:
    """'Appreciation sent: 5 (+2 against the month before)'."""
    unit = {"percent": " %", "hours": " h", "days": " d"}.get(line.unit, "")
    text = f"{line.title}: {_number(line.value or 0)}{unit}"
    change = line.change
    if change is None:
        return text
    if change == 0:
        return text + " " + _("(as in the month before)")
    sign = "+" if change > 0 else "−"
    return (
        text
        + " "
        + _("(%(change)s against the month before)")
        % {"change": f"{sign}{_number(abs(change))}{unit}"}
    )


def _late_requests(insights: Insights, last: int) -> int:
    due_figure = _find(insights, "requests_due")
    kept_figure = _find(insights, "requests_on_time")
    if due_figure is None or kept_figure is None:
        return 0
    due = pair_value(due_figure, last)
    kept = pair_value(kept_figure, last)
    if not due or kept is None:
        return 0
    if kept_figure.unit == "percent":
        kept = due * kept / 100
    return max(0, round(due - kept))


def _low(insights: Insights, key: str, last: int) -> bool:
    figure = _find(insights, key)
    if figure is None or figure.unit != "percent":
        return False
    value = pair_value(figure, last)
    return value is not None and value < LOW_RATE


def suggestion(insights: Insights) -> str:
    """One topic for the next check-in from simple rules over the last month's figures, the
    first that applies; a kind default when none does. Missing figures are skipped."""
    last = len(insights.months) - 1
    late = _late_requests(insights, last)
    if late:
        return ngettext(
            "%(count)d request waited past its due date — talk about the matrix?",
            "%(count)d requests waited past their due date — talk about the matrix?",
            late,
        ) % {"count": late}
    if _low(insights, "checkins_as_planned", last):
        return _("Several check-ins did not take place as planned — does the rhythm still fit?")
    if _low(insights, "action_items_on_time", last):
        return _("Some action items came late — are our commitments realistic?")
    share = _find(insights, "agenda_share")
    if share is not None:
        people = _by_who(share, last)
        if len(people) == 2 and sum(people.values()) > 0 and min(people.values()) == 0:
            return _("Only one of us raised agenda items last month — what would the other bring?")
    if _low(insights, "feedback_on_time", last):
        return _("Feedback came late — is the feedback rhythm right for us?")
    return _("What went well this month?")
