"""Pure rules about goals: how far a goal has come (no database)."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["progress_percent"]


def progress_percent(
    *,
    measure: str,
    start: Decimal | None = None,
    current: Decimal | None = None,
    target: Decimal | None = None,
    done: int = 0,
    total: int = 0,
) -> int | None:
    """How far a goal has come, 0 to 100, or None when it has no measure to tell.

    - "number": the share of the way from `start` to `target` that `current` has gone, in
      either direction (a target below the start counts down); a current value beyond the
      target is 100, one behind the start 0. Rounded down, so 100 means reached.
    - "milestones": the share of `total` milestones that are `done` (None without any).
    """
    if measure == "number":
        if start is None or current is None or target is None or target == start:
            return None
        share = (Decimal(current) - Decimal(start)) / (Decimal(target) - Decimal(start))
        return int(max(Decimal(0), min(Decimal(1), share)) * 100)
    if measure == "milestones":
        if total <= 0:
            return None
        return min(100, max(0, done * 100 // total))
    return None
