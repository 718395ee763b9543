"""The matrix page: the areas in force with their recent decisions and growth suggestions,
a new area, importing or copying a matrix, and the matrix history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import DomainError
from apps.core.web import attempt, paginate
from apps.delegation import presenters, selectors, services
from apps.delegation.forms import (
    LEVEL_MEANING,
    AreaForm,
    MatrixCopyForm,
    MatrixFileForm,
    template_error_text,
)
from apps.delegation.models import Level
from apps.delegation.template import SkipReason
from apps.delegation.views.common import goals, history_rows, require_leader
from apps.tandems import access
from apps.tandems.models import Membership
from apps.tandems.web import member_page

CHANGES_PER_PAGE = 25
# The areas in force, by name, a page at a time (the chart beside them shows the same page's).
AREAS_PER_PAGE = 50
RECENT_PER_AREA = 3
MATRIX_HISTORY_ROWS = 5


def _page_of_area(membership: Membership, area_id: str) -> int:
    """The page of the areas in force (by name) that holds the area `area_id`: a link to one
    area's row (`?area=<id>#area-<id>`, a notice's or a goal's) lands on it; an unknown or
    archived area, on the first page."""
    pk = int(area_id) if area_id.isascii() and area_id.isdigit() else 0
    areas = selectors.areas_of(membership=membership).filter(archived_at__isnull=True)
    area = areas.filter(pk=pk).values("name").first() if 0 < pk < 2**63 else None
    if area is None:
        return 1
    name = area["name"]
    before = areas.filter(Q(name__lt=name) | Q(name=name, pk__lt=pk)).count()
    return before // AREAS_PER_PAGE + 1


def render_matrix(
    request: HttpRequest,
    membership: Membership,
    *,
    form: AreaForm | None = None,
    file_form: MatrixFileForm | None = None,
    copy_form: MatrixCopyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    query = request.GET.copy()
    area_id = query.get("area")
    if "page" not in query and isinstance(area_id, str):
        query["page"] = str(_page_of_area(membership, area_id))
    page = paginate(
        request,
        selectors.areas_at_a_glance(membership=membership, archived=False).order_by("name", "id"),
        AREAS_PER_PAGE,
        query=query,
    )
    query.pop("page", None)
    query.pop("area", None)
    found = selectors.with_growth_suggestions(page.object_list)
    archived = selectors.areas_of(membership=membership).filter(archived_at__isnull=False)
    recent = selectors.recent_decisions_by_area(membership=membership, per_area=RECENT_PER_AREA)
    areas = [presenters.AreaRow.of(area, recent.get(area.pk, [])) for area in found]
    chart = [(area.name, area.recent_decisions) for area in areas]
    changes = selectors.matrix_changes_of(membership=membership).order_by("-changed_at", "-id")
    is_leader = access.is_leader(membership)
    if is_leader and form is None:
        form = AreaForm(goals=goals(membership), initial={"level": 4})
    if is_leader:
        file_form = file_form or MatrixFileForm()
        copy_form = copy_form or MatrixCopyForm(
            sources=selectors.template_sources(membership=membership)
        )
    return render(
        request,
        "delegation/matrix.html",
        {
            "areas": areas,
            "page_obj": page,
            "page_query": query.urlencode(),
            "archived_areas": archived.order_by("name", "id"),
            "history": history_rows(changes[:MATRIX_HISTORY_ROWS], membership),
            "form": form,
            "file_form": file_form,
            "copy_form": copy_form,
            "can_edit": is_leader,
            "level_scale": [(value, label, LEVEL_MEANING[value]) for value, label in Level.choices],
            "chart": chart if any(n for _name, n in chart) else None,
            "chart_title": _("Decisions per area in the last 30 days"),
        },
        status=status,
    )


@member_page
@require_GET
def matrix(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render_matrix(request, membership)


@member_page
@require_POST
def area_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_leader(membership)
    form = AreaForm(request.POST, goals=goals(membership))
    if attempt(
        request,
        lambda: services.area_create(membership=membership, **form.service_kwargs()),
        lambda area: _("Added the area “%(name)s”.") % {"name": area.name},
        form=form,
    ):
        return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))
    return render_matrix(request, membership, form=form, status=400)


def _announce_import(request: HttpRequest, result: services.MatrixImport) -> None:
    """What an import created and skipped, by name, as messages on the matrix page."""
    if result.created:
        names = ", ".join(area.name for _index, area in result.created)
        count = len(result.created)
        messages.success(
            request,
            ngettext(
                "Added %(count)d area to the matrix: %(names)s.",
                "Added %(count)d areas to the matrix: %(names)s.",
                count,
            )
            % {"count": count, "names": names},
        )
    else:
        messages.info(request, _("No area was added."))
    if result.skipped:
        why = {
            SkipReason.EXISTS: "",
            SkipReason.ARCHIVED: " " + _("(archived: restore it instead)"),
            SkipReason.REPEATED: " " + _("(twice in the matrix)"),
        }
        names = ", ".join(f"{skip.name}{why[skip.reason]}" for skip in result.skipped)
        count = len(result.skipped)
        messages.warning(
            request,
            ngettext(
                "Skipped %(count)d area whose name the matrix already has: %(names)s.",
                "Skipped %(count)d areas whose names the matrix already has: %(names)s.",
                count,
            )
            % {"count": count, "names": names},
        )


def _import_into_matrix(
    request: HttpRequest,
    membership: Membership,
    form: MatrixFileForm | MatrixCopyForm,
    field: str,
    run: Callable[[Any], services.MatrixImport],
) -> HttpResponse:
    """Run an import with the form's cleaned `field` and go back to the matrix with what it
    did; a bad form or a service error is shown on the form, in words."""

    def in_words(exc: DomainError) -> DomainError:
        return DomainError(template_error_text(exc.field or "", exc.message), field=field)

    done = attempt(request, lambda: run(form.cleaned_data[field]), form=form, wording=in_words)
    if done:
        _announce_import(request, done.value)
        return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))
    if isinstance(form, MatrixFileForm):
        return render_matrix(request, membership, file_form=form, status=400)
    return render_matrix(request, membership, copy_form=form, status=400)


@member_page
@require_POST
def matrix_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The leader adds the areas of a matrix file (a JSON download of a matrix); areas whose
    names the matrix has are skipped, a bad one fails the whole file."""
    require_leader(membership)
    return _import_into_matrix(
        request,
        membership,
        MatrixFileForm(request.POST, request.FILES),
        "file",
        lambda areas: services.matrix_import(membership=membership, areas=areas),
    )


@member_page
@require_POST
def matrix_copy(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The leader copies the matrix of one of their other tandems into this one."""
    require_leader(membership)
    sources = selectors.template_sources(membership=membership)
    return _import_into_matrix(
        request,
        membership,
        MatrixCopyForm(request.POST, sources=sources),
        "from_tandem",
        lambda source: services.matrix_copy(membership=membership, from_tandem_id=source),
    )


@member_page
@require_POST
def goal_delete(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    """The leader deletes a goal of the vision page; areas that linked to it lose the link,
    recorded in the matrix history."""
    require_leader(membership)
    services.goal_delete(membership=membership, goal_id=goal_id)
    messages.success(request, _("The goal is removed."))
    return redirect("tandems:vision", membership.tandem_id)


@member_page
@require_GET
def history(request: HttpRequest, membership: Membership) -> HttpResponse:
    changes = selectors.matrix_changes_of(membership=membership).order_by("-changed_at", "-id")
    page_obj = paginate(request, changes, CHANGES_PER_PAGE)
    return render(
        request,
        "delegation/history.html",
        {"page_obj": page_obj, "history": history_rows(page_obj.object_list, membership)},
    )
