"""`{% line_chart %}` and `{% bar_chart %}`: inline SVG charts drawn on the server; the
filters that write a line chart's marks (`svg_y_ticks`, `svg_x_ticks`, `svg_lines`), its
summary in words (`line_summary`) and a table's rows (`table_rows`) for the templates that
draw one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from apps.core import charts

register = template.Library()


@register.inclusion_tag("partials/line_chart.html")
def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    y_min: float = 1,
    y_max: float = 5,
) -> dict[str, Any]:
    return {
        "chart": charts.line_chart(labels, series, y_min=y_min, y_max=y_max),
        "title": title,
    }


@register.inclusion_tag("partials/bar_chart.html")
def bar_chart(items: Sequence[tuple[str, float]], title: str) -> dict[str, Any]:
    return {"chart": charts.bar_chart(items), "title": title}


@register.filter
def svg_y_ticks(chart: charts.LineChart) -> SafeString:
    return charts.y_ticks_svg(chart)


@register.filter
def svg_x_ticks(chart: charts.LineChart) -> SafeString:
    return charts.x_ticks_svg(chart)


@register.filter
def svg_lines(chart: charts.LineChart, radius: str) -> SafeString:
    return charts.lines_svg(chart, radius)


@register.filter
def table_rows(rows: Sequence[tuple[str, Sequence[str]]]) -> SafeString:
    return charts.table_rows_html(rows)


@register.filter
def line_summary(chart: charts.LineChart) -> SafeString:
    return charts.summary_html(chart)
