"""What the Insights page shows of each figure (pure): the chart's geometry and the numbers
beside it, month by month, written by `{% insights_figure %}`
(apps/insights/templatetags/insights_figures.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

from apps.core import charts
from apps.insights.figures import Figure, Insights, Section

# A rate is drawn on 0–100; a count or a duration from 0 to a round number above its largest.
PERCENT_MAX = 100.0


def month_label(month: date) -> str:
    return date_format(month, "M y")


def _round_up(value: float) -> float:
    if value <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    chart: charts.LineChart
    labels: list[str]
    rows: list[tuple[str, list[float | None], float | None]]  # (label, values, total)

    @property
    def table(self) -> list[tuple[str, list[str]]]:
        """The numbers beside the chart, a row per month: (month, each series' value as the
        page writes it: "–" for nothing, else as `floatformat:"-1"` does). Built in one
        pass; a template would look each value up in every series' list (months² steps)."""
        columns = [charts.cell_texts(values) for _label, values, _total in self.rows]
        if not columns:
            return [(label, []) for label in self.labels]
        rows = zip(self.labels, zip(*columns, strict=True), strict=True)
        return [(label, list(cells)) for label, cells in rows]

    @property
    def series_names(self) -> list[str]:
        return [label for label, _values, _total in self.rows]

    @property
    def totals(self) -> list[str]:
        """Each series' total as the table's foot writes it."""
        return charts.cell_texts(total for _label, _values, total in self.rows)

    @property
    def empty(self) -> bool:
        return all(v is None or v == 0 for _label, values, _total in self.rows for v in values)


@dataclass(frozen=True)
class SectionView:
    section: Section
    figures: list[FigureView]


def figure_view(figure: Figure, months: list[date], labels: list[str] | None = None) -> FigureView:
    """`labels`: the months' labels, when the caller has them already (one per page)."""
    labels = labels if labels is not None else [month_label(m) for m in months]
    series = [(s.label, s.values) for s in figure.series]
    if figure.unit == "percent":
        top = PERCENT_MAX
    else:
        top = _round_up(max((v for _, vs in series for v in vs if v is not None), default=0))
    chart = charts.line_chart(labels, series, y_min=0, y_max=top, width=480, height=180)
    rows = [(s.label, s.values, s.total) for s in figure.series]
    return FigureView(figure, chart, labels, rows)


def page_sections(found: Insights) -> list[SectionView]:
    labels = [month_label(m) for m in found.months]
    return [
        SectionView(section, [figure_view(f, found.months, labels) for f in section.figures])
        for section in found.sections
    ]
