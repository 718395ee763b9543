"""The decision log with its classification preview, and a decision's own page: its outcome
and lesson, and the author's correction."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import Conflict, DomainError, NotFound
from apps.core.web import (
    CappedPaginator,
    attempt,
    form_error_from,
    paginate,
    query_without,
    row_urls,
)
from apps.delegation import presenters, selectors, services
from apps.delegation.forms import (
    AnswerForm,
    DecisionEditForm,
    DecisionForm,
    DecisionLogFilter,
    OutcomeForm,
)
from apps.delegation.models import (
    ACKNOWLEDGEABLE,
    ClassificationChoice,
    Decision,
    DecisionArea,
    DecisionStatus,
)
from apps.delegation.views.common import areas
from apps.tandems import access
from apps.tandems.models import Membership
from apps.tandems.selectors import former_names_of
from apps.tandems.web import member_page

DECISIONS_PER_PAGE = 20


def _new_decision_form(area_choices: list[DecisionArea]) -> DecisionForm:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return DecisionForm(areas=area_choices, initial={"decided_at": now})


def _preview(membership: Membership, form: DecisionForm) -> presenters.Preview | None:
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
        limit = presenters.money_text(terms.limit_amount, area.limit_currency)
    return presenters.Preview(
        classification=verdict.classification.value,
        label=str(ClassificationChoice(verdict.classification.value).label),
        explanation=str(
            presenters.LEADER_PREVIEW_MEANING
            if access.is_leader(membership)
            else presenters.CLASSIFICATION_MEANING[verdict.classification]
        ),
        level=presenters.level_text(verdict.level_applied),
        above_limit=verdict.above_limit,
        limit=limit,
        elevated=verdict.under_elevation,
        elevated_until=(
            found.elevation.ends_at if verdict.under_elevation and found.elevation else None
        ),
    )


def _render_new(
    request: HttpRequest,
    form: DecisionForm,
    *,
    preview: presenters.Preview | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "delegation/decision_new.html",
        {"form": form, "preview": preview},
        status=status,
    )


@member_page
@require_GET
def decisions(request: HttpRequest, membership: Membership) -> HttpResponse:
    tandem_areas = areas(membership)
    log = selectors.decisions_of(membership=membership).order_by("-decided_at", "-id")
    filterset = DecisionLogFilter(request.GET or None, queryset=log, areas=tandem_areas)
    found = filterset.qs
    page_obj = paginate(request, selectors.log_rows(found), DECISIONS_PER_PAGE)
    page_obj.object_list = presenters.log_rows(
        page_obj.object_list,
        row_urls("delegation:decision", membership.tandem_id),
        former=former_names_of(tandem_id=membership.tandem_id) if page_obj.object_list else {},
    )
    paginator = page_obj.paginator
    capped = isinstance(paginator, CappedPaginator) and paginator.capped
    newest = paginator.cap if isinstance(paginator, CappedPaginator) and capped else None
    counts = selectors.decision_counts(decisions=found, newest=newest)
    by_area = [(name or _("No area"), n) for name, n in counts.by_area]
    by_class = [(ClassificationChoice(value).label, n) for value, n in counts.by_classification]
    by_level = [
        (presenters.level_text(level) if level else _("No area"), n) for level, n in counts.by_level
    ]
    return render(
        request,
        "delegation/decisions.html",
        {
            "filter": filterset,
            "filter_fields": [filterset.form[name] for name in DecisionLogFilter.FIELDS],
            "page_obj": page_obj,
            "query": query_without(request),
            "by_area": by_area,
            "by_classification": by_class,
            "by_level": by_level,
            "form": _new_decision_form(tandem_areas),
        },
    )


@member_page
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Log a decision. "Preview classification" shows the verdict and saves nothing."""
    in_force = areas(membership, in_force=True)
    if request.method == "GET":
        form = _new_decision_form(in_force)
        if request.GET.get("area"):
            form.initial["area"] = request.GET["area"]
        return _render_new(request, form)
    form = DecisionForm(request.POST, areas=in_force)
    preview = _preview(membership, form)
    if "preview" in request.POST:
        # Only what the classification depends on is checked yet: the rest is being written.
        for name in list(form.errors):
            if name not in DecisionForm.PREVIEW_FIELDS:
                del form.errors[name]
        return _render_new(request, form, preview=preview)
    done = attempt(
        request,
        lambda: services.decision_log(membership=membership, **form.service_kwargs()),
        lambda decision: (
            _("Logged: %(classification)s.")
            % {"classification": decision.get_classification_display()}
        ),
        form=form,
    )
    if done:
        return redirect(reverse("delegation:decision", args=[membership.tandem_id, done.value.pk]))
    return _render_new(request, form, preview=preview, status=400)


@member_page
@require_GET
def decision_preview(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The classification preview as an HTML fragment, for the page's live preview. Reads
    only; the values come in the query string."""
    form = DecisionForm(request.GET, areas=areas(membership, in_force=True))
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


def render_decision(
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
            "explanation": presenters.explain(decision),
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


def _to_decision(membership: Membership, decision: Decision) -> HttpResponse:
    return redirect(reverse("delegation:decision", args=[membership.tandem_id, decision.pk]))


@member_page
@require_GET
def decision(request: HttpRequest, membership: Membership, decision_id: int) -> HttpResponse:
    found = selectors.decision_get(membership=membership, decision_id=decision_id)
    return render_decision(request, membership, found)


@member_page
@require_POST
def decision_outcome(
    request: HttpRequest, membership: Membership, decision_id: int
) -> HttpResponse:
    found = selectors.decision_get(membership=membership, decision_id=decision_id)
    form = OutcomeForm(request.POST)
    if attempt(
        request,
        lambda: services.decision_record_outcome(
            membership=membership, decision_id=found.pk, **form.cleaned_data
        ),
        _("Saved the outcome."),
        form=form,
    ):
        return _to_decision(membership, found)
    return render_decision(request, membership, found, outcome_form=form, status=400)


@member_page
@require_POST
def decision_edit(request: HttpRequest, membership: Membership, decision_id: int) -> HttpResponse:
    """The author corrects the title or the rationale, until the leader has answered or
    acknowledged (the same rule as the API's PATCH)."""
    found = selectors.decision_get(membership=membership, decision_id=decision_id)
    form = DecisionEditForm(request.POST)
    done = attempt(
        request,
        lambda: services.decision_update(
            membership=membership, decision_id=found.pk, **form.cleaned_data
        ),
        _("Your correction is saved."),
        form=form,
    )
    if done:
        return _to_decision(membership, found)
    if isinstance(done.error, Conflict):
        # Answered or acknowledged meanwhile: the form is gone, the reason is a message.
        messages.error(request, done.error.message)
        return render_decision(request, membership, found, status=done.status)
    return render_decision(request, membership, found, edit_form=form, status=done.status)
