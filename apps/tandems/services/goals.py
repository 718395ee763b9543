"""Goals under the tandem's vision: the leader creates, edits and deletes them (the
deletion that the matrix records goes through `apps.delegation.services.goal_delete`)."""

from __future__ import annotations

from typing import Final

from django.db import transaction
from django.utils.translation import gettext_noop

from apps.audit.services import audit_record
from apps.core.errors import DomainError, NotFound
from apps.tandems import access
from apps.tandems.models import Goal, GoalStatus, Membership
from apps.tandems.services.common import _choose_one_of

GOAL_POSITION_MAX = 1_000_000
_CHANGE_GOALS: Final = gettext_noop("change the goals")


def goal_check_status(status: str) -> None:
    if status not in GoalStatus.values:
        raise DomainError(_choose_one_of(GoalStatus.values), field="status")


@transaction.atomic
def goal_create(
    *,
    membership: Membership,
    title: str,
    description: str = "",
    assistant_role: str = "",
    status: str = GoalStatus.ACTIVE,
    position: int | None = None,
) -> Goal:
    """The leader adds a goal under the tandem's vision (areas of the matrix link to goals,
    so goals are the leader's, like the matrix itself)."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    goal_check_status(status)
    tandem = membership.tandem
    if position is None:
        last = Goal.objects.filter(tandem=tandem).order_by("-position").first()
        # After the last one, within the bound the API accepts (so a goal's position always
        # reads back as a valid one).
        position = min(last.position + 1, GOAL_POSITION_MAX) if last else 0
    return Goal.objects.create(
        tandem=tandem,
        title=title,
        description=description,
        assistant_role=assistant_role,
        status=status,
        position=position,
    )


GOAL_FIELDS = ("title", "description", "assistant_role", "status", "position")


@transaction.atomic
def goal_update(*, membership: Membership, goal_id: int, **changes: object) -> Goal:
    """The leader edits a goal of the tandem (the assistant reads them; the vision text
    itself stays shared)."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise DomainError(gettext_noop("Unknown field."), field=sorted(unknown)[0])
    if "status" in changes:
        goal_check_status(str(changes["status"]))
    if "title" in changes and not str(changes["title"]).strip():
        raise DomainError(gettext_noop("A goal needs a title."), field="title")
    goal = goal_locked(membership=membership, goal_id=goal_id)
    for name, value in changes.items():
        setattr(goal, name, value)
    if changes:
        goal.save(update_fields=[*changes, "updated_at"])
    return goal


def goal_locked(*, membership: Membership, goal_id: int) -> Goal:
    """The tandem's goal, locked for the rest of the transaction (404 for any other)."""
    goal = Goal.objects.select_for_update().filter(tandem=membership.tandem, pk=goal_id).first()
    if goal is None:
        raise NotFound(gettext_noop("Not found."))
    return goal


@transaction.atomic
def goal_delete(*, membership: Membership, goal_id: int) -> None:
    """The leader deletes a goal; audited.

    Decision areas that link to the goal lose the link (the database sets it to NULL), which
    changes what the matrix shows: so the API and the pages delete a goal through
    `apps.delegation.services.goal_delete`, which records that in the matrix history first
    and then calls this. A foundation app cannot know about the matrix (layers), hence the
    split.
    """
    access.require_leader(membership, action=_CHANGE_GOALS)
    goal = goal_locked(membership=membership, goal_id=goal_id)
    audit_record(
        action="goal_deleted",
        actor=membership.user,
        tandem=membership.tandem,
        target=goal,
        data={"title": goal.title},
    )
    goal.delete()
