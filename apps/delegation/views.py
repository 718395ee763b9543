"""Web pages of decision rights, under /t/<tandem_id>/: the matrix and its history, the
decision log with its classification preview, a decision's page, and the leader's review
queue.

As thin as the API: reads go through `selectors` (scoped to the member's tandem), writes
through the same `services` the API calls, and a service's error is shown next to the field
it names. Role rules match the API: only the leader changes the matrix, answers and
acknowledges (403 otherwise); anything of another tandem is a 404. Times are read and shown in
the viewer's own timezone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial, wraps
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import Conflict, DomainError, NotFound
from apps.core.errors import PermissionDenied as DomainPermissionDenied
from apps.delegation import selectors, services
from apps.delegation.classification import Classification
from apps.delegation.forms import (
    LEVEL_MEANING,
    AnswerForm,
    AreaForm,
    DecisionEditForm,
    DecisionForm,
    DecisionLogFilter,
    ElevationForm,
    MatrixCopyForm,
    MatrixFileForm,
    OutcomeForm,
    template_error_text,
)
from apps.delegation.models import (
    ACKNOWLEDGEABLE,
    Answer,
    ClassificationChoice,
    Decision,
    DecisionArea,
    DecisionStatus,
    Level,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.template import SkipReason
from apps.tandems import access
from apps.tandems.models import Goal, Membership
from apps.tandems.selectors import goals_of
from apps.tandems.web import form_error_from, member_page

DECISIONS_PER_PAGE = 20
CHANGES_PER_PAGE = 25
RECENT_PER_AREA = 3
MATRIX_HISTORY_ROWS = 5

# What a classification means for the one who logs the decision, in words.
CLASSIFICATION_MEANING = {
    Classification.WITHIN_AUTHORITY: gettext_lazy(
        "Within authority: the assistant decides alone; nothing else happens."
    ),
    Classification.INFORM: gettext_lazy(
        "Inform: the assistant decides; the leader is told and acknowledges it."
    ),
    Classification.NEEDS_AGREEMENT: gettext_lazy(
        "Needs agreement: this becomes a request that the leader approves or rejects by its "
        "due date."
    ),
    Classification.NEEDS_ADVICE: gettext_lazy(
        "Needs advice: this becomes a request for the leader's advice, answered by its due date."
    ),
    Classification.OUTSIDE_AUTHORITY: gettext_lazy(
        "Outside authority: at this level the leader decides. The decision is recorded and "
        "flagged for the next check-in."
    ),
    Classification.NO_AREA: gettext_lazy(
        "No area fits: the leader is asked to define one and acknowledges the decision."
    ),
}
# The leader holds the authority, so their own decisions are always within it.
LEADER_PREVIEW_MEANING = gettext_lazy(
    "As the leader you hold the authority: your decisions are always within it. The terms in "
    "force are recorded with the decision."
)
LEADER_DECISION_MEANING = gettext_lazy(
    "The leader's own decision: always within authority. The terms in force are recorded."
)


def _viewer_zone(request: HttpRequest) -> ZoneInfo:
    try:
        return ZoneInfo(request.user.timezone)  # type: ignore[union-attr]
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _in_viewer_timezone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Parse the times people type and show times in the viewer's own timezone."""

    @wraps(view)
    def wrapper(request: HttpRequest, membership: Membership, *args: Any, **kwargs: Any) -> Any:
        with timezone.override(_viewer_zone(request)):
            return view(request, membership, *args, **kwargs)

    return wrapper


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A tandem page (404 for outsiders) in the viewer's timezone."""
    return member_page(_in_viewer_timezone(view))


def _require_leader(membership: Membership) -> None:
    if not access.is_leader(membership):
        raise PermissionDenied


def _explain(decision: Decision) -> str:
    """What a logged decision's classification means, in words."""
    if decision.author_role == "leader":
        return str(LEADER_DECISION_MEANING)
    return str(CLASSIFICATION_MEANING[Classification(decision.classification)])


def _paginate(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- the matrix --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    """One changed term of a matrix change: "Level: 6 Inquire → 7 Delegate"."""

    label: str
    old: str
    new: str


_TERM_LABELS = {
    "name": gettext_lazy("Name"),
    "level": gettext_lazy("Level"),
    "limit": gettext_lazy("Money limit"),
    "level_above_limit": gettext_lazy("Level above the limit"),
    "boundaries": gettext_lazy("Boundaries and examples"),
    "description": gettext_lazy("Description"),
    "review_on": gettext_lazy("Review on"),
    "goal": gettext_lazy("Goal"),
}


def _level_text(value: Any) -> str:
    return str(Level(value).label) if value in Level.values else "—"


def _money_text(amount: Any, currency: str) -> str:
    """An amount as the viewer writes numbers ("1.500,00 EUR" in German)."""
    return f"{formats.localize(amount)} {currency}".strip()


def _date_text(value: str | None) -> str:
    """A date kept as ISO text in a matrix change, in the viewer's format."""
    parsed = parse_date(value) if value else None
    return formats.date_format(parsed, "SHORT_DATE_FORMAT") if parsed else "—"


def _term_texts(terms: dict[str, Any] | None, goals: dict[int, str]) -> dict[str, str]:
    if not terms:
        return {}
    limit = terms.get("limit_amount")
    return {
        "name": terms.get("name") or "",
        "level": _level_text(terms.get("level")),
        "limit": _money_text(limit, terms.get("limit_currency", "")) if limit else "—",
        "level_above_limit": _level_text(terms.get("level_above_limit")),
        "boundaries": terms.get("boundaries") or "—",
        "description": terms.get("description") or "—",
        "review_on": _date_text(terms.get("review_on")),
        "goal": goals.get(terms.get("goal") or 0, "—"),
    }


def change_lines(change: MatrixChange, goals: dict[int, str]) -> list[ChangeLine]:
    """What a matrix change changed, term by term, in words (old → new)."""
    if change.kind == MatrixChangeKind.ELEVATED:
        new = change.new or {}
        return [
            ChangeLine(
                str(_TERM_LABELS["level"]),
                _level_text((change.old or {}).get("level")),
                _level_text(new.get("level")),
            )
        ]
    old, new = _term_texts(change.old, goals), _term_texts(change.new, goals)
    if change.kind == MatrixChangeKind.CREATED:
        keys = ["level", "limit", "level_above_limit"]
        return [ChangeLine(str(_TERM_LABELS[key]), "", new[key]) for key in keys if new[key] != "—"]
    return [
        ChangeLine(str(label), old.get(key, "—"), new.get(key, "—"))
        for key, label in _TERM_LABELS.items()
        if old.get(key) != new.get(key)
    ]


def _goals(membership: Membership) -> list[Goal]:
    return list(goals_of(tandem=membership.tandem))


def _history_rows(
    changes: Any, membership: Membership, goals: list[Goal] | None = None
) -> list[tuple[MatrixChange, list[ChangeLine]]]:
    """Each change with its changed terms in words; goals are named by their titles."""
    titles = {goal.pk: goal.title for goal in (_goals(membership) if goals is None else goals)}
    rows = []
    for change in changes:
        # A temporary elevation keeps its end as ISO text; the page shows it as a time.
        elevated = change.kind == MatrixChangeKind.ELEVATED
        ends_at = (change.new or {}).get("ends_at") if elevated else None
        change.elevated_until = parse_datetime(ends_at) if ends_at else None
        rows.append((change, change_lines(change, titles)))
    return rows


def _render_matrix(
    request: HttpRequest,
    membership: Membership,
    *,
    form: AreaForm | None = None,
    file_form: MatrixFileForm | None = None,
    copy_form: MatrixCopyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    areas = selectors.with_growth_suggestions(
        selectors.areas_at_a_glance(membership=membership, archived=False).order_by("name", "id")
    )
    archived = selectors.areas_of(membership=membership).filter(archived_at__isnull=False)
    recent = selectors.recent_decisions_by_area(membership=membership, per_area=RECENT_PER_AREA)
    for area in areas:
        area.recent_list = recent.get(area.pk, [])  # type: ignore[attr-defined]
        area.meaning = LEVEL_MEANING[area.level]  # type: ignore[attr-defined]
        active = getattr(area, "active_elevations", [])
        area.elevation = active[0] if active else None  # type: ignore[attr-defined]
        suggestion = area.growth_suggestion  # type: ignore[attr-defined]
        area.suggested_label = (  # type: ignore[attr-defined]
            Level(suggestion.suggested_level).label if suggestion else None
        )
    chart = [(area.name, area.recent_decisions) for area in areas]  # type: ignore[attr-defined]
    changes = selectors.matrix_changes_of(membership=membership).order_by("-changed_at", "-id")
    is_leader = access.is_leader(membership)
    goals = _goals(membership)
    if is_leader and form is None:
        form = AreaForm(goals=goals, initial={"level": 4})
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
            "archived_areas": archived.order_by("name", "id"),
            "history": _history_rows(changes[:MATRIX_HISTORY_ROWS], membership, goals),
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


@page
@require_GET
def matrix(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _render_matrix(request, membership)


@page
@require_POST
def area_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    _require_leader(membership)
    form = AreaForm(request.POST, goals=_goals(membership))
    if form.is_valid():
        try:
            area = services.area_create(membership=membership, **form.service_kwargs())
        except DomainError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, _("Added the area “%(name)s”.") % {"name": area.name})
            return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))
    return _render_matrix(request, membership, form=form, status=400)


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
    if form.is_valid():
        try:
            result = run(form.cleaned_data[field])
        except DomainError as exc:
            form.add_error(field, template_error_text(exc.field or "", exc.message))
        else:
            _announce_import(request, result)
            return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))
    if isinstance(form, MatrixFileForm):
        return _render_matrix(request, membership, file_form=form, status=400)
    return _render_matrix(request, membership, copy_form=form, status=400)


@page
@require_POST
def matrix_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The leader adds the areas of a matrix file (a JSON download of a matrix); areas whose
    names the matrix has are skipped, a bad one fails the whole file."""
    _require_leader(membership)
    return _import_into_matrix(
        request,
        membership,
        MatrixFileForm(request.POST, request.FILES),
        "file",
        lambda areas: services.matrix_import(membership=membership, areas=areas),
    )


@page
@require_POST
def matrix_copy(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The leader copies the matrix of one of their other tandems into this one."""
    _require_leader(membership)
    sources = selectors.template_sources(membership=membership)
    return _import_into_matrix(
        request,
        membership,
        MatrixCopyForm(request.POST, sources=sources),
        "from_tandem",
        lambda source: services.matrix_copy(membership=membership, from_tandem_id=source),
    )


def _area_or_404(membership: Membership, area_id: int) -> DecisionArea:
    try:
        return selectors.area_get(membership=membership, area_id=area_id)
    except NotFound:
        raise Http404 from None


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
    goals = _goals(membership)
    changes = selectors.matrix_changes_of(membership=membership).filter(area=area)
    active = getattr(area, "active_elevations", [])
    return render(
        request,
        "delegation/area_form.html",
        {
            "area": area,
            "form": form or AreaForm.for_area(area, goals=goals),
            "elevation_form": elevation_form or _new_elevation_form(area),
            "elevation": active[0] if active else None,
            "history": _history_rows(changes.order_by("-changed_at", "-id"), membership, goals),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    _require_leader(membership)
    area = _area_or_404(membership, area_id)
    if request.method == "GET":
        return _render_area(request, membership, area)
    form = AreaForm(request.POST, goals=_goals(membership))
    status = 400
    if form.is_valid():
        try:
            services.area_update(membership=membership, area_id=area.pk, **form.service_kwargs())
        except DomainError as exc:
            form_error_from(form, exc)
            status = exc.status_code  # 409 for an area archived meanwhile
        else:
            messages.success(request, _("Saved the area “%(name)s”.") % {"name": area.name})
            return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))
    return _render_area(request, membership, area, form=form, status=status)


@page
@require_POST
def area_elevate(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    _require_leader(membership)
    area = _area_or_404(membership, area_id)
    form = ElevationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.elevation_create(membership=membership, area_id=area.pk, **form.cleaned_data)
        except DomainError as exc:
            form_error_from(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Raised “%(name)s” for a while.") % {"name": area.name})
            return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))
    return _render_area(request, membership, area, elevation_form=form, status=status)


@page
@require_POST
def area_raise(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """Accept the platform's growth suggestion: raise the level by one, with the reason."""
    _require_leader(membership)
    area = _area_or_404(membership, area_id)
    suggestion = area.growth_suggestion  # type: ignore[attr-defined]
    back = reverse("delegation:matrix", args=[membership.tandem_id])
    if suggestion is None or request.POST.get("level") != str(suggestion.suggested_level):
        # A second tab, or the matrix changed meanwhile: nothing to accept any more.
        messages.error(request, _("There is no such suggestion for this area any more."))
        return redirect(back)
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
    return redirect(back)


def _matrix_change(
    request: HttpRequest, membership: Membership, change: Callable[[], object], success: str
) -> HttpResponse:
    """Run one leader's change of an area and go back to the matrix with what happened."""
    _require_leader(membership)
    try:
        change()
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(reverse("delegation:matrix", args=[membership.tandem_id]))


@page
@require_POST
def area_dismiss_growth(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """ "Not now" to the growth suggestion: it comes back only after a new run of approvals."""
    return _matrix_change(
        request,
        membership,
        partial(services.area_growth_dismiss, membership=membership, area_id=area_id),
        _("Noted: the level stays. Tandem suggests again after a new run of approvals."),
    )


@page
@require_POST
def goal_delete(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    """The leader deletes a goal of the vision page; areas that linked to it lose the link,
    recorded in the matrix history."""
    _require_leader(membership)
    try:
        services.goal_delete(membership=membership, goal_id=goal_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The goal is removed."))
    return redirect("tandems:vision", membership.tandem_id)


@page
@require_POST
def area_archive(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """Take the area out of the matrix in force; its decisions and history stay."""
    area = _area_or_404(membership, area_id)
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


@page
@require_POST
def area_restore(request: HttpRequest, membership: Membership, area_id: int) -> HttpResponse:
    """Put an archived area back into the matrix in force, with the terms it had."""
    area = _area_or_404(membership, area_id)
    return _matrix_change(
        request,
        membership,
        partial(services.area_restore, membership=membership, area_id=area.pk),
        _("“%(name)s” is back in the matrix.") % {"name": area.name},
    )


@page
@require_GET
def history(request: HttpRequest, membership: Membership) -> HttpResponse:
    changes = selectors.matrix_changes_of(membership=membership).order_by("-changed_at", "-id")
    page_obj = _paginate(request, changes, CHANGES_PER_PAGE)
    return render(
        request,
        "delegation/history.html",
        {"page_obj": page_obj, "history": _history_rows(page_obj.object_list, membership)},
    )


# --- the decision log --------------------------------------------------------------------


def _areas(membership: Membership, *, in_force: bool = False) -> list[DecisionArea]:
    """The tandem's areas; `in_force`: without the archived ones (a new decision's choices)."""
    areas = selectors.areas_of(membership=membership)
    if in_force:
        areas = areas.filter(archived_at__isnull=True)
    return list(areas.order_by("name", "id"))


def _new_decision_form(membership: Membership, areas: list[DecisionArea]) -> DecisionForm:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return DecisionForm(areas=areas, initial={"decided_at": now})


@dataclass(frozen=True)
class Preview:
    """What the page says about a decision's classification before it is saved."""

    classification: str
    label: str
    explanation: str
    level: str
    above_limit: bool
    limit: str
    elevated: bool
    elevated_until: Any


def _preview(membership: Membership, form: DecisionForm) -> Preview | None:
    values = form.preview_values()
    if values is None:
        return None
    try:
        found = selectors.decision_classification_preview(membership=membership, **values)
    except NotFound:
        form.add_error("area", _("No such area in this tandem."))
        return None
    except DomainError as exc:
        form_error_from(form, exc)
        return None
    verdict, terms, area = found.verdict, found.terms, found.area
    limit = ""
    if terms is not None and terms.limit_amount is not None and area is not None:
        limit = _money_text(terms.limit_amount, area.limit_currency)
    return Preview(
        classification=verdict.classification.value,
        label=str(ClassificationChoice(verdict.classification.value).label),
        explanation=str(
            LEADER_PREVIEW_MEANING
            if access.is_leader(membership)
            else CLASSIFICATION_MEANING[verdict.classification]
        ),
        level=_level_text(verdict.level_applied),
        above_limit=verdict.above_limit,
        limit=limit,
        elevated=verdict.under_elevation,
        elevated_until=(
            found.elevation.ends_at if verdict.under_elevation and found.elevation else None
        ),
    )


def _render_new(
    request: HttpRequest,
    membership: Membership,
    form: DecisionForm,
    *,
    preview: Preview | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "delegation/decision_new.html",
        {"form": form, "preview": preview},
        status=status,
    )


@page
@require_GET
def decisions(request: HttpRequest, membership: Membership) -> HttpResponse:
    areas = _areas(membership)
    log = selectors.decisions_of(membership=membership).order_by("-decided_at", "-id")
    filterset = DecisionLogFilter(request.GET or None, queryset=log, areas=areas)
    found = filterset.qs
    page_obj = _paginate(request, found, DECISIONS_PER_PAGE)
    counts = selectors.decision_counts(decisions=found)
    by_area = [(name or _("No area"), n) for name, n in counts.by_area]
    by_class = [(ClassificationChoice(value).label, n) for value, n in counts.by_classification]
    by_level = [(_level_text(level) if level else _("No area"), n) for level, n in counts.by_level]
    return render(
        request,
        "delegation/decisions.html",
        {
            "filter": filterset,
            "filter_fields": [filterset.form[name] for name in DecisionLogFilter.FIELDS],
            "page_obj": page_obj,
            "query": _query_without_page(request),
            "by_area": by_area,
            "by_classification": by_class,
            "by_level": by_level,
            "form": _new_decision_form(membership, areas),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Log a decision. "Preview classification" shows the verdict and saves nothing."""
    areas = _areas(membership, in_force=True)
    if request.method == "GET":
        form = _new_decision_form(membership, areas)
        if request.GET.get("area"):
            form.initial["area"] = request.GET["area"]
        return _render_new(request, membership, form)
    form = DecisionForm(request.POST, areas=areas)
    preview = _preview(membership, form)
    if "preview" in request.POST:
        # Only what the classification depends on is checked yet: the rest is being written.
        for name in list(form.errors):
            if name not in DecisionForm.PREVIEW_FIELDS:
                del form.errors[name]
        return _render_new(request, membership, form, preview=preview)
    if form.is_valid():
        try:
            decision = services.decision_log(membership=membership, **form.service_kwargs())
        except DomainError as exc:
            form_error_from(form, exc)
        else:
            messages.success(
                request,
                _("Logged: %(classification)s.")
                % {"classification": decision.get_classification_display()},
            )
            return redirect(
                reverse("delegation:decision", args=[membership.tandem_id, decision.pk])
            )
    return _render_new(request, membership, form, preview=preview, status=400)


@page
@require_GET
def decision_preview(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The classification preview as an HTML fragment, for the page's live preview. Reads
    only; the values come in the query string."""
    form = DecisionForm(request.GET, areas=_areas(membership, in_force=True))
    preview = _preview(membership, form)
    # No area chosen yet is no error, only nothing to show; a bad value is a 400.
    invalid = [
        name
        for name in DecisionForm.PREVIEW_FIELDS
        if name in form.errors and (name != "area" or request.GET.get("area"))
    ]
    return render(
        request,
        "delegation/_preview.html",
        {"preview": preview, "form": form},
        status=400 if invalid else 200,
    )


def _decision_or_404(membership: Membership, decision_id: int) -> Decision:
    try:
        return selectors.decision_get(membership=membership, decision_id=decision_id)
    except NotFound:
        raise Http404 from None


def _render_decision(
    request: HttpRequest,
    membership: Membership,
    decision: Decision,
    *,
    outcome_form: OutcomeForm | None = None,
    answer_form: AnswerForm | None = None,
    edit_form: DecisionEditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_leader = access.is_leader(membership)
    can_edit = decision.author_id == membership.user_id and decision.status not in (
        DecisionStatus.ANSWERED,
        DecisionStatus.ACKNOWLEDGED,
    )
    if can_edit and edit_form is None:
        edit_form = DecisionEditForm(
            initial={"title": decision.title, "rationale": decision.rationale}
        )
    return render(
        request,
        "delegation/decision_detail.html",
        {
            "decision": decision,
            "explanation": _explain(decision),
            "outcome_form": outcome_form
            or OutcomeForm(initial={"outcome": decision.outcome, "lesson": decision.lesson}),
            "can_answer": is_leader
            and decision.status == DecisionStatus.AWAITING_ANSWER
            and decision.author_id != membership.user_id,
            "can_acknowledge": is_leader and decision.status in ACKNOWLEDGEABLE,
            "answer_form": answer_form or AnswerForm(auto_id=f"id_d{decision.pk}_%s"),
            "edit_form": edit_form if can_edit else None,
        },
        status=status,
    )


@page
@require_GET
def decision(request: HttpRequest, membership: Membership, decision_id: int) -> HttpResponse:
    return _render_decision(request, membership, _decision_or_404(membership, decision_id))


@page
@require_POST
def decision_outcome(
    request: HttpRequest, membership: Membership, decision_id: int
) -> HttpResponse:
    found = _decision_or_404(membership, decision_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record_outcome(
                membership=membership, decision_id=found.pk, **form.cleaned_data
            )
        except DomainError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, _("Saved the outcome."))
            return redirect(reverse("delegation:decision", args=[membership.tandem_id, found.pk]))
    return _render_decision(request, membership, found, outcome_form=form, status=400)


@page
@require_POST
def decision_edit(request: HttpRequest, membership: Membership, decision_id: int) -> HttpResponse:
    """The author corrects the title or the rationale, until the leader has answered or
    acknowledged (the same rule as the API's PATCH)."""
    found = _decision_or_404(membership, decision_id)
    form = DecisionEditForm(request.POST)
    if form.is_valid():
        try:
            services.decision_update(
                membership=membership, decision_id=found.pk, **form.cleaned_data
            )
        except DomainPermissionDenied as exc:
            raise PermissionDenied(exc.message) from None
        except Conflict as exc:  # answered or acknowledged meanwhile: the form is gone
            messages.error(request, exc.message)
            return _render_decision(request, membership, found, status=exc.status_code)
        except DomainError as exc:
            form_error_from(form, exc)
            return _render_decision(
                request, membership, found, edit_form=form, status=exc.status_code
            )
        messages.success(request, _("Your correction is saved."))
        return redirect(reverse("delegation:decision", args=[membership.tandem_id, found.pk]))
    return _render_decision(request, membership, found, edit_form=form, status=400)


# --- the review queue --------------------------------------------------------------------


def _back_to(request: HttpRequest, membership: Membership, decision_id: int) -> str:
    if request.POST.get("back") == "decision":
        return reverse("delegation:decision", args=[membership.tandem_id, decision_id])
    return reverse("delegation:review", args=[membership.tandem_id])


def _render_review(
    request: HttpRequest,
    membership: Membership,
    *,
    bound: dict[int, AnswerForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    queue = list(selectors.review_queue(membership=membership))
    requests = [d for d in queue if d.status == DecisionStatus.AWAITING_ANSWER]
    for item in requests:
        item.answer_form = bound.get(item.pk) or AnswerForm(  # type: ignore[attr-defined]
            auto_id=f"id_d{item.pk}_%s"
        )
        item.explanation = _explain(item)  # type: ignore[attr-defined]
    to_acknowledge = [d for d in queue if d.status in ACKNOWLEDGEABLE]
    for item in to_acknowledge:
        item.explanation = _explain(item)  # type: ignore[attr-defined]
    return render(
        request,
        "delegation/review.html",
        {"requests": requests, "to_acknowledge": to_acknowledge},
        status=status,
    )


@page
@require_GET
def review(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The leader answers here; the assistant may read it (as in the API) without the forms."""
    return _render_review(request, membership)


@page
@require_POST
def decision_answer(request: HttpRequest, membership: Membership, decision_id: int) -> HttpResponse:
    _require_leader(membership)
    form = AnswerForm(request.POST, auto_id=f"id_d{decision_id}_%s")
    if form.is_valid():
        try:
            answered = services.decision_answer(
                membership=membership, decision_id=decision_id, **form.cleaned_data
            )
        except NotFound:
            raise Http404 from None
        except DomainPermissionDenied as exc:
            raise PermissionDenied(exc.message) from None
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(_back_to(request, membership, decision_id))
        except DomainError as exc:
            form_error_from(form, exc)
        else:
            done = {
                Answer.APPROVE: _("Approved: %(title)s"),
                Answer.REJECT: _("Rejected: %(title)s"),
                Answer.ADVISE: _("Advice sent: %(title)s"),
            }[Answer(answered.answer)]
            messages.success(request, done % {"title": answered.title})
            return redirect(_back_to(request, membership, decision_id))
    if request.POST.get("back") == "decision":
        found = _decision_or_404(membership, decision_id)
        return _render_decision(request, membership, found, answer_form=form, status=400)
    _decision_or_404(membership, decision_id)
    return _render_review(request, membership, bound={decision_id: form}, status=400)


@page
@require_POST
def decision_acknowledge(
    request: HttpRequest, membership: Membership, decision_id: int
) -> HttpResponse:
    _require_leader(membership)
    try:
        acknowledged = services.decision_acknowledge(membership=membership, decision_id=decision_id)
    except NotFound:
        raise Http404 from None
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Acknowledged: %(title)s") % {"title": acknowledged.title})
    return redirect(_back_to(request, membership, decision_id))
