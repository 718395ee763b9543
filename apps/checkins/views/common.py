"""What the check-in pages share: how an occurrence is addressed and found, where a form
goes back to, today in the viewer's timezone, and the recurrence's own sentences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from apps.checkins import forms, rules, selectors
from apps.checkins.models import CheckInSeries, Occurrence
from apps.core.errors import DomainError
from apps.tandems.models import Membership


def viewer_tz() -> str:
    """The viewer's timezone (UserTimezoneMiddleware put it on the page)."""
    return timezone.get_current_timezone_name()


def today() -> date:
    return timezone.localdate()


def worded(exc: DomainError) -> DomainError:
    """A recurrence rule's terse fragment as the sentence a page shows."""
    return DomainError(forms.translated(exc), field=exc.field)


def occurrence_url(tandem_id: int, series_id: int, start: datetime) -> str:
    return reverse(
        "checkins:occurrence",
        kwargs={
            "tandem_id": tandem_id,
            "series_id": series_id,
            "start": rules.occurrence_key(start),
        },
    )


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (`next`), if it is one of ours."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


def find(membership: Membership, series_id: int, start: str) -> tuple[CheckInSeries, Occurrence]:
    series, occurrence = selectors.occurrence_get(
        membership=membership, series_id=series_id, start=start
    )
    occurrence.series = series
    return series, occurrence


def at(membership: Membership, series: CheckInSeries, found: Occurrence) -> dict[str, Any]:
    """How the services name the occurrence a page is about."""
    return {"membership": membership, "series_id": series.pk, "start": found.original_start}
