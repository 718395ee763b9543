"""One area of the matrix: its page, changing its terms, raising it for a while or for good
(the growth suggestion), archiving and restoring it. Only the leader changes the matrix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.web import attempt
from apps.delegation import selectors, services
from apps.delegation.forms import AreaForm, ElevationForm
from apps.delegation.models import DecisionArea, Level
from apps.delegation.views.common import goals, history_rows, require_leader
from apps.tandems.models import Membership
from apps.tandems.web import member_page


def _new_elevation_form(area: DecisionArea) -> ElevationForm:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return ElevationForm(
        initial={
            "level": min(area.level + 1, 7),
            "starts_at": now,
            "ends_at": now + timedelta(days=7),
        }
    )


def _render_area(
    request: HttpRequest,
    membership: Membership,
    area: DecisionArea,
    *,
    form: AreaForm | None = None,
    elevation_form: ElevationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    changes = selectors.matrix_changes_of(membership=membership).filter(area=area)
    active = getattr(area, "active_elevations", [])
    return render(
        request,
        "delegation/area_form.html",
        {
            "area": area,
            "form": form or AreaForm.for_area(area, goals=goals(membership, keep=area.goal_id)),
            "elevation_form": elevation_form or _new_elevation_form(area),
            "elevation": active[0] if active else None,
            "history": history_rows(changes.order_by("-changed_at", "-id"), membership),
        },
        status=status,
    )


def _to_matrix(membership: Membership) -> HttpResponse:
    return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))


def _change_area(
    request: HttpRequest,
    membership: Membership,
    area: DecisionArea,
    change: Callable[[], object],
    success: str,
    *,
    form: AreaForm | None = None,
    elevation_form: ElevationForm | None = None,
) -> HttpResponse:
    """Run the leader's change of the area from one of its page's forms: back to the matrix,
    or the area's page again with that form's errors (409 for an area archived meanwhile)."""
    done = attempt(request, change, success, form=form or elevation_form)
    if done:
        return _to_matrix(membership)
    return _render_area(
        request, membership, area, form=form, elevation_form=elevation_form, status=done.status
    )


@member_page
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    require_leader(membership)
    area = selectors.area_get(membership=membership, area_id=area_id)
    if request.method == "GET":
        return _render_area(request, membership, area)
    form = AreaForm(request.POST, goals=goals(membership, keep=area.goal_id))
    return _change_area(
        request,
        membership,
        area,
        lambda: services.area_update(
            membership=membership, area_id=area.pk, **form.service_kwargs()
        ),
        _("Saved the area “%(name)s”.") % {"name": area.name},
        form=form,
    )


@member_page
@require_POST
def area_elevate(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    require_leader(membership)
    area = selectors.area_get(membership=membership, area_id=area_id)
    form = ElevationForm(request.POST)
    return _change_area(
        request,
        membership,
        area,
        lambda: services.elevation_create(
            membership=membership, area_id=area.pk, **form.cleaned_data
        ),
        _("Raised “%(name)s” for a while.") % {"name": area.name},
        elevation_form=form,
    )


@member_page
@require_POST
def area_raise(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """Accept the platform's growth suggestion: raise the level by one, with the reason."""
    require_leader(membership)
    area = selectors.area_get(membership=membership, area_id=area_id)
    suggestion = area.growth_suggestion  # type: ignore[attr-defined]
    if suggestion is None or request.POST.get("level") != str(suggestion.suggested_level):
        # A second tab, or the matrix changed meanwhile: nothing to accept any more.
        messages.error(request, _("There is no such suggestion for this area any more."))
        return _to_matrix(membership)
    services.area_update(
        membership=membership,
        area_id=area.pk,
        level=suggestion.suggested_level,
        reason=_("Growth: the last %(count)s requests at this level were all approved.")
        % {"count": suggestion.approved_in_a_row},
    )
    messages.success(
        request,
        _("Raised “%(name)s” to %(level)s.")
        % {"name": area.name, "level": Level(suggestion.suggested_level).label},
    )
    return _to_matrix(membership)


def _matrix_change(
    request: HttpRequest, membership: Membership, change: Callable[[], object], success: str
) -> HttpResponse:
    """Run one leader's change of an area and go back to the matrix with what happened."""
    require_leader(membership)
    attempt(request, change, success)
    return _to_matrix(membership)


@member_page
@require_POST
def area_dismiss_growth(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """ "Not now" to the growth suggestion: it comes back only after a new run of approvals."""
    return _matrix_change(
        request,
        membership,
        partial(services.area_growth_dismiss, membership=membership, area_id=area_id),
        _("Noted: the level stays. Tandem suggests again after a new run of approvals."),
    )


@member_page
@require_POST
def area_archive(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """Take the area out of the matrix in force; its decisions and history stay."""
    area = selectors.area_get(membership=membership, area_id=area_id)
    return _matrix_change(
        request,
        membership,
        partial(
            services.area_archive,
            membership=membership,
            area_id=area.pk,
            reason=request.POST.get("reason", "")[:2000],
        ),
        _("Archived “%(name)s”. Its decisions and history stay.") % {"name": area.name},
    )


@member_page
@require_POST
def area_restore(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """Put an archived area back into the matrix in force, with the terms it had."""
    area = selectors.area_get(membership=membership, area_id=area_id)
    return _matrix_change(
        request,
        membership,
        partial(services.area_restore, membership=membership, area_id=area.pk),
        _("“%(name)s” is back in the matrix.") % {"name": area.name},
    )
