"""What the decision-rights pages share: the leader's rule, the tandem's goals and areas,
and the matrix history in words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from apps.delegation import presenters, selectors
from apps.delegation.models import DecisionArea
from apps.tandems import access
from apps.tandems.models import Goal, Membership
from apps.tandems.selectors import goals_of, linkable_goals


def require_leader(membership: Membership) -> None:
    if not access.is_leader(membership):
        raise PermissionDenied


def goals(membership: Membership, *, keep: int | None = None) -> list[Goal]:
    """The goals an area's form offers: the open ones and `keep`, the area's own
    (`tandems.selectors.linkable_goals`)."""
    return linkable_goals(tandem=membership.tandem, keep=keep)


def areas(membership: Membership, *, in_force: bool = False) -> list[DecisionArea]:
    """The tandem's areas as a form's choices (their ids and names only: the rest of an area
    is long texts and terms no choice shows); `in_force`: without the archived ones (a new
    decision's choices)."""
    found = selectors.areas_of(membership=membership)
    if in_force:
        found = found.filter(archived_at__isnull=True)
    return list(found.select_related(None).order_by("name", "id").only("id", "name"))


def history_rows(
    changes: Any, membership: Membership
) -> list[tuple[presenters.HistoryChange, list[presenters.ChangeLine]]]:
    """Each change with its changed terms in words; goals are named by their titles (only
    the goals the changes name are read)."""
    changes = list(changes)
    named = {
        terms.get("goal")
        for change in changes
        for terms in (change.old, change.new)
        if isinstance(terms, dict)
    }
    ids = [pk for pk in named if isinstance(pk, int)]
    found = goals_of(tandem=membership.tandem).filter(pk__in=ids).only("id", "title") if ids else []
    titles = {goal.pk: goal.title for goal in found}
    return presenters.history_rows(changes, titles)
