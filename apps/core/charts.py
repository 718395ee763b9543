"""Server-rendered charts: pure geometry for small inline SVG charts.

The pages draw trends (retro effectiveness, feedback ratings) and counts (decisions per area
and level) without a JavaScript library or a CDN: these functions turn plain numbers into
coordinates, and `templates/partials/*_chart.html` draws them. Every chart also renders its
numbers as a table, and a sentence per line (first, last, highest and lowest value) for
screen readers and for people who would rather read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.utils.translation import get_language

PALETTE = ("#1f6feb", "#d9480f", "#2f9e44", "#7048e8", "#c2255c", "#0c8599")


def number_text(value: float) -> str:
    """`value` as the templates' `floatformat:"-1"` writes it in the active language (one
    decimal when there is one), remembered: a page of charts writes the same few numbers
    hundreds of times."""
    return _number_text(value, get_language() or "")


@lru_cache(maxsize=4096)
def _number_text(value: float, language: str) -> str:
    return str(floatformat(value, "-1"))


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
    def summaries(self) -> tuple[LineSummary, ...]:
        return tuple(s for s in map(summarize, self.lines) if s is not None)


PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 32, 28, 10, 28


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

    lines = []
    for index, (name, values) in enumerate(series):
        points = tuple(
            Point(x_at(i), y_at(v), v, labels[i]) for i, v in enumerate(values[:n]) if v is not None
        )
        lines.append(Line(name, PALETTE[index % len(PALETTE)], points))
    step = 1 if (y_max - y_min) <= 10 else (y_max - y_min) / 5
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append((y_at(value), value))
        value += step
    every = max(1, n // 6)
    x_ticks = tuple((x_at(i), labels[i]) for i in range(0, n, every))
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
