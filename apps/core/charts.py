"""Server-rendered charts: pure geometry for small inline SVG charts, and the markup of their
many small parts.

The pages draw trends (retro effectiveness, feedback ratings) and counts (decisions per area
and level) without a JavaScript library or a CDN: these functions turn plain numbers into
coordinates, and `templates/partials/*_chart.html` draws them; a line chart's marks, its
summary and its table rows are written here (`lines_svg`, `summary_html`, …, placed by the
filters of `apps/core/templatetags/charts.py`), not in a template loop per point. Every
chart also renders its numbers as a table, and a sentence per line (first, last, highest and
lowest value) for screen readers and for people who would rather read.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

PALETTE = ("#1f6feb", "#d9480f", "#2f9e44", "#7048e8", "#c2255c", "#0c8599")


def number_text(value: float) -> str:
    """`value` as the templates' `floatformat:"-1"` writes it in the active language (one
    decimal when there is one), remembered: a page of charts writes the same few numbers
    hundreds of times."""
    return _number_text(value, get_language() or "")


@lru_cache(maxsize=4096)
def _number_text(value: float, language: str) -> str:
    return str(floatformat(value, "-1"))


def _escape(text: object) -> str:
    """`text` as a template writes it (`conditional_escape`, without its wrapper for lazy
    arguments: a page of charts escapes thousands of labels and cells)."""
    markup = getattr(text, "__html__", None)
    return str(markup()) if markup is not None else html.escape(str(text))


def cell_texts(values: Iterable[float | None]) -> list[str]:
    """Values in a table of numbers: "–" for nothing, else as `number_text` writes them."""
    language = get_language() or ""
    return ["–" if v is None else _number_text(v, language) for v in values]


def svg_number(value: float) -> str:
    """`value` as `{% localize off %}{{ value }}` writes it: a coordinate, with a decimal point
    in every language (`str()` for all but the exponent forms, which Django spells out)."""
    text = str(value)
    if "e" in text or "E" in text:
        return str(localize(value, use_l10n=False))
    return text


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str

    @property
    def text(self) -> str:
        return number_text(self.value)


@dataclass(frozen=True)
class Line:
    name: str
    color: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        """An SVG path through the points; a missing value breaks the line."""
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )


@dataclass(frozen=True)
class LineSummary:
    """What a line says in words: where it starts and ends, its highest and lowest point."""

    name: str
    first: Point
    last: Point
    high: Point
    low: Point
    count: int


def summarize(line: Line) -> LineSummary | None:
    """The line's summary, or None when it has no point. Ties go to the earliest point."""
    if not line.points:
        return None
    points = line.points
    return LineSummary(
        name=line.name,
        first=points[0],
        last=points[-1],
        high=max(points, key=lambda p: p.value),
        low=min(points, key=lambda p: p.value),
        count=len(points),
    )


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    labels: tuple[str, ...]
    lines: tuple[Line, ...]
    y_ticks: tuple[tuple[float, float], ...]  # (y coordinate, value)
    x_ticks: tuple[tuple[float, str], ...]  # (x coordinate, label)
    table: tuple[tuple[str, tuple[float | None, ...]], ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not any(line.points for line in self.lines)

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """`table` as its cells write it: a row per line, a cell per label."""
        return [(name, cell_texts(values)) for name, values in self.table]

    @property
    def summaries(self) -> tuple[LineSummary, ...]:
        return tuple(s for s in map(summarize, self.lines) if s is not None)


PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 32, 28, 10, 28


# The marks of a line chart as SVG, written in Python: a chart of five years has hundreds of
# points, and a template loop spends tens of microseconds on each (a variable lookup, a
# localization, an escape per attribute). The templates place these pieces; they write
# exactly what the loops they replaced wrote.


def y_ticks_svg(chart: LineChart) -> SafeString:
    """A grid line and its value for each of the y axis' ticks."""
    width, language = chart.width, get_language() or ""
    return mark_safe(  # noqa: S308 - numbers only
        "".join(
            f'<line x1="32" x2="{width}" y1="{svg_number(y)}" y2="{svg_number(y)}"'
            f' class="grid"/><text x="26" y="{svg_number(y)}" class="tick" text-anchor="end"'
            f' dominant-baseline="middle">{_number_text(value, language)}</text>'
            for y, value in chart.y_ticks
        )
    )


def x_ticks_svg(chart: LineChart) -> SafeString:
    """The labels under the x axis; the last one (of several) ends at its tick."""
    y = chart.height - 8
    last = len(chart.x_ticks) - 1
    return mark_safe(  # noqa: S308 - the labels escaped
        "".join(
            f'<text x="{svg_number(x)}" y="{y}" class="tick"'
            f' text-anchor="{"end" if index == last and index else "middle"}">'
            f"{_escape(label)}</text>"
            for index, (x, label) in enumerate(chart.x_ticks)
        )
    )


def lines_svg(chart: LineChart, radius: str) -> SafeString:
    """Each line's path (as `Line.path` writes it) and a dot of `radius` on each of its
    points, its value as a tooltip."""
    language = get_language() or ""
    # What the points of all lines share: at an x (one per label), the coordinate as an
    # attribute and in a path, and the escaped label; at a value (`line_chart` gives each
    # value one y), the y coordinate both ways and the value's text.
    at_x: dict[float, tuple[str, str, str]] = {}
    at_value: dict[float, tuple[str, str, str]] = {}
    parts = []
    for line in chart.lines:
        color = _escape(line.color)
        name = _escape(line.name)
        path: list[str] = []
        dots: list[str] = []
        for p in line.points:
            x, label, path_x = at_x.get(p.x) or at_x.setdefault(
                p.x, (svg_number(p.x), _escape(p.label), f"{p.x:.1f}")
            )
            y, text, path_y = at_value.get(p.value) or at_value.setdefault(
                p.value, (svg_number(p.y), _number_text(p.value, language), f"{p.y:.1f}")
            )
            path.append(f"{'L' if path else 'M'}{path_x},{path_y}")
            dots.append(
                f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{color}">'
                f"<title>{name} · {label}: {text}</title></circle>"
            )
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{color}" stroke-width="2.5"/>'
        )
        parts.extend(dots)
    return mark_safe("".join(parts))  # noqa: S308 - names and labels escaped above


def summary_html(chart: LineChart) -> SafeString:
    """A line chart in words, beside its table: one sentence per line (a line without a
    point has none), in the active language."""
    language = get_language() or ""
    items = []
    for s in chart.summaries:
        name = _escape(s.name)
        if s.count == 1:
            text = gettext("%(name)s: %(value)s (%(label)s).") % {
                "name": name,
                "value": _number_text(s.first.value, language),
                "label": _escape(s.first.label),
            }
        else:
            text = (
                gettext("%(name)s: from %(first)s (%(first_label)s) to %(last)s (%(last_label)s).")
                % {
                    "name": name,
                    "first": _number_text(s.first.value, language),
                    "first_label": _escape(s.first.label),
                    "last": _number_text(s.last.value, language),
                    "last_label": _escape(s.last.label),
                }
                + " "
                + gettext("Highest %(high)s (%(high_label)s), lowest %(low)s (%(low_label)s).")
                % {
                    "high": _number_text(s.high.value, language),
                    "high_label": _escape(s.high.label),
                    "low": _number_text(s.low.value, language),
                    "low_label": _escape(s.low.label),
                }
            )
        items.append(f"<li>{text}</li>")
    markup = f'<ul class="chart-summary">{"".join(items)}</ul>'
    return mark_safe(markup)  # noqa: S308 - names and labels escaped above


def cells_html(texts: Sequence[str]) -> SafeString:
    """A row's data cells, escaped."""
    markup = "".join(f"<td>{_escape(text)}</td>" for text in texts)
    return mark_safe(markup)  # noqa: S308 - escaped


def column_headers_html(texts: Sequence[str]) -> SafeString:
    """A table head's column headers, escaped."""
    markup = "".join(f'<th scope="col">{_escape(text)}</th>' for text in texts)
    return mark_safe(markup)  # noqa: S308 - escaped


def table_rows_html(rows: Sequence[tuple[str, Sequence[str]]]) -> SafeString:
    """A table body's rows: a header cell, then a cell for each text, all escaped."""
    escaped: dict[str, str] = {}  # a table repeats few plain texts: "0", "–" …
    parts = []
    for header, cells in rows:
        parts.append(f'<tr><th scope="row">{_escape(header)}</th>')
        for cell in cells:
            if hasattr(cell, "__html__"):  # safe already (a number's text)
                text = str(cell.__html__())
            else:
                text = escaped.get(cell) or escaped.setdefault(cell, html.escape(str(cell)))
            parts.append(f"<td>{text}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - escaped


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_min: float,
    y_max: float,
    width: int = 480,
    height: int = 180,
) -> LineChart:
    """A line per series over the shared x labels; values outside [y_min, y_max] are clamped.

    `series` is `[(name, [value or None for each label]), …]`.
    """
    if y_max <= y_min:
        raise ValueError("y_max must be greater than y_min")
    inner_w = width - PAD_LEFT - PAD_RIGHT
    inner_h = height - PAD_TOP - PAD_BOTTOM
    n = len(labels)

    def x_at(i: int) -> float:
        return PAD_LEFT + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def y_at(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return PAD_TOP + inner_h * (1 - (clamped - y_min) / (y_max - y_min))

    # Each label's x, and each value's y, computed once: the lines share them.
    xs = [x_at(i) for i in range(n)]
    ys: dict[float, float] = {}
    lines = []
    for index, (name, values) in enumerate(series):
        points = []
        for i, v in enumerate(values[:n]):
            if v is not None:
                y = ys.get(v)
                if y is None:
                    y = ys[v] = y_at(v)
                points.append(Point(xs[i], y, v, labels[i]))
        lines.append(Line(name, PALETTE[index % len(PALETTE)], tuple(points)))
    step = 1 if (y_max - y_min) <= 10 else (y_max - y_min) / 5
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append((y_at(value), value))
        value += step
    every = max(1, n // 6)
    x_ticks = tuple((xs[i], labels[i]) for i in range(0, n, every))
    table = tuple((name, tuple(values[:n])) for name, values in series)
    return LineChart(width, height, tuple(labels), tuple(lines), tuple(ticks), x_ticks, table)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: float
    width: float
    color: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    label_width: int

    @property
    def empty(self) -> bool:
        return not self.bars

    @property
    def largest(self) -> Bar | None:
        return max(self.bars, key=lambda b: b.value, default=None)

    @property
    def total(self) -> float:
        return sum(b.value for b in self.bars)


def bar_chart(
    items: Sequence[tuple[str, float]], *, width: int = 480, bar_height: int = 22
) -> BarChart:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    label_width = 150
    top = max((value for _, value in items), default=0) or 1
    usable = width - label_width - 40
    bars = tuple(
        Bar(label, value, i * (bar_height + 6), usable * value / top, PALETTE[0])
        for i, (label, value) in enumerate(items)
    )
    height = max(1, len(items)) * (bar_height + 6)
    return BarChart(width, height, bars, label_width)
