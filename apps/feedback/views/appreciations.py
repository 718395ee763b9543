"""Appreciation: received and sent thank-yous, sending one, reacting to one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.checkins import selectors as checkin_selectors
from apps.core.web import attempt, paginate, query_without
from apps.delegation import selectors as delegation_selectors
from apps.feedback import selectors, services
from apps.feedback.forms import AppreciationForm, ReactForm
from apps.feedback.models import Reaction
from apps.feedback.presenters import appreciation_rows
from apps.tandems.models import Membership
from apps.tandems.selectors import former_names_of
from apps.tandems.web import member_page

APPRECIATIONS_PER_PAGE = 25  # of each list, received and sent
LINK_CHOICES = 30  # recent decisions / action items offered to link an appreciation to


def _appreciation_form(membership: Membership, data: Any = None) -> AppreciationForm:
    decisions = (
        delegation_selectors.decisions_of(membership=membership)
        .order_by("-decided_at", "-id")
        .values_list("pk", "title")[:LINK_CHOICES]
    )
    items = (
        checkin_selectors.action_items_of(tandem=membership.tandem)
        .order_by("-created_at", "-id")
        .values_list("pk", "text")[:LINK_CHOICES]
    )
    return AppreciationForm(data, decisions=list(decisions), action_items=list(items))


def _appreciations_page(
    request: HttpRequest,
    membership: Membership,
    form: AppreciationForm,
    *,
    failed: tuple[int, ReactForm] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    every = selectors.appreciation_rows(selectors.appreciations_of(membership=membership))
    received_page = paginate(
        request,
        every.filter(recipient_id=membership.user_id),
        APPRECIATIONS_PER_PAGE,
        param="received",
    )
    sent_page = paginate(
        request,
        every.filter(author_id=membership.user_id),
        APPRECIATIONS_PER_PAGE,
        param="sent",
    )
    # Read only when a name is shown with `person_html` (as `{% person %}` would).
    former = former_names_of(tandem_id=membership.tandem_id) if received_page.object_list else {}
    received = appreciation_rows(
        received_page.object_list, received=True, former=former, failed=failed
    )
    sent = appreciation_rows(sent_page.object_list, received=False, former=former)
    return render(
        request,
        "feedback/appreciations.html",
        {
            "form": form,
            "received": received,
            "received_page": received_page,
            "received_query": query_without(request, "received"),
            "sent": sent,
            "sent_page": sent_page,
            "sent_query": query_without(request, "sent"),
            "reactions": Reaction.choices,
            "page_errors": errors or [],
        },
        status=status,
    )


def _to_appreciations(membership: Membership) -> HttpResponse:
    return redirect("feedback:appreciations", tandem_id=membership.tandem_id)


@member_page
def appreciations(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET: received and sent appreciation; POST: send one to the other member."""
    if request.method != "POST":
        return _appreciations_page(request, membership, _appreciation_form(membership))
    form = _appreciation_form(membership, request.POST)
    done = attempt(
        request,
        lambda: services.appreciation_send(
            membership=membership,
            text=form.cleaned_data["text"],
            decision_id=form.cleaned_data["decision"],
            action_item_id=form.cleaned_data["action_item"],
        ),
        _("Your appreciation is sent."),
        form=form,
        refusals_on_page=True,
    )
    if done:
        return _to_appreciations(membership)
    return _appreciations_page(request, membership, form, status=done.status)


@member_page
@require_POST
def react(request: HttpRequest, membership: Membership, appreciation_id: int) -> HttpResponse:
    form = ReactForm(request.POST)
    blank = _appreciation_form(membership)
    if not form.is_valid():
        return _appreciations_page(
            request, membership, blank, failed=(appreciation_id, form), status=400
        )
    errors: list[str] = []
    done = attempt(
        request,
        lambda: services.appreciation_react(
            membership=membership,
            appreciation_id=appreciation_id,
            reaction=form.cleaned_data["reaction"],
        ),
        errors=errors,
        refusals_on_page=True,
    )
    if done:
        return _to_appreciations(membership)
    return _appreciations_page(request, membership, blank, errors=errors, status=done.status)
