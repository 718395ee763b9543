"""Every read of tandem data starts here, scoped to the person who asks.

Another tandem's object is reported exactly like a missing one (NotFound), so nobody can
learn that it exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import NotFound
from apps.tandems import rules
from apps.tandems.models import (
    FormerMember,
    Goal,
    GoalCheckIn,
    GoalMeasure,
    GoalMilestone,
    GoalStatus,
    Invitation,
    Membership,
    Tandem,
)

M = TypeVar("M", bound=Model)


def tandems_for(user: User) -> QuerySet[Tandem]:
    """The tandems the person is a member of; the start of every tandem-scoped query."""
    if not user.is_authenticated:
        return Tandem.objects.none()
    return Tandem.objects.filter(memberships__user=user)


def tandems_with_members_for(user: User) -> QuerySet[Tandem]:
    return tandems_for(user).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user"))
    )


def membership_get_for_member(*, user: User, tandem_id: int | str) -> Membership:
    """The person's own seat in the tandem, or NotFound if they have none (or it is missing)."""
    try:
        tandem_pk = int(tandem_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    membership = (
        Membership.objects.select_related("tandem", "user")
        .filter(tandem_id=tandem_pk, user_id=user.pk)
        .first()
    )
    if membership is None:
        raise NotFound(gettext_noop("Not found."))
    return membership


def tandem_get_for_member(*, user: User, tandem_id: int | str) -> Tandem:
    return membership_get_for_member(user=user, tandem_id=tandem_id).tandem


def members_of(*, tandem: Tandem) -> QuerySet[Membership]:
    return Membership.objects.filter(tandem=tandem).select_related("user").order_by("role")


def partner_of(*, membership: Membership) -> Membership | None:
    """The other member of the tandem, if the seat is taken."""
    return (
        Membership.objects.select_related("user")
        .filter(tandem_id=membership.tandem_id)
        .exclude(pk=membership.pk)
        .first()
    )


def former_members_of(*, tandem: Tandem) -> QuerySet[FormerMember]:
    return FormerMember.objects.filter(tandem=tandem).select_related("user")


def former_names_of(*, tandem_id: int) -> dict[int, str]:
    """User id → role of the people who held a seat of the tandem before and hold none now:
    the names the tandem's pages show as a former member's."""
    current = Membership.objects.filter(tandem_id=tandem_id).values("user_id")
    rows = (
        FormerMember.objects.filter(tandem_id=tandem_id)
        .exclude(user_id__in=current)
        .order_by("left_at", "id")
        .values_list("user_id", "role")
    )
    return dict(rows)  # the latest stay wins


def goals_of(*, tandem: Tandem) -> QuerySet[Goal]:
    return Goal.objects.filter(tandem=tandem)


def linkable_goals(*, tandem: Tandem, keep: int | None = None) -> list[Goal]:
    """The goals a form offers to work towards: the planned and active ones, and `keep` (the
    goal already linked, whatever its status), in the vision's order; their ids and titles
    only. A tandem's achieved and dropped goals pile up over the years and are no new aim."""
    return list(
        goals_of(tandem=tandem)
        .filter(Q(status__in=(GoalStatus.PLANNED, GoalStatus.ACTIVE)) | Q(pk=keep))
        .only("id", "title")
    )


def goals_at_a_glance(*, tandem: Tandem) -> QuerySet[Goal]:
    """The goals not dropped, the planned and active ones first, then the achieved, each in
    the vision's order: what the tandem's page lists (a slice of it; a tandem's achieved
    goals pile up over the years, all of them are on the vision page)."""
    return (
        goals_of(tandem=tandem)
        .exclude(status=GoalStatus.DROPPED)
        .order_by(
            Case(When(status=GoalStatus.ACHIEVED, then=Value(1)), default=Value(0)),
            "position",
            "id",
        )
    )


def goals_with_progress(*, tandem: Tandem) -> QuerySet[Goal]:
    """The tandem's goals with `milestones_total` and `milestones_done` counted in the same
    query (what `Goal` progress needs, `goal_progress`): per goal read (a subquery each), so
    a page of goals counts its own milestones, not every goal's joined and grouped before the
    page is cut."""

    def counted(milestones: QuerySet[GoalMilestone]) -> Coalesce:
        per_goal = milestones.filter(goal_id=OuterRef("pk")).order_by().values("goal_id")
        return Coalesce(
            Subquery(per_goal.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        )

    return goals_of(tandem=tandem).annotate(
        milestones_total=counted(GoalMilestone.objects.all()),
        milestones_done=counted(GoalMilestone.objects.filter(done=True)),
    )


def goal_progress(goal: Goal) -> int | None:
    """How far `goal` has come, 0-100 (None without a measure); reads the counts annotated by
    `goals_with_progress`, or counts the milestones when they are not there."""
    total = getattr(goal, "milestones_total", None)
    done = getattr(goal, "milestones_done", None)
    if goal.measure == GoalMeasure.MILESTONES and (total is None or done is None):
        total = goal.milestones.count()
        done = goal.milestones.filter(done=True).count()
    return rules.progress_percent(
        measure=goal.measure,
        start=goal.start_value,
        current=goal.current_value,
        target=goal.target_value,
        done=done or 0,
        total=total or 0,
    )


def invitations_of(*, tandem: Tandem) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tandem=tandem).select_related("invited_by", "accepted_by")


def locked_in_tandem(model: type[M], *, membership: Membership, pk: int) -> M:
    """The row of `model` with this id in the member's tandem, locked for update; NotFound
    when it is missing or belongs to another tandem (indistinguishable on purpose)."""
    row = (
        model._default_manager.select_for_update()
        .filter(tandem_id=membership.tandem_id, pk=pk)
        .first()
    )
    if row is None:
        raise NotFound(gettext_noop("Not found."))
    return row


def tandems_alone_in(*, user: User) -> list[int]:
    """The ids of the person's tandems where no other active person holds a seat: deleting
    their account deletes these."""
    others_active = Membership.objects.filter(tandem=OuterRef("pk"), user__is_active=True).exclude(
        user_id=user.pk
    )
    return list(
        Tandem.objects.filter(memberships__user=user)
        .exclude(Exists(others_active))
        .values_list("pk", flat=True)
    )


def tandem_export_rows(*, membership: Membership) -> dict[str, Any]:
    """The member's tandem, its people, invitations and goals (with their milestones and
    check-ins), for the whole-tandem export."""
    tandem = membership.tandem
    return {
        "tandem": tandem,
        "members": members_of(tandem=tandem),
        "former_members": former_members_of(tandem=tandem),
        "invitations": Invitation.objects.filter(tandem_id=tandem.pk).order_by("pk"),
        "goals": goals_of(tandem=tandem).order_by("pk"),
        "goal_milestones": GoalMilestone.objects.filter(goal__tandem_id=tandem.pk).order_by("pk"),
        "goal_checkins": GoalCheckIn.objects.filter(goal__tandem_id=tandem.pk).order_by("pk"),
    }
