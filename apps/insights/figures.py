"""The shape of what Insights shows (pure): sections of figures, each figure a few series of
one value per month, with its definition. No score and no ranking: counts and rates the
pair can talk about, each with the raw numbers it comes from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

UNITS: Final = ("count", "percent", "hours", "days", "rating")


@dataclass
class Series:
    """One line of a figure: a value per month (None: nothing to count that month) and the
    total over the range. `who` is "leader", "assistant", "former" or "pair"."""

    key: str
    label: str
    who: str
    values: list[float | None]
    total: float | None = None


@dataclass
class Figure:
    key: str
    title: str
    definition: str
    unit: str
    series: list[Series] = field(default_factory=list)
    link: str = ""  # a page with the rows it counts

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit}")


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


@dataclass
class Insights:
    months: list[date]
    sections: list[Section]

    def as_data(self) -> dict[str, Any]:
        """The API's JSON shape (`InsightsSerializer` documents it and gives the same), built
        directly: the page has hundreds of values, and a serializer per value costs more
        than all the counting of a month."""
        return {
            "months": [month.isoformat() for month in self.months],
            "sections": [
                {
                    "key": section.key,
                    "title": str(section.title),
                    "figures": [
                        {
                            "key": figure.key,
                            "title": str(figure.title),
                            "definition": str(figure.definition),
                            "unit": figure.unit,
                            "series": [
                                {
                                    "key": series.key,
                                    "label": str(series.label),
                                    "who": series.who,
                                    "values": [
                                        None if v is None else float(v) for v in series.values
                                    ],
                                    "total": _number(series.total),
                                }
                                for series in figure.series
                            ],
                            "link": figure.link,
                        }
                        for figure in section.figures
                    ],
                    "hints": [str(hint) for hint in section.hints],
                }
                for section in self.sections
            ],
        }

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure
        raise KeyError(key)


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def rate(part: float, whole: float) -> float | None:
    """`part` of `whole` in percent (one decimal), None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def per_month(
    months: Sequence[date], counted: Iterable[tuple[date, float]], *, empty: float | None = 0
) -> list[float | None]:
    """The values of `counted` ((month, value) pairs, summed) in the order of `months`."""
    found: dict[date, float] = {}
    for month, value in counted:
        found[month] = found.get(month, 0) + value
    return [found.get(month, empty) for month in months]
