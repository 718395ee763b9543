"""Both members' commitments: open, kept and dropped action items, one agreed outside a
check-in, and marking one done, dropped or open again."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.checkins import forms, selectors, services
from apps.checkins.models import ActionItem, ActionItemStatus
from apps.checkins.presenters import action_item_rows
from apps.checkins.views.common import back, today
from apps.core.web import attempt, paginate, query_without
from apps.tandems.models import Membership
from apps.tandems.selectors import former_names_of, linkable_goals
from apps.tandems.web import member_page

ACTION_ITEMS_PER_PAGE = 50
STATUS_FILTERS = ("open", "done", "dropped", "all")


@member_page
def action_items(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Both members' commitments: what is open, what was kept, what was dropped. POST records
    one agreed outside a check-in."""
    tandem = membership.tandem
    day = today()
    commitments = selectors.commitments_by_member(tandem=tandem, today=day)
    members = [row.member for row in commitments]
    shown = request.GET.get("status", "open")
    if shown not in STATUS_FILTERS:
        shown = "open"
    goals = linkable_goals(tandem=tandem)
    form = forms.ActionItemForm(members=members, goals=goals, initial={"owner": membership.user_id})
    if request.method == "POST":
        form = forms.ActionItemForm(request.POST, members=members, goals=goals)
        if attempt(
            request,
            lambda: services.action_item_create(
                membership=membership,
                text=form.cleaned_data["text"],
                owner_id=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
                goal_id=form.cleaned_data["goal"],
            ),
            _("Action item recorded."),
            form=form,
        ):
            return redirect("checkins:action_items", tandem_id=tandem.pk)
    found = selectors.action_items_of(tandem=tandem)
    if shown != "all":
        found = found.filter(status=shown)
    page_obj = paginate(
        request,
        selectors.action_item_rows(found).order_by(
            "status", F("due_date").asc(nulls_last=True), "-id"
        ),
        ACTION_ITEMS_PER_PAGE,
    )
    return render(
        request,
        "checkins/action_items.html",
        {
            "commitments": commitments,
            "items": action_item_rows(
                page_obj.object_list,
                tandem_id=tandem.pk,
                former=former_names_of(tandem_id=tandem.pk),
                today=day,
            ),
            "page_obj": page_obj,
            "query": query_without(request),
            "shown": shown,
            "filters": [
                ("open", _("Open")),
                ("done", _("Done")),
                ("dropped", _("Dropped")),
                ("all", _("All")),
            ],
            "form": form,
        },
    )


def _status_message(item: ActionItem) -> str:
    if item.status == ActionItemStatus.DONE:
        if item.kept:
            return _("Done, and on time: a commitment kept.")
        return _("Done.")
    if item.status == ActionItemStatus.DROPPED:
        return _("Dropped: released, not broken.")
    return _("Open again.")


@member_page
@require_POST
def action_item_status(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Either member marks an action item done, dropped, or open again."""
    form = forms.ActionItemStatusForm(request.POST)
    fallback = reverse("checkins:action_items", kwargs={"tandem_id": membership.tandem_id})
    if not form.is_valid():
        messages.error(request, _("Choose done, dropped or open."))
        return back(request, fallback)
    attempt(
        request,
        lambda: services.action_item_update(
            membership=membership, item_id=item_id, status=form.cleaned_data["status"]
        ),
        _status_message,
    )
    return back(request, fallback)
