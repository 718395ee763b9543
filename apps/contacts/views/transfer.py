"""The contacts import page (a preview, then the import) and the two exports.

The uploaded file is kept in the person's session between the preview and the import, so
that it is not uploaded twice; it is bounded by the import's size limit and removed once
imported or cancelled, and when the page is opened afresh.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import User
from apps.contacts import selectors, services, transfer
from apps.contacts.forms_import import ImportConfirmForm, ImportFileForm
from apps.core.web import attempt

SESSION_KEY = "contacts_import"


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", ImportFileForm())
    context.setdefault("max_rows", settings.TANDEM_CONTACTS_IMPORT_MAX_ROWS)
    context.setdefault(
        "max_megabytes", f"{settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES / 1_000_000:g}"
    )
    return render(request, "contacts/import.html", context, status=status)


def _uploaded(form: ImportFileForm) -> tuple[bytes, str]:
    """The file's bytes and format; the size is checked before the file is read."""
    upload = form.cleaned_data["file"]
    limit = settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise transfer.TooLarge(
            _("The file is larger than %(size)s MB.") % {"size": f"{limit / 1_000_000:g}"},
            field="file",
        )
    data = upload.read()
    return data, form.cleaned_data["format"] or transfer.guess_format(upload.name or "", data)


@login_required
@require_http_methods(["GET", "POST"])
def import_contacts(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST `preview` (with a file): the rows as they would be
    imported; POST `confirm`: the import of the file kept since the preview; POST `cancel`:
    the kept file is dropped."""
    if request.method == "GET":
        # A preview left without a decision: its file (other people's details) goes.
        request.session.pop(SESSION_KEY, None)
        return _page(request)
    if "cancel" in request.POST:
        request.session.pop(SESSION_KEY, None)
        return redirect("contacts:import")
    if "confirm" in request.POST:
        return _confirm(request)
    return _preview(request)


def _preview(request: HttpRequest) -> HttpResponse:
    form = ImportFileForm(request.POST, request.FILES)
    kept: dict[str, str] = {}

    def call() -> list[services.ImportRow]:
        data, fmt = _uploaded(form)
        kept.update(data=base64.b64encode(data).decode("ascii"), format=fmt)
        return services.contacts_import_preview(owner=_person(request), data=data, fmt=fmt)

    done = attempt(request, call, form=form)
    if not done:
        request.session.pop(SESSION_KEY, None)
        return _page(request, form=form, status=done.status)
    rows = done.value
    statuses = [row.status for row in rows]
    errors = statuses.count(services.importing.ERROR)
    if not errors:
        kept["name"] = form.cleaned_data["file"].name or ""
        request.session[SESSION_KEY] = kept
    return _page(
        request,
        rows=rows,
        file_name=form.cleaned_data["file"].name,
        new=statuses.count(services.importing.NEW),
        duplicates=statuses.count(services.importing.DUPLICATE),
        errors=errors,
        confirm_form=ImportConfirmForm() if not errors else None,
    )


def _confirm(request: HttpRequest) -> HttpResponse:
    kept = request.session.get(SESSION_KEY)
    if not kept:
        messages.error(request, _("Upload the file again: its preview has expired."))
        return redirect("contacts:import")
    form = ImportConfirmForm(request.POST)
    done = attempt(
        request,
        lambda: services.contacts_import_commit(
            owner=_person(request),
            data=base64.b64decode(kept["data"]),
            fmt=kept["format"],
            skip_duplicates=form.cleaned_data["skip_duplicates"],
        ),
        lambda result: (
            ngettext("%(count)d contact imported.", "%(count)d contacts imported.", result.created)
            % {"count": result.created}
        ),
        form=form,
    )
    if not done:
        return _page(request, status=done.status, page_errors=form.non_field_errors())
    request.session.pop(SESSION_KEY, None)
    return redirect("contacts:import")


def _download(body: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_vcf(request: HttpRequest) -> HttpResponse:
    body = selectors.contacts_export(_person(request), transfer.VCARD)
    return _download(body, content_type="text/vcard", filename="contacts.vcf")


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    body = selectors.contacts_export(_person(request), transfer.CSV)
    return _download(body, content_type="text/csv", filename="contacts.csv")
