"""The check-ins' index page: the tandem's series, what is coming, what happened, the retro
trend and the commitments; and a new series."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.signals import setting_changed
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.checkins import forms, selectors, services
from apps.checkins.models import ActionItemStatus
from apps.checkins.presenters import (
    OccurrenceView,
    SeriesView,
    action_item_rows,
    date_formats,
    retro_trend,
)
from apps.checkins.views.common import today, viewer_tz, worded
from apps.core.web import attempt
from apps.tandems.models import Membership
from apps.tandems.selectors import former_names_of
from apps.tandems.web import member_page

UPCOMING = 10
PAST = 12
OPEN_ITEMS_SHOWN = 20  # the first due; all of them are on the action items page
# The series described at the top (and listed under "Earlier rhythms"): the first ones, all of
# them with `?series=all`; every series' meetings are in "Coming up" and "Past" regardless.
SERIES_SHOWN = 5


def _index_context(
    membership: Membership,
    series_form: forms.SeriesForm | None = None,
    *,
    every_series: bool = False,
) -> dict[str, Any]:
    tandem = membership.tandem
    now = timezone.now()
    day = today()
    # Read once: the lists below and the occurrences of every series.
    series = list(selectors.series_of(tandem=tandem).order_by("-active", "start_date", "id"))
    shown = len(series) if every_series else SERIES_SHOWN
    current_rows = [s for s in series if s.active and not s.has_ended_by(day)]
    earlier_rows = [s for s in series if s not in current_rows]
    current = [SeriesView.of(s) for s in current_rows[:shown]]
    earlier = [SeriesView.of(s) for s in earlier_rows[:shown]]
    upcoming = [
        OccurrenceView.of(occ, now)
        for occ in selectors.occurrences_upcoming_for_tandem(
            tandem=tandem, now=now, n=UPCOMING, series=series
        )
    ]
    past = [
        OccurrenceView.of(occ, now)
        for occ in selectors.occurrences_past_for_tandem(
            tandem=tandem, now=now, limit=PAST, series=series
        )
    ]
    commitments = selectors.commitments_by_member(tandem=tandem, today=day)
    members = [row.member for row in commitments]
    labels, lines = retro_trend(past, members, timezone.get_current_timezone())
    suggestion = None
    if current_rows:
        suggestion = selectors.retro_trend(series=current_rows[0], now=now).suggestion
    open_items = list(
        selectors.action_item_rows(
            selectors.action_items_of(tandem=tandem).filter(status=ActionItemStatus.OPEN)
        ).order_by(F("due_date").asc(nulls_last=True), "id")[: OPEN_ITEMS_SHOWN + 1]
    )
    # Stamped per row (`{% stamp_row %}`); the names of former members only when one is shown.
    open_rows = action_item_rows(
        open_items[:OPEN_ITEMS_SHOWN],
        tandem_id=tandem.pk,
        former=former_names_of(tandem_id=tandem.pk) if open_items else None,
        today=day,
    )
    fields = None
    if series_form is None:
        series_form = forms.SeriesForm(
            initial={"timezone": viewer_tz(), "start_date": day, "local_time": "09:00"}
        )
        fields = series_fields(series_form, day)
    return {
        "current_series": current,
        "earlier_series": earlier,
        "current_count": len(current_rows),
        "earlier_count": len(earlier_rows),
        "series_hidden": len(current_rows) - len(current) + len(earlier_rows) - len(earlier),
        "upcoming": upcoming,
        "past": past,
        "trend_labels": labels,
        "trend_lines": lines,
        "suggestion": suggestion,
        "commitments": commitments,
        "open_items": open_rows,
        # One row more than shown was read to know whether the full list has more.
        "more_open_items": len(open_items) > OPEN_ITEMS_SHOWN,
        "today": day,
        "series_form": series_form,
        "series_fields": fields,
        "viewer_tz": viewer_tz(),
        "fmt": date_formats(),
    }


# (language, timezone, day) → the unbound plan-a-check-in form's fields. Bounded: cleared
# past _FIELDS_KEPT (a day's visitors speak two languages from a few dozen timezones).
_FIELDS: dict[tuple[str | None, str, date], str] = {}
_FIELDS_KEPT = 256


def _forget(**kwargs: Any) -> None:
    # A test that changes the languages, the templates or the formats sees them.
    _FIELDS.clear()


setting_changed.connect(_forget)


def series_fields(form: forms.SeriesForm, day: date) -> str:
    """The fields of the unbound plan-a-check-in form (checkins/_series_fields.html), rendered
    once per process, language, timezone and day instead of on every visit: fifteen fields
    through the form renderer were a sixth of the page. Its initial values are the viewer's
    timezone and day and a fixed time, so these three (and the language of its labels) are
    all that it differs in."""
    key = (translation.get_language(), viewer_tz(), day)
    found = _FIELDS.get(key)
    if found is None:
        found = render_to_string("checkins/_series_fields.html", {"series_form": form})
        if len(_FIELDS) >= _FIELDS_KEPT:
            _FIELDS.clear()
        _FIELDS[key] = found
    return mark_safe(found)  # noqa: S308 - rendered (and escaped) by the template


@member_page
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The tandem's series, what is coming, what happened, the trend and the commitments.
    POST starts a new series (either member may, as in the API)."""
    form = None
    if request.method == "POST":
        form = forms.SeriesForm(request.POST)
        data = form.cleaned_data if form.is_valid() else {}
        if attempt(
            request,
            lambda: services.series_create(
                membership=membership,
                title=data["title"],
                recurrence=services.recurrence_build(**form.recurrence_fields()),
                start_date=data["start_date"],
                local_time=data["local_time"],
                timezone_name=data["timezone"],
                duration=timedelta(minutes=data["duration_minutes"]),
                reminder_lead=timedelta(minutes=data["reminder_lead_minutes"]),
                agenda_template=data.get("agenda_template") or "",
            ),
            lambda series: _("The check-in “%(title)s” is planned.") % {"title": series.title},
            form=form,
            fields=form.error_fields() if data else None,
            wording=worded,
        ):
            return redirect("checkins:index", tandem_id=membership.tandem_id)
    every_series = request.GET.get("series") == "all"
    return render(
        request, "checkins/index.html", _index_context(membership, form, every_series=every_series)
    )
