"""`{% line_chart %}` and `{% bar_chart %}`: inline SVG charts drawn on the server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

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
