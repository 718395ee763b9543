"""The Insights page, under /t/<tandem_id>/insights/: every section's figures over a range of
months (a chart, the numbers beside it, the definition a click away), the same for both
members; a print view; the CSV download; and the monthly look back's agenda suggestion, added
to the next check-in with one click (`suggestion`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.web import attempt
from apps.insights import periods, presenters, selectors, services
from apps.insights.forms import RangeForm
from apps.insights.models import LookBack, SuggestionAdded
from apps.tandems.models import Membership
from apps.tandems.web import member_page


def _look_back(membership: Membership) -> dict[str, object] | None:
    """The viewer's latest look back (of the month that just ended) and whether its suggestion
    is on an agenda already (one query)."""
    added = SuggestionAdded.objects.filter(
        tandem_id=OuterRef("tandem_id"), month=OuterRef("month"), agenda_item__isnull=False
    )
    latest = (
        LookBack.objects.filter(tandem_id=membership.tandem_id, user_id=membership.user_id)
        .annotate(added=Exists(added))
        .order_by("-month")
        .first()
    )
    if latest is None:
        return None
    return {"row": latest, "added": latest.added, "month": latest.month.strftime("%Y-%m")}


@member_page
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    today = periods.today_in(membership.tandem.timezone)
    form = RangeForm(request.GET or None, today=today)
    first, last = form.range_or_default()
    status = 200
    try:
        found = selectors.insights_for(membership=membership, first=first, last=last)
    except DomainError as exc:  # an end before the start, a range too long
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        first, last = periods.default_range(today)
        found = selectors.insights_for(membership=membership, first=first, last=last)
    if form.is_bound and form.errors:
        status = 400
    query = urlencode({"from": first.isoformat(), "to": last.isoformat()})
    printing = request.GET.get("print") == "1"
    return render(
        request,
        "insights/index.html",
        {
            "form": form,
            "sections": presenters.page_sections(found),
            "first": found.months[0],
            "last": found.months[-1],
            "query": query,
            "csv_url": reverse("api-insights-csv", args=[membership.tandem_id]) + "?" + query,
            "print_url": reverse("insights:index", args=[membership.tandem_id])
            + f"?{query}&print=1",
            "printing": printing,
            "look_back": None if printing else _look_back(membership),
        },
        status=status,
    )


@require_POST
@member_page
def suggestion(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Put a month's agenda suggestion on the next check-in's agenda (once per month)."""
    attempt(
        request,
        lambda: services.suggestion_add(
            membership=membership,
            month=services.parse_month(request.POST.get("month", "")),
        ),
        lambda result: (
            _("The topic is on the agenda of your next check-in.")
            if result[1]
            else _("The topic was on the agenda already.")
        ),
    )
    return redirect(reverse("insights:index", args=[membership.tandem_id]) + "#look-back")
