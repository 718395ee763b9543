"""The person's tags (with their default rhythms) and contact preferences."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.signals import setting_changed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.contacts import selectors, services
from apps.contacts.forms import SERVICE_FIELDS, PreferencesForm, TagForm
from apps.contacts.models import ContactTag
from apps.contacts.presenters import TagRow, window_words
from apps.contacts.views.common import person
from apps.core.web import attempt, paginate, query_without, refusals_as_http

# A person's tags, a page at a time: each row links to its own edit page, so a long list of
# tags is not a long list of forms.
TAGS_PER_PAGE = 50


# language → the unbound new-tag form's fields. Bounded by the languages offered.
_FIELDS: dict[str | None, str] = {}


def _forget(**kwargs: Any) -> None:
    # A test that changes the languages, the templates or the URL prefix sees them.
    _FIELDS.clear()


setting_changed.connect(_forget)


def new_tag_fields() -> str:
    """The fields of the unbound new-tag form (contacts/_tag_fields.html), rendered once per
    process and language instead of on every visit: five fields through the form renderer
    were a tenth of the page. The unbound form has no value of the person's (its only
    initial value is the unit, weeks), so its language is all it differs in."""
    language = translation.get_language()
    found = _FIELDS.get(language)
    if found is None:
        found = _FIELDS[language] = render_to_string(
            "contacts/_tag_fields.html", {"form": TagForm()}
        )
    return mark_safe(found)  # noqa: S308 - rendered (and escaped) by the template


def _tags_page(
    request: HttpRequest, *, new: TagForm | None = None, status: int = 200
) -> HttpResponse:
    page = paginate(request, selectors.tags_of(person(request)), TAGS_PER_PAGE)
    rows = [TagRow.of(tag) for tag in page.object_list]
    return render(
        request,
        "contacts/tags.html",
        {
            "rows": rows,
            "page": page,
            "page_query": query_without(request),
            # A form shown again (with its errors and the values sent) is rendered as it is.
            "form": new,
            "form_fields": new_tag_fields() if new is None else "",
        },
        status=status,
    )


def _tag_page(
    request: HttpRequest, tag: ContactTag, form: TagForm, status: int = 200
) -> HttpResponse:
    return render(request, "contacts/tag_edit.html", {"tag": tag, "form": form}, status=status)


@login_required
def tags(request: HttpRequest) -> HttpResponse:
    """GET the tags; POST adds one."""
    if request.method != "POST":
        return _tags_page(request)
    user = person(request)
    form = TagForm(request.POST)
    done = attempt(
        request,
        lambda: services.tag_create(owner=user, **form.service_kwargs()),
        lambda tag: _("The tag “%(name)s” is added.") % {"name": tag.name},
        form=form,
        fields=SERVICE_FIELDS,
    )
    if done:
        return redirect("contacts:tags")
    return _tags_page(request, new=form, status=done.status)


def _tag(request: HttpRequest, tag_id: int) -> ContactTag:
    found = selectors.tags_of(person(request)).filter(pk=tag_id).first()
    if found is None:
        raise Http404
    return found


@login_required
@refusals_as_http
def tag_update(request: HttpRequest, tag_id: int) -> HttpResponse:
    """GET the tag's form; POST renames the tag, sets or clears its default rhythm (both
    numbers empty: none)."""
    tag = _tag(request, tag_id)
    if request.method != "POST":
        return _tag_page(request, tag, TagForm(tag=tag))
    form = TagForm(request.POST, tag=tag)
    done = attempt(
        request,
        lambda: services.tag_update(owner=person(request), tag_id=tag.pk, **form.service_kwargs()),
        _("The tag is saved."),
        form=form,
        fields=SERVICE_FIELDS,
    )
    if done:
        return redirect("contacts:tags")
    return _tag_page(request, tag, form, status=done.status)


@login_required
@refusals_as_http
@require_POST
def tag_delete(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = _tag(request, tag_id)
    attempt(
        request,
        lambda: services.tag_delete(owner=person(request), tag_id=tag.pk),
        _("The tag “%(name)s” is deleted; its contacts stay.") % {"name": tag.name},
    )
    return redirect("contacts:tags")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = person(request)
    prefs = selectors.preferences_for(user)
    if request.method != "POST":
        form = PreferencesForm(
            initial={
                "suggestions_per_window": prefs.suggestions_per_window,
                "occasions_in_calendar": prefs.occasions_in_calendar,
            }
        )
        status = 200
    else:
        form = PreferencesForm(request.POST)
        done = attempt(
            request,
            lambda: services.preferences_update(user=user, **form.cleaned_data),
            _("Your contact preferences are saved."),
            form=form,
            fields=SERVICE_FIELDS,
        )
        if done:
            return redirect("contacts:preferences")
        status = done.status
    return render(
        request,
        "contacts/preferences.html",
        {
            "form": form,
            "window_words": window_words(services.window_of(user)),
            "own_window": user.window_weekday is not None,
            "timezone": user.timezone,
        },
        status=status,
    )
