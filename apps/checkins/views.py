"""Web pages of check-ins, under /t/<tandem_id>/check-ins/.

As thin as the API: reads go through `selectors` (scoped to the person's tandem), writes
through the same `services` the API calls. An occurrence is identified as in the API, by its
series and its computed start in UTC (`rules.occurrence_key`); untouched occurrences have no
row, and the services create one when someone writes to it. Every form works without
JavaScript: POST, then a redirect back, or the page again with the error next to the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.db.models import F
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from apps.checkins import forms, rescheduling, rules, selectors, services
from apps.checkins.models import (
    ActionItemStatus,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
)
from apps.checkins.recurrence import LAST_DAY, Frequency
from apps.core.errors import DomainError, NotFound, PermissionDenied
from apps.delegation import selectors as delegation_selectors
from apps.tandems.models import Membership
from apps.tandems.web import member_page

UPCOMING = 10
PAST = 12
LINKABLE_DECISIONS = 30
ACTION_ITEMS_SHOWN = 200


# --- words for a series ---------------------------------------------------------------------


def rhythm_text(series: CheckInSeries) -> str:
    """ "Every 2 weeks on Monday and Thursday", in the active language."""
    rec = series.recurrence
    n = rec.interval
    if rec.frequency == Frequency.DAILY:
        return ngettext("Every day", "Every %(count)s days", n) % {"count": n}
    if rec.frequency == Frequency.WEEKLY:
        days = str(get_text_list([str(WEEKDAYS[day]) for day in rec.weekdays], _("and")))
        return ngettext("Every week on %(days)s", "Every %(count)s weeks on %(days)s", n) % {
            "count": n,
            "days": days,
        }
    if rec.frequency == Frequency.ONCE:
        return _("Once, on %(date)s") % {"date": date_format(series.start_date, "DATE_FORMAT")}
    month = MONTHS[rec.month] if rec.month else ""
    if rec.frequency == Frequency.MONTHLY_BY_DATE and rec.month_day == LAST_DAY:
        return ngettext(
            "Every month on the last day", "Every %(count)s months on the last day", n
        ) % {"count": n}
    if rec.frequency == Frequency.MONTHLY_BY_DATE:
        return ngettext(
            "Every month on day %(day)s", "Every %(count)s months on day %(day)s", n
        ) % {"count": n, "day": rec.month_day}
    if rec.frequency == Frequency.YEARLY_BY_DATE and rec.month_day == LAST_DAY:
        return ngettext(
            "Every year on the last day of %(month)s",
            "Every %(count)s years on the last day of %(month)s",
            n,
        ) % {"count": n, "month": month}
    if rec.frequency == Frequency.YEARLY_BY_DATE:
        return ngettext(
            "Every year on %(day)s %(month)s", "Every %(count)s years on %(day)s %(month)s", n
        ) % {"count": n, "day": rec.month_day, "month": month}
    nth = dict(forms.NTH_CHOICES)[rec.nth or 1]
    if len(rec.weekdays) == 1:
        weekday = WEEKDAYS[rec.weekdays[0]]
    else:
        weekday = str(
            next(name for days, name in forms.DAY_SET_CHOICES.values() if days == rec.weekdays)
        )
    if rec.frequency == Frequency.YEARLY_BY_WEEKDAY:
        return ngettext(
            "Every year on the %(nth)s %(weekday)s of %(month)s",
            "Every %(count)s years on the %(nth)s %(weekday)s of %(month)s",
            n,
        ) % {"count": n, "nth": nth, "weekday": weekday, "month": month}
    return ngettext(
        "Every month on the %(nth)s %(weekday)s",
        "Every %(count)s months on the %(nth)s %(weekday)s",
        n,
    ) % {"count": n, "nth": nth, "weekday": weekday}


def minutes_text(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


def ends_text(series: CheckInSeries) -> str:
    rec = series.recurrence
    if series.last_date is None or rec.frequency == Frequency.ONCE:
        return ""  # a single meeting's date is its rhythm already
    last = date_format(series.last_date, "DATE_FORMAT")
    if rec.count is not None:
        return ngettext(
            "%(count)s check-in, the last on %(date)s",
            "%(count)s check-ins, the last on %(date)s",
            rec.count,
        ) % {"count": rec.count, "date": last}
    return _("Until %(date)s") % {"date": last}


def _describe(series: CheckInSeries) -> CheckInSeries:
    series.rhythm = rhythm_text(series)  # type: ignore[attr-defined]
    series.duration_text = minutes_text(series.duration)  # type: ignore[attr-defined]
    series.lead_text = minutes_text(series.reminder_lead)  # type: ignore[attr-defined]
    series.ends_text = ends_text(series)  # type: ignore[attr-defined]
    return series


# --- helpers --------------------------------------------------------------------------------


def date_formats() -> dict[str, str]:
    """How the pages write dates, per language (German puts a dot after the day)."""
    return {
        "when": pgettext("date format: weekday, date, time", "D j M Y, H:i"),
        "moved": pgettext("date format: weekday, day, month, time", "D j M, H:i"),
        "heading": pgettext("date format: weekday and full date", "l, j F Y"),
        "date": pgettext("date format: short date", "j M Y"),
        "day": pgettext("date format: day and month", "j M"),
    }


def _tz(request: HttpRequest) -> str:
    return request.user.timezone  # type: ignore[union-attr]


def _today(request: HttpRequest) -> date:
    return timezone.now().astimezone(ZoneInfo(_tz(request))).date()


def _http(exc: DomainError) -> None:
    """A missing or foreign object is a 404 page, a role that may not do this a 403."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    if isinstance(exc, PermissionDenied):
        raise HttpPermissionDenied(forms.translated(exc)) from None


def _attempt(
    request: HttpRequest,
    call: Callable[[], object],
    success: str,
    *,
    form: Form | None = None,
    fields: dict[str, str] | None = None,
) -> bool:
    """Run one service call for a page. On success show `success` and return True. When the
    service refuses: a missing object is a 404 and a forbidden role a 403 (`_http`); any other
    reason goes next to the form's field (`form`), or becomes a message, and False is returned.
    """
    try:
        call()
    except DomainError as exc:
        _http(exc)
        if form is None:
            messages.error(request, forms.translated(exc))
        else:
            forms.show_error(form, exc, fields=fields)
        return False
    messages.success(request, success)
    return True


def _key(occurrence: Occurrence) -> str:
    return rules.occurrence_key(occurrence.original_start)


def occurrence_url(tandem_id: int, series_id: int, start: datetime) -> str:
    return reverse(
        "checkins:occurrence",
        kwargs={
            "tandem_id": tandem_id,
            "series_id": series_id,
            "start": rules.occurrence_key(start),
        },
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (`next`), if it is one of ours."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


def _find(membership: Membership, series_id: int, start: str) -> tuple[CheckInSeries, Occurrence]:
    try:
        series, occurrence = selectors.occurrence_get(
            membership=membership, series_id=series_id, start=start
        )
    except DomainError as exc:
        _http(exc)
        raise
    occurrence.series = series
    return series, occurrence


def _at(membership: Membership, series: CheckInSeries, found: Occurrence) -> dict[str, Any]:
    """How the services name the occurrence a page is about."""
    return {"membership": membership, "series_id": series.pk, "start": found.original_start}


def _mark(occurrence: Occurrence, now: datetime) -> Occurrence:
    """What a page may offer for this occurrence, from its state and the time."""
    started = occurrence.start <= now
    status = occurrence.status
    occurrence.key = _key(occurrence)  # type: ignore[attr-defined]
    occurrence.end = occurrence.start + occurrence.series.duration  # type: ignore[attr-defined]
    occurrence.started = started  # type: ignore[attr-defined]
    occurrence.ended = occurrence.end <= now  # type: ignore[attr-defined]
    occurrence.can_skip = not started and status != OccurrenceStatus.SKIPPED  # type: ignore[attr-defined]
    occurrence.can_move = not started and status != OccurrenceStatus.SKIPPED  # type: ignore[attr-defined]
    occurrence.can_restore = (  # type: ignore[attr-defined]
        not started
        and occurrence.original_start > now
        and status in (OccurrenceStatus.SKIPPED, OccurrenceStatus.MOVED)
    )
    occurrence.can_hold = started and status not in (  # type: ignore[attr-defined]
        OccurrenceStatus.HELD,
        OccurrenceStatus.SKIPPED,
    )
    occurrence.can_add = status != OccurrenceStatus.SKIPPED  # type: ignore[attr-defined]
    return occurrence


# --- the index page -------------------------------------------------------------------------


def _trend(
    past: list[Occurrence], members: list[Membership], tz: ZoneInfo
) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """Labels (oldest first) and one line per member of their own retro ratings."""
    rated = [occ for occ in reversed(past) if occ.status != OccurrenceStatus.SKIPPED]
    day = date_formats()["day"]
    labels = [date_format(occ.start.astimezone(tz).date(), day) for occ in rated]
    lines = []
    for member in members:
        values: list[float | None] = []
        for occ in rated:
            mine = [r.effectiveness for r in occ.page_retros if r.member_id == member.user_id]  # type: ignore[attr-defined]
            values.append(float(mine[0]) if mine else None)
        lines.append((member.user.name, values))
    return labels, lines


def _index_context(
    request: HttpRequest, membership: Membership, series_form: forms.SeriesForm | None = None
) -> dict[str, Any]:
    tandem = membership.tandem
    now = timezone.now()
    tz = ZoneInfo(_tz(request))
    today = _today(request)
    all_series = [
        _describe(s)
        for s in selectors.series_of(tandem=tandem).order_by("-active", "start_date", "id")
    ]
    current = [s for s in all_series if s.active and not s.has_ended_by(today)]
    earlier = [s for s in all_series if s not in current]
    upcoming = [
        _mark(occ, now)
        for occ in selectors.occurrences_upcoming_for_tandem(tandem=tandem, now=now, n=UPCOMING)
    ]
    past = [
        _mark(occ, now)
        for occ in selectors.occurrences_past_for_tandem(tandem=tandem, now=now, limit=PAST)
    ]
    commitments = selectors.commitments_by_member(tandem=tandem, today=today)
    members = [row.member for row in commitments]
    labels, lines = _trend(past, members, tz)
    suggestion = None
    if current:
        suggestion = selectors.retro_trend(series=current[0], now=now).suggestion
    open_items = list(
        selectors.action_items_of(tandem=tandem)
        .filter(status=ActionItemStatus.OPEN)
        .order_by(F("due_date").asc(nulls_last=True), "id")[:ACTION_ITEMS_SHOWN]
    )
    if series_form is None:
        series_form = forms.SeriesForm(
            initial={"timezone": _tz(request), "start_date": today, "local_time": "09:00"}
        )
    return {
        "current_series": current,
        "earlier_series": earlier,
        "upcoming": upcoming,
        "past": past,
        "trend_labels": labels,
        "trend_lines": lines,
        "suggestion": suggestion,
        "commitments": commitments,
        "open_items": open_items,
        "today": today,
        "series_form": series_form,
        "viewer_tz": _tz(request),
        "fmt": date_formats(),
    }


@member_page
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The tandem's series, what is coming, what happened, the trend and the commitments.
    POST starts a new series (either member may, as in the API)."""
    form = None
    if request.method == "POST":
        form = forms.SeriesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                series = services.series_create(
                    membership=membership,
                    title=data["title"],
                    recurrence=services.recurrence_build(**form.recurrence_fields()),
                    start_date=data["start_date"],
                    local_time=data["local_time"],
                    timezone_name=data["timezone"],
                    duration=timedelta(minutes=data["duration_minutes"]),
                    reminder_lead=timedelta(minutes=data["reminder_lead_minutes"]),
                )
            except DomainError as exc:
                _http(exc)
                forms.show_error(form, exc, fields=form.error_fields())
            else:
                messages.success(
                    request, _("The check-in “%(title)s” is planned.") % {"title": series.title}
                )
                return redirect("checkins:index", tandem_id=membership.tandem_id)
    return render(request, "checkins/index.html", _index_context(request, membership, form))


# --- the occurrence page --------------------------------------------------------------------


def _linkable_decisions(membership: Membership) -> list[Any]:
    """The tandem's latest decisions, which a topic may point to."""
    return list(
        delegation_selectors.decisions_of(membership=membership)
        .select_related(None)
        .only("id", "title")
        .order_by("-decided_at", "-id")[:LINKABLE_DECISIONS]
    )


def _occurrence_context(
    request: HttpRequest,
    membership: Membership,
    series: CheckInSeries,
    occurrence: Occurrence,
    bound: dict[str, Any] | None = None,
) -> dict[str, Any]:
    bound = bound or {}
    tandem = membership.tandem
    now = timezone.now()
    tz = _tz(request)
    _describe(series)
    _mark(occurrence, now)
    members = selectors.members_of_tandem(tandem_id=membership.tandem_id)
    decisions = _linkable_decisions(membership)
    agenda = list(selectors.agenda_for_page(occurrence=occurrence))
    edit_item_id, edit_form = bound.get("edit", (None, None))
    for item in agenda:
        item.mine = item.author_id == membership.user_id  # type: ignore[attr-defined]
        if item.pk == edit_item_id:
            item.edit_form = edit_form  # type: ignore[attr-defined]
        elif item.mine:  # type: ignore[attr-defined]
            item.edit_form = forms.AgendaItemEditForm(  # type: ignore[attr-defined]
                initial={"kind": item.kind, "text": item.text}, prefix=f"item-{item.pk}"
            )
    action_items = (
        list(selectors.action_items_of(tandem=tandem).filter(occurrence=occurrence).order_by("id"))
        if occurrence.pk
        else []
    )
    here = {item.pk for item in action_items}
    # "Open from before" is what the coming (or running) check-in should pick up; on a check-in
    # that is over, today's overdue items are not its business.
    overdue = (
        []
        if occurrence.ended  # type: ignore[attr-defined]
        else [
            item
            for item in selectors.action_items_overdue(tandem=tandem, today=_today(request))
            if item.pk not in here
        ]
    )
    retros = list(selectors.retros_of(occurrence=occurrence))
    my_retro = next((r for r in retros if r.member_id == membership.user_id), None)
    before, after = selectors.occurrence_neighbours(series=series, start=occurrence.original_start)
    retro_open = (
        occurrence.started  # type: ignore[attr-defined]
        and occurrence.status != OccurrenceStatus.SKIPPED
        and my_retro is None
    )
    return {
        "series": series,
        "occurrence": occurrence,
        "agenda": agenda,
        "carried_in": sum(1 for item in agenda if item.carried_from_id),
        "action_items": action_items,
        "overdue": overdue,
        "retros": retros,
        "my_retro": my_retro,
        "retro_open": retro_open,
        "members": members,
        "previous_url": before and occurrence_url(tandem.pk, series.pk, before),
        "next_url": after and occurrence_url(tandem.pk, series.pk, after),
        "here": request.path,
        "viewer_tz": tz,
        "fmt": date_formats(),
        "series_tz_differs": series.timezone != tz,
        "agenda_form": bound.get("agenda", forms.AgendaItemForm(decisions=decisions)),
        "notes_form": bound.get("notes", forms.NotesForm(initial={"notes": occurrence.notes})),
        "action_form": bound.get(
            "action", forms.ActionItemForm(members=members, initial={"owner": membership.user_id})
        ),
        "retro_form": bound.get("retro", forms.RetroForm()),
        "move_form": bound.get(
            "move",
            forms.MoveForm(
                tz=tz,
                initial={"to": occurrence.start.astimezone(ZoneInfo(tz)).replace(tzinfo=None)},
            ),
        ),
    }


def _occurrence_page(
    request: HttpRequest,
    membership: Membership,
    series: CheckInSeries,
    occurrence: Occurrence,
    **bound: Any,
) -> HttpResponse:
    context = _occurrence_context(request, membership, series, occurrence, bound)
    return render(request, "checkins/occurrence.html", context)


@member_page
def occurrence(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    """One check-in: its agenda, notes, action items and retro."""
    series, found = _find(membership, series_id, start)
    return _occurrence_page(request, membership, series, found)


def _after_write(
    membership: Membership, series: CheckInSeries, start: datetime, anchor: str
) -> HttpResponse:
    return redirect(occurrence_url(membership.tandem_id, series.pk, start) + anchor)


@member_page
@require_POST
def occurrence_skip(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    _attempt(
        request,
        partial(services.occurrence_skip, **_at(membership, series, found)),
        _("Skipped. Its open topics go on to the next check-in."),
    )
    return _back(request, occurrence_url(membership.tandem_id, series.pk, found.original_start))


@member_page
@require_POST
def occurrence_restore(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    _attempt(
        request,
        partial(services.occurrence_restore, **_at(membership, series, found)),
        _("Back at its usual time."),
    )
    return _back(request, occurrence_url(membership.tandem_id, series.pk, found.original_start))


@member_page
@require_POST
def occurrence_move(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    form = forms.MoveForm(request.POST, tz=_tz(request))
    if form.is_valid() and _attempt(
        request,
        lambda: services.occurrence_move(
            **_at(membership, series, found),
            to=form.cleaned_data["to"],
        ),
        _("Moved."),
        form=form,
    ):
        return _back(request, occurrence_url(membership.tandem_id, series.pk, found.original_start))
    return _occurrence_page(request, membership, series, found, move=form)


@member_page
@require_POST
def occurrence_held(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    _attempt(
        request,
        partial(
            services.occurrence_update,
            **_at(membership, series, found),
            held=True,
        ),
        _("Marked as held. Open topics go on to the next check-in."),
    )
    return _after_write(membership, series, found.original_start, "")


@member_page
@require_POST
def occurrence_notes(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    form = forms.NotesForm(request.POST)
    if form.is_valid() and _attempt(
        request,
        lambda: services.occurrence_update(
            **_at(membership, series, found),
            notes=form.cleaned_data["notes"],
        ),
        _("Notes saved."),
        form=form,
    ):
        return _after_write(membership, series, found.original_start, "#notes")
    return _occurrence_page(request, membership, series, found, notes=form)


@member_page
@require_POST
def agenda_add(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    form = forms.AgendaItemForm(request.POST, decisions=_linkable_decisions(membership))
    if form.is_valid() and _attempt(
        request,
        lambda: services.agenda_item_add(
            **_at(membership, series, found),
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            decision_id=form.cleaned_data["decision"],
        ),
        _("Added to the agenda."),
        form=form,
    ):
        return _after_write(membership, series, found.original_start, "#agenda")
    return _occurrence_page(request, membership, series, found, agenda=form)


@member_page
@require_POST
def action_item_add(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    members = selectors.members_of_tandem(tandem_id=membership.tandem_id)
    form = forms.ActionItemForm(request.POST, members=members)
    if form.is_valid() and _attempt(
        request,
        lambda: services.action_item_create(
            **_at(membership, series, found),
            text=form.cleaned_data["text"],
            owner_id=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
        ),
        _("Action item recorded."),
        form=form,
    ):
        return _after_write(membership, series, found.original_start, "#action-items")
    return _occurrence_page(request, membership, series, found, action=form)


@member_page
@require_POST
def retro_submit(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    series, found = _find(membership, series_id, start)
    form = forms.RetroForm(request.POST)
    if form.is_valid() and _attempt(
        request,
        lambda: services.retro_submit(
            **_at(membership, series, found),
            effectiveness=form.cleaned_data["effectiveness"],
            what_would_help=form.cleaned_data["what_would_help"],
        ),
        _("Thank you: your retro is saved."),
        form=form,
    ):
        return _after_write(membership, series, found.original_start, "#retro")
    return _occurrence_page(request, membership, series, found, retro=form)


# --- agenda items ---------------------------------------------------------------------------


def _agenda_item(membership: Membership, item_id: int) -> AgendaItem:
    try:
        return selectors.agenda_item_get(membership=membership, item_id=item_id)
    except DomainError as exc:
        _http(exc)
        raise


def _item_page(item: AgendaItem, membership: Membership, anchor: str = "#agenda") -> HttpResponse:
    occ = item.occurrence
    return redirect(
        occurrence_url(membership.tandem_id, occ.series_id, occ.original_start) + anchor
    )


@member_page
@require_POST
def agenda_item_edit(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Only the author changes what an item says (403 for the other member, as in the API)."""
    item = _agenda_item(membership, item_id)
    form = forms.AgendaItemEditForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid() and _attempt(
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
    occ = item.occurrence
    return _occurrence_page(request, membership, occ.series, occ, edit=(item.pk, form))


@member_page
@require_POST
def agenda_item_resolve(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Either member marks an item resolved, or open again."""
    item = _agenda_item(membership, item_id)
    resolved = request.POST.get("resolved") == "1"
    try:
        services.agenda_item_update(membership=membership, item_id=item.pk, resolved=resolved)
    except DomainError as exc:
        _http(exc)
        messages.error(request, forms.translated(exc))
    return _item_page(item, membership, f"#item-{item.pk}")


@member_page
@require_POST
def agenda_item_order(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Either member moves an item one place up or down."""
    item = _agenda_item(membership, item_id)
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
    item = _agenda_item(membership, item_id)
    try:
        services.agenda_item_delete(membership=membership, item_id=item.pk)
    except DomainError as exc:
        _http(exc)
        raise
    messages.success(request, _("Removed from the agenda."))
    return _item_page(item, membership)


# --- action items ---------------------------------------------------------------------------


STATUS_FILTERS = ("open", "done", "dropped", "all")


@member_page
def action_items(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Both members' commitments: what is open, what was kept, what was dropped. POST records
    one agreed outside a check-in."""
    tandem = membership.tandem
    today = _today(request)
    commitments = selectors.commitments_by_member(tandem=tandem, today=today)
    members = [row.member for row in commitments]
    shown = request.GET.get("status", "open")
    if shown not in STATUS_FILTERS:
        shown = "open"
    form = forms.ActionItemForm(members=members, initial={"owner": membership.user_id})
    if request.method == "POST":
        form = forms.ActionItemForm(request.POST, members=members)
        if form.is_valid() and _attempt(
            request,
            lambda: services.action_item_create(
                membership=membership,
                text=form.cleaned_data["text"],
                owner_id=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            ),
            _("Action item recorded."),
            form=form,
        ):
            return redirect("checkins:action_items", tandem_id=tandem.pk)
    found = selectors.action_items_of(tandem=tandem)
    if shown != "all":
        found = found.filter(status=shown)
    items = list(
        found.order_by("status", F("due_date").asc(nulls_last=True), "-id")[:ACTION_ITEMS_SHOWN]
    )
    for item in items:
        if item.occurrence is not None:
            item.occurrence.key = _key(item.occurrence)  # type: ignore[attr-defined]
    return render(
        request,
        "checkins/action_items.html",
        {
            "commitments": commitments,
            "items": items,
            "shown": shown,
            "filters": [
                ("open", _("Open")),
                ("done", _("Done")),
                ("dropped", _("Dropped")),
                ("all", _("All")),
            ],
            "form": form,
            "today": today,
            "viewer_tz": _tz(request),
            "fmt": date_formats(),
        },
    )


@member_page
@require_POST
def action_item_status(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
    """Either member marks an action item done, dropped, or open again."""
    form = forms.ActionItemStatusForm(request.POST)
    fallback = reverse("checkins:action_items", kwargs={"tandem_id": membership.tandem_id})
    if not form.is_valid():
        messages.error(request, _("Choose done, dropped or open."))
        return _back(request, fallback)
    try:
        item = services.action_item_update(
            membership=membership, item_id=item_id, status=form.cleaned_data["status"]
        )
    except DomainError as exc:
        _http(exc)
        messages.error(request, forms.translated(exc))
        return _back(request, fallback)
    if item.status == ActionItemStatus.DONE:
        if item.kept:
            messages.success(request, _("Done, and on time: a commitment kept."))
        else:
            messages.success(request, _("Done."))
    elif item.status == ActionItemStatus.DROPPED:
        messages.success(request, _("Dropped: released, not broken."))
    else:
        messages.success(request, _("Open again."))
    return _back(request, fallback)


# --- one series: its title and reminder, its timing from a date on, stop and resume ---------
# Either member may change a series, as in the API.


def _series(membership: Membership, series_id: int) -> CheckInSeries:
    try:
        return selectors.series_get(membership=membership, series_id=series_id)
    except DomainError as exc:
        _http(exc)
        raise


def _series_page(
    request: HttpRequest,
    membership: Membership,
    series: CheckInSeries,
    *,
    details_form: forms.SeriesDetailsForm | None = None,
    reschedule_form: forms.RescheduleForm | None = None,
    preview: dict[str, Any] | None = None,
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
    context = {
        "series": _describe(series),
        "continued_by": continued_by,
        "has_ended": series.has_ended_by(tomorrow - timedelta(days=1)),
        "can_reschedule": can_reschedule,
        "details_form": details_form,
        "reschedule_form": reschedule_form,
        "preview": preview,
        "fmt": date_formats(),
    }
    return render(request, "checkins/series.html", context)


def _series_done(request: HttpRequest, membership: Membership, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("checkins:index", tandem_id=membership.tandem_id)


@member_page
def series_edit(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
    """The series' page; POST renames it or changes its reminder (no occurrence moves)."""
    series = _series(membership, series_id)
    if request.method != "POST":
        return _series_page(request, membership, series)
    form = forms.SeriesDetailsForm(request.POST)
    if form.is_valid():
        try:
            series = services.series_update(
                membership=membership,
                series_id=series.pk,
                title=form.cleaned_data["title"],
                reminder_lead=timedelta(minutes=form.cleaned_data["reminder_lead_minutes"]),
            )
        except DomainError as exc:
            _http(exc)
            forms.show_error(form, exc)
        else:
            return _series_done(
                request, membership, _("“%(title)s” is saved.") % {"title": series.title}
            )
    return _series_page(request, membership, series, details_form=form)


def _change_lines(request: HttpRequest, plan: rescheduling.Plan) -> list[str]:
    """The plan of a change of timing in sentences, times in the viewer's timezone."""
    tz = ZoneInfo(_tz(request))
    when = date_formats()["when"]

    def at(instant: datetime | None) -> str:
        return "" if instant is None else date_format(instant.astimezone(tz), when)

    texts = {
        rescheduling.ChangeKind.STAYS: _(
            "The check-in of %(start)s took place or was moved before the change: it stays "
            "where it is, with everything on it."
        ),
        rescheduling.ChangeKind.FOLLOWS: _(
            "What was prepared for %(start)s goes to the new check-in on %(to)s."
        ),
        rescheduling.ChangeKind.SKIP_KEPT: _(
            "Skipped %(start)s: the new check-in on %(to)s is skipped instead."
        ),
        rescheduling.ChangeKind.MOVE_KEPT: _(
            "Moved to %(moved_to)s: stays moved there (it replaces the new check-in on %(to)s)."
        ),
        rescheduling.ChangeKind.CONTENT_MOVED: _(
            "Nothing in the new rhythm replaces %(start)s: what was prepared for it goes to %(to)s."
        ),
        rescheduling.ChangeKind.NEW_SKIPPED: _(
            "The new check-in on %(start)s would overlap one that stays, so it is skipped."
        ),
    }
    not_kept = {
        rescheduling.NotKept.NO_COUNTERPART: _("nothing in the new rhythm replaces it"),
        rescheduling.NotKept.OVERLAP: _("it would overlap another check-in"),
        rescheduling.NotKept.PASSED: _("that time has passed"),
    }
    lines = []
    for change in rescheduling.describe(plan):
        values = {
            "start": at(change.start),
            "to": at(change.to),
            "moved_to": at(change.moved_to),
            "reason": not_kept[change.reason] if change.reason else "",
        }
        if change.kind == rescheduling.ChangeKind.SKIP_NOT_KEPT:
            text = _("Could not be kept: the skip of %(start)s (%(reason)s).")
        elif change.kind == rescheduling.ChangeKind.MOVE_NOT_KEPT:
            text = _("Could not be kept: the move of %(start)s to %(moved_to)s (%(reason)s).")
        else:
            text = texts[change.kind]
        line = text % values
        if change.kind in _NOT_KEPT_KINDS and change.has_content and change.to:
            line += " " + _("What was prepared for it goes to %(to)s.") % values
        lines.append(line)
    return lines


_NOT_KEPT_KINDS = (rescheduling.ChangeKind.SKIP_NOT_KEPT, rescheduling.ChangeKind.MOVE_NOT_KEPT)


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
    series = _series(membership, series_id)
    form = forms.RescheduleForm(request.POST)
    preview: dict[str, Any] | None = None
    if form.is_valid():
        data = form.cleaned_data
        confirmed = request.POST.get("confirm") == _fingerprint(form)
        try:
            done = services.series_reschedule(
                membership=membership,
                series_id=series.pk,
                from_date=data["from_date"],
                recurrence=services.recurrence_build(**form.recurrence_fields()),
                local_time=data["local_time"],
                timezone_name=data["timezone"],
                duration=timedelta(minutes=data["duration_minutes"]),
                preview=not confirmed,
            )
        except DomainError as exc:
            _http(exc)
            forms.show_error(form, exc, fields=form.error_fields())
        else:
            lines = _change_lines(request, done.plan)
            if not confirmed:
                preview = {"lines": lines, "fingerprint": _fingerprint(form)}
            else:
                when = date_format(data["from_date"], date_formats()["date"])
                messages.success(
                    request,
                    _("From %(date)s on, “%(title)s” follows the new timing.")
                    % {"date": when, "title": done.series.title},
                )
                for line in lines:
                    messages.info(request, line)
                return redirect("checkins:index", tandem_id=membership.tandem_id)
    return _series_page(request, membership, series, reschedule_form=form, preview=preview)


def _set_active(
    request: HttpRequest, membership: Membership, series_id: int, *, active: bool
) -> HttpResponse:
    try:
        series = services.series_update(membership=membership, series_id=series_id, active=active)
    except DomainError as exc:
        _http(exc)
        raise
    if active:
        message = _("“%(title)s” is running again.")
    else:
        message = _("“%(title)s” is stopped: no more check-ins are planned or reminded.")
    return _series_done(request, membership, message % {"title": series.title})


@member_page
@require_POST
def series_stop(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
    return _set_active(request, membership, series_id, active=False)


@member_page
@require_POST
def series_resume(request: HttpRequest, membership: Membership, series_id: int) -> HttpResponse:
    return _set_active(request, membership, series_id, active=True)
