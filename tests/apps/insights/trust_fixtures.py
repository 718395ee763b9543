"""Helpers of the section tests: travel to an instant, compute one section for a range of
local months, and read a figure's series as {key: values}."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import time_machine

from apps.insights.figures import Figure, Section
from apps.insights.sections.common import Context
from apps.insights.selectors import context_for
from apps.tandems.models import Membership


def at(instant: str) -> time_machine.travel:
    """Frozen at an ISO instant with its offset, e.g. "2026-03-31T23:30:00+00:00"."""
    return time_machine.travel(datetime.fromisoformat(instant), tick=False)


def section_of(
    make: Callable[[Context], Section], membership: Membership, first: date, last: date
) -> Section:
    return make(context_for(membership=membership, first=first, last=last))


def figure_of(section: Section, key: str) -> Figure:
    return next(f for f in section.figures if f.key == key)


def series_of(section: Section, key: str) -> dict[str, list[float | None]]:
    return {s.key: s.values for s in figure_of(section, key).series}


def totals_of(section: Section, key: str) -> dict[str, float | None]:
    return {s.key: s.total for s in figure_of(section, key).series}
