"""Pure rules of check-ins: no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

# An agenda "overflows" when it has more items than fit one meeting, or when half of them
# had to be carried to the next one.
OVERFLOW_ITEMS: Final = 8
# How many of the most recent past occurrences the cadence suggestion looks at, and how many
# of them must agree before the platform suggests anything.
CADENCE_WINDOW: Final = 4
CADENCE_AGREEING: Final = 3


class CadenceSuggestion(StrEnum):
    MORE_OFTEN = "more_often"
    LESS_OFTEN = "less_often"


@dataclass(frozen=True)
class AgendaStats:
    """What one past occurrence's agenda looked like."""

    items: int
    carried_on: int

    @property
    def overflowing(self) -> bool:
        return self.items > OVERFLOW_ITEMS or (self.items > 0 and 2 * self.carried_on >= self.items)

    @property
    def empty(self) -> bool:
        return self.items == 0


def cadence_suggestion(recent: Sequence[AgendaStats]) -> CadenceSuggestion | None:
    """Suggest meeting more often when agendas keep overflowing, less often when they stay
    empty; nothing until `CADENCE_WINDOW` occurrences have passed. `recent` is newest first."""
    window = list(recent[:CADENCE_WINDOW])
    if len(window) < CADENCE_WINDOW:
        return None
    if sum(stats.overflowing for stats in window) >= CADENCE_AGREEING:
        return CadenceSuggestion.MORE_OFTEN
    if sum(stats.empty for stats in window) >= CADENCE_AGREEING:
        return CadenceSuggestion.LESS_OFTEN
    return None


def action_item_kept(*, done_on: date, due_date: date | None) -> bool:
    """A commitment is kept when it is done on or before its due date (the owner's day)."""
    return due_date is None or done_on <= due_date


def occurrence_key(start: datetime) -> str:
    """The occurrence's start as it appears in URLs and notice keys: UTC, seconds, "Z"."""
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")
