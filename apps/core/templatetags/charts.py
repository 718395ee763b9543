"""`{% line_chart %}` and `{% bar_chart %}`: inline SVG charts drawn on the server; the
filters that write a line chart's marks (`svg_y_ticks`, `svg_x_ticks`, `svg_lines`), its
summary in words (`line_summary`) and a table's rows (`table_rows`) for the templates that
draw one."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.context import Context
from django.template.loader import get_template
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

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


@register.simple_tag(takes_context=True)
def bar_chart(context: Context, items: Sequence[tuple[str, float]], title: str) -> SafeString:
    """partials/bar_chart.html for these bars, remembered by what it shows (labels, values,
    title, language): a page's counts are mostly the ones its last request drew. A label or
    title is the same text escaped or marked safe only if it was so before."""
    key = tuple(
        (str(label), isinstance(label, SafeData), type(value), value) for label, value in items
    )
    return _bar_chart(
        key, str(title), isinstance(title, SafeData), get_language(), context.autoescape
    )


@lru_cache(maxsize=256)
def _bar_chart(
    items: tuple[tuple[str, bool, type, float], ...],
    title: str,
    title_safe: bool,
    language: str | None,
    autoescape: bool,
) -> SafeString:
    bars = [(mark_safe(label) if safe else label, value) for label, safe, _, value in items]  # noqa: S308 - safe before
    chart = charts.bar_chart(bars)
    shown = Context(
        {"chart": chart, "title": mark_safe(title) if title_safe else title},  # noqa: S308 - safe before
        autoescape=autoescape,
    )
    html = get_template("partials/bar_chart.html").template.render(shown)  # type: ignore[attr-defined]
    return mark_safe(html)  # noqa: S308 - rendered (and escaped) by the template


def _forget(**kwargs: Any) -> None:
    _bar_chart.cache_clear()


setting_changed.connect(_forget)


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
