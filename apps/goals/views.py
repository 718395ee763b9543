"""The goal page: its progress, check-ins and milestones, and what the pair did for it in a
range (default this quarter): areas, decisions, action items, agenda items. Reads through
`apps.goals.selectors`, writes through the same services as the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.checkins.rules import occurrence_key
from apps.core.errors import DomainError
from apps.core.web import attempt
from apps.goals import selectors, services
from apps.goals.forms import CheckInForm, MilestoneForm, RangeForm
from apps.goals.presenters import checkin_rows
from apps.tandems import services as tandem_services
from apps.tandems.models import GoalMeasure, Membership
from apps.tandems.selectors import former_names_of
from apps.tandems.web import member_page


def _render(
    request: HttpRequest,
    membership: Membership,
    goal_id: int,
    *,
    checkin_form: CheckInForm | None = None,
    milestone_form: MilestoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    first, last = selectors.default_range(membership=membership)
    range_form = RangeForm(
        request.GET if request.method == "GET" and request.GET else None, first=first, last=last
    )
    chosen = range_form.range()
    try:
        report = selectors.goal_report(
            membership=membership, goal_id=goal_id, first=chosen[0], last=chosen[1]
        )
    except DomainError as refusal:
        if refusal.field is None:
            raise
        range_form.add_error("to", refusal.message)
        report = selectors.goal_report(
            membership=membership, goal_id=goal_id, first=first, last=last
        )
    measured = report.goal.measure == GoalMeasure.NUMBER
    tandem_id = membership.tandem_id
    former = SimpleLazyObject(lambda: former_names_of(tandem_id=tandem_id))  # read if shown
    agenda = [
        (
            item,
            reverse(
                "checkins:occurrence",
                args=[
                    membership.tandem_id,
                    item.occurrence.series_id,
                    occurrence_key(item.occurrence.original_start),
                ],
            ),
        )
        for item in report.agenda_items
    ]
    return render(
        request,
        "goals/goal.html",
        {
            "report": report,
            "goal": report.goal,
            "is_default_range": (report.first, report.last) == (first, last),
            "range_form": range_form,
            "checkin_form": checkin_form or CheckInForm(measured=measured),
            "milestone_form": milestone_form or MilestoneForm(),
            "measured": measured,
            "agenda": agenda,
            "checkins": checkin_rows(report.checkins, unit=report.goal.unit, former=former),
            # The same former members for `{% person %}` elsewhere on the page: one query.
            "former_names": former,
        },
        status=status,
    )


def _back(membership: Membership, goal_id: int, anchor: str) -> str:
    return services.goal_url(membership.tandem_id, goal_id) + anchor


@member_page
@require_GET
def goal(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    return _render(request, membership, goal_id)


@member_page
@require_POST
def checkin_add(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    found = selectors.goal_get(membership=membership, goal_id=goal_id)
    form = CheckInForm(request.POST, measured=found.measure == GoalMeasure.NUMBER)
    if attempt(
        request,
        lambda: services.goal_checkin_add(
            membership=membership, goal_id=goal_id, **form.cleaned_data
        ),
        _("Your check-in is saved; your partner is told."),
        form=form,
    ):
        return redirect(_back(membership, goal_id, "#checkins"))
    return _render(request, membership, goal_id, checkin_form=form, status=400)


@member_page
@require_POST
def milestone_add(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    selectors.goal_get(membership=membership, goal_id=goal_id)
    form = MilestoneForm(request.POST)
    if attempt(
        request,
        lambda: tandem_services.goal_milestone_add(
            membership=membership, goal_id=goal_id, **form.cleaned_data
        ),
        _("The milestone is added."),
        form=form,
    ):
        return redirect(_back(membership, goal_id, "#milestones"))
    return _render(request, membership, goal_id, milestone_form=form, status=400)


@member_page
@require_POST
def milestone_done(
    request: HttpRequest, membership: Membership, goal_id: int, milestone_id: int
) -> HttpResponse:
    """Tick a milestone off (`done=1`) or open it again (`done=0`)."""
    found = selectors.goal_get(membership=membership, goal_id=goal_id)
    selectors.milestone_get(membership=membership, goal=found, milestone_id=milestone_id)
    done = request.POST.get("done") == "1"
    attempt(
        request,
        lambda: tandem_services.goal_milestone_update(
            membership=membership, milestone_id=milestone_id, done=done
        ),
        _("The milestone is done.") if done else _("The milestone is open again."),
    )
    return redirect(_back(membership, goal_id, f"#milestone-{milestone_id}"))


@member_page
@require_POST
def milestone_delete(
    request: HttpRequest, membership: Membership, goal_id: int, milestone_id: int
) -> HttpResponse:
    found = selectors.goal_get(membership=membership, goal_id=goal_id)
    selectors.milestone_get(membership=membership, goal=found, milestone_id=milestone_id)
    attempt(
        request,
        lambda: tandem_services.goal_milestone_delete(
            membership=membership, milestone_id=milestone_id
        ),
        _("The milestone is removed."),
    )
    return redirect(reverse("goals:goal", args=[membership.tandem_id, goal_id]) + "#milestones")
