"""One series: its title and reminder, its timing from a date on (previewed, then confirmed),
stopping and resuming it. Either member may change a series, as in the API."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.checkins import forms, selectors, services
from apps.checkins.models import CheckInSeries
from apps.checkins.presenters import SeriesView, change_lines, date_formats
from apps.checkins.views.common import worded
from apps.core.web import attempt
from apps.tandems.models import Membership
from apps.tandems.web import member_page


def _series_page(
    request: HttpRequest,
    membership: Membership,
    series: CheckInSeries,
    *,
    details_form: forms.SeriesDetailsForm | None = None,
    reschedule_form: forms.RescheduleForm | None = None,
    preview: dict[str, Any] | None = None,
    point_form: forms.TalkingPointForm | None = None,
    point_edit: tuple[int, forms.TalkingPointForm] | None = None,
) -> HttpResponse:
    """The series' page: what it is now, and the forms to change it (one of them may come
    back with errors)."""
    # `from_date` is a day in the series' own timezone and must be after today there.
    tomorrow = timezone.now().astimezone(ZoneInfo(series.timezone)).date() + timedelta(days=1)
    can_reschedule = series.last_date is None or series.last_date >= tomorrow
    if details_form is None:
        details_form = forms.SeriesDetailsForm(initial=forms.SeriesDetailsForm.initial_for(series))
    if reschedule_form is None and can_reschedule:
        from_date = max(tomorrow, series.start_date)
        reschedule_form = forms.RescheduleForm(
            initial=forms.RescheduleForm.initial_for(series, from_date=from_date)
        )
    # The series that continues this one after a change of timing, if there is one.
    continued_by = (
        selectors.series_of(tandem=membership.tandem).filter(previous_id=series.pk).first()
    )
    points = [
        (
            point,
            point_edit[1]
            if point_edit is not None and point_edit[0] == point.pk
            else forms.TalkingPointForm(
                initial={"kind": point.kind, "text": point.text}, prefix=f"point-{point.pk}"
            ),
        )
        for point in selectors.talking_points_of(series=series)
    ]
    context = {
        "series": SeriesView.of(series),
        "points": points,
        "point_form": point_form or forms.TalkingPointForm(prefix="point"),
        "continued_by": continued_by,
        "has_ended": series.has_ended_by(tomorrow - timedelta(days=1)),
        "can_reschedule": can_reschedule,
        "details_form": details_form,
        "reschedule_form": reschedule_form,
        "preview": preview,
        "fmt": date_formats(),
    }
    return render(request, "checkins/series.html", context)


def _to_index(membership: Membership) -> HttpResponse:
    return redirect("checkins:index", tandem_id=membership.tandem_id)


@member_page
def series_edit(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
    """The series' page; POST renames it or changes its reminder (no occurrence moves)."""
    series = selectors.series_get(membership=membership, series_id=series_id)
    if request.method != "POST":
        return _series_page(request, membership, series)
    form = forms.SeriesDetailsForm(request.POST)
    if attempt(
        request,
        lambda: services.series_update(
            membership=membership,
            series_id=series.pk,
            title=form.cleaned_data["title"],
            reminder_lead=timedelta(minutes=form.cleaned_data["reminder_lead_minutes"]),
        ),
        lambda saved: _("“%(title)s” is saved.") % {"title": saved.title},
        form=form,
        wording=worded,
    ):
        return _to_index(membership)
    return _series_page(request, membership, series, details_form=form)


def _fingerprint(form: forms.RescheduleForm) -> str:
    """Which values the person saw the preview of: confirming other values previews again."""
    values = sorted((name, str(value)) for name, value in form.cleaned_data.items())
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


@member_page
@require_POST
def series_reschedule(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
    """A new timing from a date on, in two steps: first the page shows what will happen to
    skipped, moved and prepared check-ins (a preview by the same service), then the person
    confirms those same values. The service splits the series, so every check-in before that
    date stays as it was, with its agenda, notes and retros."""
    series = selectors.series_get(membership=membership, series_id=series_id)
    form = forms.RescheduleForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    confirmed = bool(data) and request.POST.get("confirm") == _fingerprint(form)
    done = attempt(
        request,
        lambda: services.series_reschedule(
            membership=membership,
            series_id=series.pk,
            from_date=data["from_date"],
            recurrence=services.recurrence_build(**form.recurrence_fields()),
            local_time=data["local_time"],
            timezone_name=data["timezone"],
            duration=timedelta(minutes=data["duration_minutes"]),
            preview=not confirmed,
        ),
        form=form,
        fields=form.error_fields() if data else None,
        wording=worded,
    )
    if not done:
        return _series_page(request, membership, series, reschedule_form=form)
    lines = change_lines(done.value.plan, timezone.get_current_timezone())
    if not confirmed:
        preview = {"lines": lines, "fingerprint": _fingerprint(form)}
        return _series_page(request, membership, series, reschedule_form=form, preview=preview)
    when = date_format(data["from_date"], date_formats()["date"])
    messages.success(
        request,
        _("From %(date)s on, “%(title)s” follows the new timing.")
        % {"date": when, "title": done.value.series.title},
    )
    for line in lines:
        messages.info(request, line)
    return _to_index(membership)


def _series_active(active: bool) -> Any:
    """Stop a series (no more check-ins planned or reminded), or let it run again."""

    @member_page
    @require_POST
    def view(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
        if active:
            message = _("“%(title)s” is running again.")
        else:
            message = _("“%(title)s” is stopped: no more check-ins are planned or reminded.")
        series = services.series_update(membership=membership, series_id=series_id, active=active)
        messages.success(request, message % {"title": series.title})
        return _to_index(membership)

    return view


series_stop = _series_active(False)
series_resume = _series_active(True)


# --- the standing agenda ---------------------------------------------------------------------


def _to_points(membership: Membership, series_id: int) -> HttpResponse:
    return redirect(
        reverse(
            "checkins:series_edit",
            kwargs={"tandem_id": membership.tandem_id, "series_id": series_id},
        )
        + "#standing"
    )


@member_page
@require_POST
def talking_point_add(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
    """Add a point to the standing agenda (either member)."""
    series = selectors.series_get(membership=membership, series_id=series_id)
    form = forms.TalkingPointForm(request.POST, prefix="point")
    if attempt(
        request,
        lambda: services.talking_point_add(
            membership=membership,
            series_id=series.pk,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        ),
        _("Added to the standing agenda."),
        form=form,
    ):
        return _to_points(membership, series.pk)
    return _series_page(request, membership, series, point_form=form)


@member_page
@require_POST
def talking_point_edit(request: HttpRequest, membership: Membership, point_id: int) -> HttpResponse:
    """Change a standing point from now on; check-ins that have started keep what they had."""
    point = selectors.talking_point_get(membership=membership, point_id=point_id)
    form = forms.TalkingPointForm(request.POST, prefix=f"point-{point.pk}")
    if attempt(
        request,
        lambda: services.talking_point_update(
            membership=membership,
            point_id=point.pk,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        ),
        _("Standing agenda changed."),
        form=form,
    ):
        return _to_points(membership, point.series_id)
    return _series_page(request, membership, point.series, point_edit=(point.pk, form))


@member_page
@require_POST
def talking_point_remove(
    request: HttpRequest, membership: Membership, point_id: int
) -> HttpResponse:
    """Take a point off the standing agenda from now on."""
    point = selectors.talking_point_get(membership=membership, point_id=point_id)
    services.talking_point_remove(membership=membership, point_id=point.pk)
    messages.success(request, _("Removed from the standing agenda."))
    return _to_points(membership, point.series_id)
