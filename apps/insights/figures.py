"""The shape of what Insights shows (pure): sections of figures, each figure a few series of
one value per month, with its definition. No score and no ranking: counts and rates the
pair can talk about, each with the raw numbers it comes from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

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

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure
        raise KeyError(key)


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
