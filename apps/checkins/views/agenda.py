"""One agenda item: its author changes or removes it; either member resolves it, moves it
up or down, or comments on it (and removes their own comment)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.checkins import forms, selectors, services
from apps.checkins.models import AgendaItem
from apps.checkins.presenters import date_formats
from apps.checkins.views.common import occurrence_url
from apps.core.web import attempt
from apps.tandems.models import Membership
from apps.tandems.web import member_page


def _item_page(item: AgendaItem, membership: Membership, anchor: str = "#agenda") -> HttpResponse:
    occ = item.occurrence
    return redirect(
        occurrence_url(membership.tandem_id, occ.series_id, occ.original_start) + anchor
    )


def _topic_page(
    request: HttpRequest, membership: Membership, item: AgendaItem, template: str, **more: Any
) -> HttpResponse:
    """A page of one topic of a check-in (its form, its comments), back to the topic on the
    check-in's page."""
    occ = item.occurrence
    back_to = occurrence_url(membership.tandem_id, occ.series_id, occ.original_start)
    context = {
        "item": item,
        "series": occ.series,
        "occurrence": occ,
        "back_to": f"{back_to}#item-{item.pk}",
        "fmt": date_formats(),
        **more,
    }
    return render(request, template, context)


@member_page
def agenda_item_edit(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """GET the topic's form; POST changes what it says. Only the author's (403 for the other
    member, as in the API). The check-in's page links each of the viewer's topics here
    rather than carrying a form for each."""
    item = selectors.agenda_item_get(membership=membership, item_id=item_id)
    if request.method != "POST":
        if item.author_id != membership.user_id:
            raise PermissionDenied
        form = forms.AgendaItemEditForm(
            initial={"kind": item.kind, "text": item.text}, prefix=f"item-{item.pk}"
        )
        return _topic_page(request, membership, item, "checkins/agenda_item_edit.html", form=form)
    form = forms.AgendaItemEditForm(request.POST, prefix=f"item-{item.pk}")
    if attempt(
        request,
        lambda: services.agenda_item_update(
            membership=membership,
            item_id=item.pk,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        ),
        _("Agenda item changed."),
        form=form,
    ):
        return _item_page(item, membership, f"#item-{item.pk}")
    return _topic_page(request, membership, item, "checkins/agenda_item_edit.html", form=form)


@member_page
@require_POST
def agenda_item_resolve(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Either member marks an item resolved, or open again."""
    item = selectors.agenda_item_get(membership=membership, item_id=item_id)
    resolved = request.POST.get("resolved") == "1"
    attempt(
        request,
        lambda: services.agenda_item_update(
            membership=membership, item_id=item.pk, resolved=resolved
        ),
    )
    return _item_page(item, membership, f"#item-{item.pk}")


@member_page
@require_POST
def agenda_item_order(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Either member moves an item one place up or down."""
    item = selectors.agenda_item_get(membership=membership, item_id=item_id)
    order = list(selectors.agenda_of(occurrence=item.occurrence))
    index = next(i for i, other in enumerate(order) if other.pk == item.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        for position, other in enumerate(order):
            if other.position != position:
                services.agenda_item_update(
                    membership=membership, item_id=other.pk, position=position
                )
    return _item_page(item, membership, f"#item-{item.pk}")


@member_page
@require_POST
def agenda_item_delete(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Only the author removes an item (403 for the other member, as in the API)."""
    item = selectors.agenda_item_get(membership=membership, item_id=item_id)
    if attempt(
        request,
        lambda: services.agenda_item_delete(membership=membership, item_id=item.pk),
        _("Removed from the agenda."),
    ):
        return _item_page(item, membership)
    return _item_page(item, membership, f"#item-{item.pk}")


@member_page
def agenda_comment_add(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """GET the topic with its comments and the form; POST: either member comments on it, and
    the partner is told. The check-in's page links each topic here rather than carrying a
    form for each."""
    item = selectors.agenda_item_get(membership=membership, item_id=item_id)
    if request.method != "POST":
        form = forms.CommentForm(prefix=f"comment-{item.pk}")
    else:
        form = forms.CommentForm(request.POST, prefix=f"comment-{item.pk}")
        if attempt(
            request,
            lambda: services.agenda_comment_add(
                membership=membership, item_id=item.pk, text=form.cleaned_data["text"]
            ),
            _("Comment added."),
            form=form,
        ):
            return _item_page(item, membership, f"#item-{item.pk}")
    comments = selectors.comments_for_agenda(items=[item]).get(item.pk, [])
    return _topic_page(
        request,
        membership,
        item,
        "checkins/agenda_comment.html",
        form=form,
        comments=comments,
    )


@member_page
@require_POST
def agenda_comment_delete(
    request: HttpRequest, membership: Membership, comment_id: int
) -> HttpResponse:
    """Only the author removes a comment (403 for the other member, as in the API)."""
    comment = selectors.comment_get(membership=membership, comment_id=comment_id)
    services.agenda_comment_delete(membership=membership, comment_id=comment.pk)
    messages.success(request, _("Comment removed."))
    return _item_page(comment.item, membership, f"#item-{comment.item_id}")
