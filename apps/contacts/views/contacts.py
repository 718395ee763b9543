"""The list of contacts (one's own and those the partner shared), a new contact, changing one
and deleting one (its owner only, after a confirmation page)."""

from __future__ import annotations

import html
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.contacts import selectors, services
from apps.contacts.forms import SERVICE_FIELDS, ContactForm
from apps.contacts.models import Contact
from apps.contacts.presenters import ListRow, state_choices
from apps.contacts.views.common import person, today
from apps.core.errors import PermissionDenied
from apps.core.web import attempt, paginate, refusals_as_http
from apps.tandems import selectors as tandem_selectors

PAGE_SIZE = 50
SCOPES = ("all", "mine", "shared")
SEARCH_MAX = 100


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    """Filters by scope, tag, state and a search by name or organisation; sorted by name or
    by last touch (the longest silence first). A constant number of queries."""
    user = person(request)
    scope = request.GET.get("show", "all")
    scope = scope if scope in SCOPES else "all"
    sort = "last_touch" if request.GET.get("sort") == "last_touch" else "name"
    query = request.GET.get("q", "").strip()[:SEARCH_MAX]
    tag_id = _int(request.GET.get("tag"))
    states = dict(state_choices())
    state = request.GET.get("state", "")
    state = state if state in states else ""

    # The page is read as plain values; its tags and its partners' names in a query each.
    contacts = selectors.contacts_for_list(user, scope=scope, prefetch=False)
    if query:
        contacts = contacts.filter(Q(name__icontains=query) | Q(organisation__icontains=query))
    if tag_id is not None:
        contacts = contacts.filter(tags__pk=tag_id)
    if sort == "last_touch":
        contacts = contacts.order_by(F("last_touch_on").asc(nulls_first=True), Lower("name"), "id")
    else:
        contacts = contacts.order_by(Lower("name"), "id")

    on = today(request)
    if state:
        contacts = contacts.filter(selectors.in_state({state}, today=on))
    values = contacts.values(*LIST_PAGE_COLUMNS)
    page = paginate(request, values, PAGE_SIZE)  # counted up to 1,000
    rows = _rows(list(page.object_list), user, on)

    params = {"show": scope, "sort": sort, "q": query, "tag": tag_id or "", "state": state}
    return render(
        request,
        "contacts/list.html",
        {
            "rows": rows,
            "page": page,
            "scope": scope,
            "sort": sort,
            "query": query,
            "tag_id": tag_id,
            "state": state,
            "states": states.items(),
            "tag_options": _tag_options(user, tag_id),
            "filtered": bool(query or tag_id is not None or state),
            "params": params,
            "page_query": urlencode(params),
        },
    )


def _tag_options(user: User, chosen: int | None) -> SafeString:
    """The tag filter's options, written here in one pass: a template's loop over every tag
    of the person's vocabulary (hundreds) cost more than the page's rows, and so did
    `format_html` per tag."""
    options = (
        f'<option value="{pk}"{" selected" if pk == chosen else ""}>{html.escape(name)}</option>'
        for pk, name in selectors.tag_choices(user).values_list("id", "name")
    )
    return mark_safe("".join(options))  # noqa: S308 - the ids are integers, the names escaped


LIST_PAGE_COLUMNS = (
    *("id", "name", "organisation", "owner_id", "last_touch_on", "due_on", "overdue_after"),
)
"""What a row of the list page shows (`presenters.ListRow`), read as plain values."""


def _rows(values: list[dict[str, Any]], user: User, on: date) -> list[ListRow]:
    tags = selectors.tag_refs_of(row["id"] for row in values)
    owners = selectors.owners_of({row["owner_id"] for row in values}, user=user)
    return [
        ListRow.of(
            row, tags=tags.get(row["id"], []), owner=owners[row["owner_id"]], me=user.pk, on=on
        )
        for row in values
    ]


def _tandems(user: User) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in tandem_selectors.tandems_for(user).order_by("name", "id")]


def _form_page(
    request: HttpRequest, form: ContactForm, contact: Contact | None, status: int = 200
) -> HttpResponse:
    return render(request, "contacts/form.html", {"form": form, "contact": contact}, status=status)


@login_required
def contact_new(request: HttpRequest) -> HttpResponse:
    user = person(request)
    if request.method != "POST":
        return _form_page(request, ContactForm(tandems=_tandems(user)), None)
    form = ContactForm(request.POST, tandems=_tandems(user))
    done = attempt(
        request,
        lambda: services.contact_create(owner=user, **form.service_kwargs()),
        lambda c: _("%(name)s is in your contacts.") % {"name": c.name},
        form=form,
        fields=SERVICE_FIELDS,
    )
    if done:
        return redirect("contacts:detail", contact_id=done.value.pk)
    return _form_page(request, form, None, status=done.status)


def _own(user: User, contact_id: int) -> Contact:
    """The contact, for what only its owner does: the partner it is shared with gets a 403,
    anyone else a 404."""
    contact = selectors.contact_get_for_person(user=user, contact_id=contact_id)
    if contact.owner_id != user.pk:
        raise PermissionDenied(_("Only the contact's owner may change it."))
    return contact


@login_required
@refusals_as_http
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = person(request)
    contact = _own(user, contact_id)
    if request.method != "POST":
        return _form_page(request, ContactForm(tandems=_tandems(user), contact=contact), contact)
    form = ContactForm(request.POST, tandems=_tandems(user))
    done = attempt(
        request,
        lambda: services.contact_update(user=user, contact_id=contact.pk, **form.service_kwargs()),
        _("Your changes are saved."),
        form=form,
        fields=SERVICE_FIELDS,
    )
    if done:
        return redirect("contacts:detail", contact_id=contact.pk)
    return _form_page(request, form, contact, status=done.status)


@login_required
@refusals_as_http
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the contact with everything on it."""
    user = person(request)
    contact = _own(user, contact_id)
    if request.method != "POST":
        return render(request, "contacts/delete.html", {"contact": contact})
    done = attempt(
        request,
        lambda: services.contact_delete(user=user, contact_id=contact.pk),
        _("%(name)s is deleted.") % {"name": contact.name},
    )
    if done:
        return redirect("contacts:list")
    return redirect("contacts:detail", contact_id=contact.pk)
