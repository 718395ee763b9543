"""Goals under the tandem's vision: the leader creates, edits and deletes them (the
deletion that the matrix records goes through `apps.delegation.services.goal_delete`), and
chooses how progress is measured (a number towards a target, or milestones). Either member
ticks a milestone off; check-ins on a goal, which tell the partner, are written by
`apps.goals.services.goal_checkin_add` (a foundation app sends no notices)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.audit.services import audit_record
from apps.core.errors import Conflict, DomainError, NotFound
from apps.tandems import access
from apps.tandems.models import Goal, GoalMeasure, GoalMilestone, GoalStatus, Membership
from apps.tandems.services.common import _choose_one_of

GOAL_POSITION_MAX = 1_000_000
# The largest number a goal's values hold (the columns have 14 digits, 2 after the point).
GOAL_VALUE_MAX: Final = Decimal("999999999999.99")
MILESTONES_MAX: Final = 50
_CHANGE_GOALS: Final = gettext_noop("change the goals")
_MEASURE_FIELDS: Final = ("measure", "start_value", "current_value", "target_value", "unit")


def goal_check_measure(goal: Goal) -> None:
    """The measure's rule on the goal as it would be saved (the database has the same one):
    a number needs its start, current and target values, and a target that differs from the
    start. A value with more digits than the columns hold is refused here, naming it."""
    if goal.measure not in GoalMeasure.values:
        raise DomainError(_choose_one_of(GoalMeasure.values), field="measure")
    for name in ("start_value", "current_value", "target_value"):
        value = getattr(goal, name)
        if value is not None and abs(Decimal(value)) > GOAL_VALUE_MAX:
            raise DomainError(gettext_noop("This number is too large."), field=name)
    if goal.measure != GoalMeasure.NUMBER:
        return
    for name in ("start_value", "target_value"):
        if getattr(goal, name) is None:
            raise DomainError(
                gettext_noop("A goal measured by a number needs a start and a target."),
                field=name,
            )
    if goal.current_value is None:
        goal.current_value = goal.start_value
    if Decimal(goal.target_value) == Decimal(goal.start_value):  # type: ignore[arg-type]
        raise DomainError(
            gettext_noop("The target must differ from the start."), field="target_value"
        )


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
    measure: str = GoalMeasure.NONE,
    start_value: Decimal | None = None,
    current_value: Decimal | None = None,
    target_value: Decimal | None = None,
    unit: str = "",
) -> Goal:
    """The leader adds a goal under the tandem's vision (areas of the matrix link to goals,
    so goals are the leader's, like the matrix itself), with how its progress is measured;
    a number's current value starts at its start value unless given."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    goal_check_status(status)
    goal = Goal(
        tandem=membership.tandem,
        title=title,
        description=description,
        assistant_role=assistant_role,
        status=status,
        measure=measure,
        start_value=start_value,
        current_value=current_value,
        target_value=target_value,
        unit=unit,
    )
    goal_check_measure(goal)
    tandem = membership.tandem
    if position is None:
        last = Goal.objects.filter(tandem=tandem).order_by("-position").first()
        # After the last one, within the bound the API accepts (so a goal's position always
        # reads back as a valid one).
        position = min(last.position + 1, GOAL_POSITION_MAX) if last else 0
    goal.position = position
    goal.save()
    return goal


GOAL_FIELDS = ("title", "description", "assistant_role", "status", "position", *_MEASURE_FIELDS)


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
    fields = list(changes)
    if set(changes) & set(_MEASURE_FIELDS):
        goal_check_measure(goal)
        fields = sorted({*fields, "current_value"})
    if fields:
        goal.save(update_fields=[*fields, "updated_at"])
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


# --- milestones ------------------------------------------------------------------------------


def _milestone_locked(membership: Membership, milestone_id: int) -> GoalMilestone:
    milestone = (
        GoalMilestone.objects.select_for_update()
        .filter(goal__tandem_id=membership.tandem_id, pk=milestone_id)
        .first()
    )
    if milestone is None:
        raise NotFound(gettext_noop("Not found."))
    return milestone


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise DomainError(gettext_noop("A milestone needs a title."), field="title")
    return title


@transaction.atomic
def goal_milestone_add(*, membership: Membership, goal_id: int, title: str) -> GoalMilestone:
    """The leader adds a milestone at the end of the goal's checklist (at most
    `MILESTONES_MAX` per goal)."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    title = _check_title(title)
    goal = goal_locked(membership=membership, goal_id=goal_id)  # serialises two adds
    stats = GoalMilestone.objects.filter(goal=goal).aggregate(top=Max("position"))
    if GoalMilestone.objects.filter(goal=goal).count() >= MILESTONES_MAX:
        raise DomainError(
            gettext_noop("A goal has at most 50 milestones."),
            field="title",
        )
    top = stats["top"]
    return GoalMilestone.objects.create(
        goal=goal, title=title, position=0 if top is None else top + 1
    )


@transaction.atomic
def goal_milestone_update(
    *,
    membership: Membership,
    milestone_id: int,
    title: str | None = None,
    done: bool | None = None,
) -> GoalMilestone:
    """The leader renames a milestone; either member ticks it off (`done`) or opens it again.
    Ticking off what is already done changes nothing (the first one keeps its time and name)."""
    milestone = _milestone_locked(membership, milestone_id)
    fields: list[str] = []
    if title is not None:
        access.require_leader(membership, action=_CHANGE_GOALS)
        milestone.title = _check_title(title)
        fields.append("title")
    if done is not None and done != milestone.done:
        milestone.done = done
        milestone.done_at = timezone.now() if done else None
        milestone.done_by_id = membership.user_id if done else None
        fields += ["done", "done_at", "done_by"]
    if fields:
        milestone.save(update_fields=[*fields, "updated_at"])
    return milestone


@transaction.atomic
def goal_milestone_delete(*, membership: Membership, milestone_id: int) -> None:
    """The leader removes a milestone that is not done (a done one stays on the record)."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    milestone = _milestone_locked(membership, milestone_id)
    if milestone.done:
        raise Conflict(gettext_noop("A milestone that is done stays; open it again first."))
    milestone.delete()
