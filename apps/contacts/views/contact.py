"""One contact's page: details, calm state and rhythm, the gives/asks balance, touches,
occasions and prepared touches, with the actions on them.

The owner logs and deletes touches, sends, edits or drops what the partner prepared; the
partner it is shared with sees the contact, notes occasions and prepares touches, and finds
no control for what only the owner does (the services would answer 403). Everyone else gets
a 404, exactly like a missing contact.

The seed's advice against chains ("did you see it?") is the service's: when it refuses a
touch with the code "chain", the page shows the advice once with the form filled in and a
"Save anyway" button that posts it again confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.contacts import selectors, services
from apps.contacts.forms import (
    SERVICE_FIELDS,
    NaturalOccasionForm,
    OccasionForm,
    PreparedForm,
    TouchForm,
)
from apps.contacts.models import Contact, OccasionKind, Touch
from apps.contacts.presenters import (
    OccasionRow,
    PreparedRow,
    TouchRow,
    balance_words,
    rhythm_words,
    send_link,
    state_label,
)
from apps.contacts.views.common import person, today
from apps.core.errors import Conflict
from apps.core.web import attempt, paginate, query_without, refusals_as_http

# The page's three lists, each a page at a time with its own page number in the query
# (`touches`, `occasions`, `prepared`), so that a contact with a long history is not a long page.
TOUCHES_PER_PAGE = 25
OCCASIONS_PER_PAGE = 50
PREPARED_PER_PAGE = 20


@dataclass
class DetailPage:
    """What a failed action brings back to the page: its form with the errors, the chain
    advice, reasons without a form, and the status to answer with."""

    touch_form: TouchForm | None = None
    occasion_form: OccasionForm | None = None
    natural_form: NaturalOccasionForm | None = None
    prepared_form: PreparedForm | None = None
    chain_advice: str = ""
    errors: list[str] = field(default_factory=list)
    status: int = 200


def _page(request: HttpRequest, contact: Contact, page: DetailPage | None = None) -> HttpResponse:
    page = page or DetailPage()
    user = person(request)
    on = today(request)
    mine = contact.owner_id == user.pk
    # Its tags read once, for its rhythm and to be shown (else each reads them again).
    selectors.read_tags(contact)
    status = selectors.status_of(contact, user=user, today=on)
    prepared = paginate(
        request, selectors.open_prepared_on(contact), PREPARED_PER_PAGE, param="prepared"
    )
    occasions = paginate(
        request, selectors.occasions_of(contact), OCCASIONS_PER_PAGE, param="occasions"
    )
    touches = paginate(request, selectors.touches_of(contact), TOUCHES_PER_PAGE, param="touches")
    context = {
        "contact": contact,
        "mine": mine,
        "status": status,
        "state_label": state_label(status.state),
        "rhythm_words": rhythm_words(contact, status),
        "balance": balance_words(selectors.balance_of(contact, today=on)) if mine else "",
        "touches": [TouchRow(touch) for touch in touches.object_list],
        "touches_page": touches,
        "touches_query": query_without(request, "touches"),
        "occasions": [
            OccasionRow(o, can_delete=mine or o.added_by_id == user.pk)
            for o in occasions.object_list
        ],
        "occasions_page": occasions,
        "occasions_query": query_without(request, "occasions"),
        "natural_kind": OccasionKind.NATURAL,
        "prepared": [
            PreparedRow(
                p,
                link=send_link(contact, p) if mine else "",
                can_change=mine or p.prepared_by_id == user.pk,
            )
            for p in prepared.object_list
        ],
        "prepared_page": prepared,
        "prepared_query": query_without(request, "prepared"),
        "tags": contact.tags_by_name,
        "touch_form": (page.touch_form or TouchForm(today=on)) if mine else None,
        "chain_advice": page.chain_advice,
        "occasion_form": page.occasion_form or OccasionForm(),
        "natural_form": page.natural_form or NaturalOccasionForm(),
        "prepared_form": (page.prepared_form or PreparedForm()) if not mine else None,
        "page_errors": page.errors,
    }
    return render(request, "contacts/detail.html", context, status=page.status)


def _found(request: HttpRequest, contact_id: int) -> Contact:
    return selectors.contact_get_for_person(user=person(request), contact_id=contact_id)


@login_required
@refusals_as_http
def detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _page(request, _found(request, contact_id))


def _act(
    request: HttpRequest,
    contact: Contact,
    call: Callable[[], object],
    success: str | None,
    page: DetailPage,
    form: forms.Form | None = None,
) -> HttpResponse:
    """Run one action: back to the page, or the page again with the form that failed (or,
    without a form, the reason at its top)."""
    done = attempt(request, call, success, form=form, errors=page.errors, fields=SERVICE_FIELDS)
    if done:
        return redirect("contacts:detail", contact_id=contact.pk)
    page.status = done.status
    return _page(request, contact, page)


@login_required
@refusals_as_http
@require_POST
def touch_log(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    user = person(request)
    form = TouchForm(request.POST)
    page = DetailPage(touch_form=form)

    def log() -> Touch | None:
        try:
            return services.touch_log(user=user, contact_id=contact.pk, **form.service_kwargs())
        except Conflict as exc:
            if exc.code != "chain":
                raise
            page.chain_advice = exc.message
            return None

    done = attempt(request, log, form=form, fields=SERVICE_FIELDS)
    if done and done.value is None:
        # The advice, once: the same form again, confirmed, behind "Save anyway".
        data = request.POST.copy()
        data["touch-confirmed"] = "on"
        page.touch_form = TouchForm(data)
        page.touch_form.is_valid()
        page.status = 409
        return _page(request, contact, page)
    if done:
        messages.success(request, _("The touch is logged. The rhythm starts again from it."))
        return redirect("contacts:detail", contact_id=contact.pk)
    page.status = done.status
    return _page(request, contact, page)


@login_required
@refusals_as_http
@require_POST
def touch_delete(request: HttpRequest, contact_id: int, touch_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    return _act(
        request,
        contact,
        lambda: services.touch_delete(
            user=person(request), contact_id=contact.pk, touch_id=touch_id
        ),
        _("The touch is deleted."),
        DetailPage(),
    )


@login_required
@refusals_as_http
@require_POST
def occasion_add(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    form = OccasionForm(request.POST)
    return _act(
        request,
        contact,
        lambda: services.occasion_add(
            user=person(request), contact_id=contact.pk, **form.cleaned_data
        ),
        _("The occasion is noted."),
        DetailPage(occasion_form=form),
        form,
    )


@login_required
@refusals_as_http
@require_POST
def occasion_natural(request: HttpRequest, contact_id: int) -> HttpResponse:
    """A natural occasion, noticed today: just its title."""
    contact = _found(request, contact_id)
    form = NaturalOccasionForm(request.POST)
    return _act(
        request,
        contact,
        lambda: services.occasion_add(
            user=person(request),
            contact_id=contact.pk,
            kind=OccasionKind.NATURAL,
            title=form.cleaned_data["title"],
        ),
        _("Noted. It will be a reason in your next window."),
        DetailPage(natural_form=form),
        form,
    )


@login_required
@refusals_as_http
@require_POST
def occasion_delete(request: HttpRequest, contact_id: int, occasion_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    return _act(
        request,
        contact,
        lambda: services.occasion_delete(
            user=person(request), contact_id=contact.pk, occasion_id=occasion_id
        ),
        _("The occasion is deleted."),
        DetailPage(),
    )


@login_required
@refusals_as_http
@require_POST
def prepared_create(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    form = PreparedForm(request.POST)
    return _act(
        request,
        contact,
        lambda: services.prepared_create(
            user=person(request), contact_id=contact.pk, **form.cleaned_data
        ),
        _("Prepared. It waits for the owner's next window."),
        DetailPage(prepared_form=form),
        form,
    )


@login_required
@refusals_as_http
def prepared_edit(request: HttpRequest, contact_id: int, prepared_id: int) -> HttpResponse:
    """GET the form of an open prepared touch; POST saves it (the owner or who prepared it)."""
    contact = _found(request, contact_id)
    user = person(request)
    prepared = next((p for p in selectors.open_prepared_on(contact) if p.pk == prepared_id), None)
    if prepared is None or user.pk not in (contact.owner_id, prepared.prepared_by_id):
        messages.info(request, _("This prepared touch is no longer open."))
        return redirect("contacts:detail", contact_id=contact.pk)
    if request.method != "POST":
        form = PreparedForm(prepared=prepared)
        return render(
            request,
            "contacts/prepared_edit.html",
            {"contact": contact, "form": form, "prepared": prepared},
        )
    form = PreparedForm(request.POST)
    done = attempt(
        request,
        lambda: services.prepared_update(
            user=user, contact_id=contact.pk, prepared_id=prepared.pk, **form.cleaned_data
        ),
        _("Your changes are saved."),
        form=form,
    )
    if done:
        return redirect("contacts:detail", contact_id=contact.pk)
    return render(
        request,
        "contacts/prepared_edit.html",
        {"contact": contact, "form": form, "prepared": prepared},
        status=done.status,
    )


@login_required
@refusals_as_http
@require_POST
def prepared_sent(request: HttpRequest, contact_id: int, prepared_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    return _act(
        request,
        contact,
        lambda: services.prepared_mark_sent(
            user=person(request), contact_id=contact.pk, prepared_id=prepared_id
        ),
        _("Marked as sent and logged as a touch."),
        DetailPage(),
    )


@login_required
@refusals_as_http
@require_POST
def prepared_drop(request: HttpRequest, contact_id: int, prepared_id: int) -> HttpResponse:
    contact = _found(request, contact_id)
    return _act(
        request,
        contact,
        lambda: services.prepared_drop(
            user=person(request), contact_id=contact.pk, prepared_id=prepared_id
        ),
        _("Dropped. Nothing was sent."),
        DetailPage(),
    )
