"""What the decision-rights pages share: the leader's rule, the tandem's goals and areas,
and the matrix history in words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from apps.delegation import presenters, selectors
from apps.delegation.models import DecisionArea
from apps.tandems import access
from apps.tandems.models import Goal, Membership
from apps.tandems.selectors import goals_of


def require_leader(membership: Membership) -> None:
    if not access.is_leader(membership):
        raise PermissionDenied


def goals(membership: Membership) -> list[Goal]:
    return list(goals_of(tandem=membership.tandem))


def areas(membership: Membership, *, in_force: bool = False) -> list[DecisionArea]:
    """The tandem's areas as a form's choices (their ids and names only: the rest of an area
    is long texts and terms no choice shows); `in_force`: without the archived ones (a new
    decision's choices)."""
    found = selectors.areas_of(membership=membership)
    if in_force:
        found = found.filter(archived_at__isnull=True)
    return list(found.select_related(None).order_by("name", "id").only("id", "name"))


def history_rows(
    changes: Any, membership: Membership, tandem_goals: list[Goal] | None = None
) -> list[tuple[presenters.HistoryChange, list[presenters.ChangeLine]]]:
    """Each change with its changed terms in words; goals are named by their titles."""
    found = goals(membership) if tandem_goals is None else tandem_goals
    return presenters.history_rows(changes, {goal.pk: goal.title for goal in found})
