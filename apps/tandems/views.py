"""A tandem's own pages: withdrawing an invitation, the vision and the goals. (The home page,
the overview, joining, leaving and the export compose several apps: apps.home.views.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.web import attempt, paginate, query_without
from apps.tandems import access, selectors, services
from apps.tandems.forms import GoalForm, VisionForm
from apps.tandems.models import Goal, GoalStatus, Membership
from apps.tandems.web import member_page


def _not_any_more(_exc: DomainError) -> DomainError:
    return DomainError(_("This invitation cannot be withdrawn any more."))


@member_page
@require_POST
def invitation_revoke(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    attempt(
        request,
        lambda: services.invitation_revoke(membership=membership, invitation_id=invitation_id),
        lambda invitation: (
            _("The invitation to %(email)s is withdrawn; its link no longer works.")
            % {"email": invitation.email}
        ),
        wording=_not_any_more,
    )
    return redirect("tandems:overview", membership.tandem_id)


# --- vision & goals -------------------------------------------------------------------------

GOALS_PER_PAGE = 50


def _render_vision(
    request: HttpRequest,
    membership: Membership,
    *,
    vision_form: VisionForm | None = None,
    new_goal_form: GoalForm | None = None,
) -> HttpResponse:
    """The vision and the goals, a page at a time; each goal links to its own form
    (`goal_edit`), so a tandem with many goals does not get a page of forms."""
    page = paginate(
        request, selectors.goals_with_progress(tandem=membership.tandem), GOALS_PER_PAGE
    )
    goals = list(page.object_list)
    for goal in goals:
        goal.progress = selectors.goal_progress(goal)  # type: ignore[attr-defined]
    context = {
        "vision_form": vision_form or VisionForm(initial={"vision": membership.tandem.vision}),
        "goals": goals,
        "page_obj": page,
        "page_query": query_without(request),
        "new_goal_form": new_goal_form
        or GoalForm(prefix="new", initial={"status": GoalStatus.ACTIVE}),
    }
    return render(request, "tandems/vision.html", context)


def _goal_form(goal: Goal) -> GoalForm:
    return GoalForm(
        prefix=f"goal-{goal.pk}",
        initial={
            "title": goal.title,
            "description": goal.description,
            "assistant_role": goal.assistant_role,
            "status": goal.status,
            "measure": goal.measure,
            "start_value": goal.start_value,
            "target_value": goal.target_value,
            "unit": goal.unit,
        },
    )


def _require_leader(membership: Membership) -> None:
    """Goals are the leader's (areas of the matrix link to them): the assistant's form post
    is a 403, like the API's."""
    if not access.is_leader(membership):
        raise PermissionDenied


@member_page
def vision(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Both members edit the shared vision; the leader edits the goals below it (areas of the
    matrix link to them)."""
    if request.method == "POST":
        form = VisionForm(request.POST)
        if form.is_valid():
            services.tandem_update(membership=membership, vision=form.cleaned_data["vision"])
            messages.success(request, _("The vision is saved."))
            return redirect("tandems:vision", membership.tandem_id)
        return _render_vision(request, membership, vision_form=form)
    return _render_vision(request, membership)


@member_page
@require_POST
def goal_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    _require_leader(membership)
    form = GoalForm(request.POST, prefix="new")
    if attempt(
        request,
        lambda: services.goal_create(membership=membership, **form.goal_values()),
        _("The goal is added."),
        form=form,
    ):
        return redirect("tandems:vision", membership.tandem_id)
    return _render_vision(request, membership, new_goal_form=form)


@member_page
def goal_edit(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    """GET the goal's form (the leader's); POST saves it and goes back to the vision."""
    _require_leader(membership)
    goal = selectors.goals_of(tandem=membership.tandem).filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    if request.method != "POST":
        form = _goal_form(goal)
        return render(request, "tandems/goal_edit.html", {"goal": goal, "form": form})
    form = GoalForm(request.POST, prefix=f"goal-{goal_id}")
    if attempt(
        request,
        lambda: services.goal_update(membership=membership, goal_id=goal_id, **form.goal_values()),
        _("The goal is saved."),
        form=form,
    ):
        return redirect("tandems:vision", membership.tandem_id)
    return render(request, "tandems/goal_edit.html", {"goal": goal, "form": form})
