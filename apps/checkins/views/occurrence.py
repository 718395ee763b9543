"""One check-in's page: its agenda, notes, action items and retro; and what either member
does to it (skip, restore, move, mark held, write notes, add a topic or an action item, give
the retro)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from apps.checkins import forms, selectors, services
from apps.checkins.models import CheckInSeries, Occurrence, OccurrenceStatus
from apps.checkins.presenters import (
    AgendaItemView,
    OccurrenceView,
    SeriesView,
    date_formats,
)
from apps.checkins.views.common import at, back, find, occurrence_url, today, viewer_tz
from apps.core.offline import offline_readable
from apps.core.web import attempt
from apps.delegation import selectors as delegation_selectors
from apps.tandems.models import Membership
from apps.tandems.selectors import linkable_goals
from apps.tandems.web import member_page

LINKABLE_DECISIONS = 30


def _linkable_decisions(membership: Membership) -> list[Any]:
    """The tandem's latest decisions, which a topic may point to."""
    return list(
        delegation_selectors.decisions_of(membership=membership)
        .select_related(None)
        .only("id", "title")
        .order_by("-decided_at", "-id")[:LINKABLE_DECISIONS]
    )


def _linkable_goals(membership: Membership) -> list[Any]:
    """The goals a new topic or action item may work towards (the open ones)."""
    return linkable_goals(tandem=membership.tandem)


# What the page shows of an action item (its list and "Open from before"): each column
# compiled and read on every request is CPU the page spends.
_ACTION_ITEM_FIELDS = (
    "id", "text", "owner", "owner__display_name", "owner__email", "due_date", "status", "kept"
)  # fmt: skip


def _shown(items: Any) -> Any:
    return items.select_related(None).select_related("owner").only(*_ACTION_ITEM_FIELDS)


def _agenda(membership: Membership, occurrence: Occurrence) -> list[Any]:
    """The agenda's topics with their comments; a topic's forms (edit, comment) are on its own
    pages (apps.checkins.views.agenda), not repeated here for each."""
    items = list(selectors.agenda_for_page(occurrence=occurrence))
    comments = selectors.comments_for_agenda(items=items)
    return [
        AgendaItemView(item, item.author_id == membership.user_id, comments.get(item.pk, []))
        for item in items
    ]


def _occurrence_context(
    request: HttpRequest,
    membership: Membership,
    series: CheckInSeries,
    occurrence: Occurrence,
    bound: dict[str, Any],
) -> dict[str, Any]:
    tandem = membership.tandem
    tz = viewer_tz()
    shown = OccurrenceView.of(occurrence, timezone.now())
    members = selectors.members_of_tandem(tandem_id=membership.tandem_id, names_only=True)
    decisions = _linkable_decisions(membership)
    goals = _linkable_goals(membership)
    agenda = _agenda(membership, occurrence)
    action_items = []
    if occurrence.pk:  # a meeting not yet written has none
        in_meeting = selectors.action_items_of(tandem=tandem).filter(occurrence=occurrence)
        action_items = list(_shown(in_meeting).order_by("id"))
    here = {item.pk for item in action_items}
    # "Open from before" is what the coming (or running) check-in should pick up; on a check-in
    # that is over, today's overdue items are not its business.
    overdue = (
        []
        if shown.ended
        else [
            item
            for item in _shown(selectors.action_items_overdue(tandem=tandem, today=today()))
            if item.pk not in here
        ]
    )
    retros = list(selectors.retros_of(occurrence=occurrence))
    my_retro = next((r for r in retros if r.member_id == membership.user_id), None)
    before, after = selectors.occurrence_neighbours(series=series, start=occurrence.original_start)
    retro_open = (
        shown.started and occurrence.status != OccurrenceStatus.SKIPPED and my_retro is None
    )
    note = selectors.private_note_of(membership=membership, occurrence=occurrence)
    return {
        "series": SeriesView.of(series),
        "occurrence": shown,
        "standing": selectors.standing_points_for(
            series=series, occurrence=occurrence, authors=False
        ),
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
        "agenda_form": bound.get("agenda", forms.AgendaItemForm(decisions=decisions, goals=goals)),
        "notes_form": bound.get("notes", forms.NotesForm(initial={"notes": occurrence.notes})),
        "private_form": bound.get(
            "private", forms.PrivateNoteForm(initial={"text": note.text if note else ""})
        ),
        "action_form": bound.get(
            "action",
            forms.ActionItemForm(
                members=members, goals=goals, initial={"owner": membership.user_id}
            ),
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


def occurrence_page(
    request: HttpRequest,
    membership: Membership,
    series: CheckInSeries,
    occurrence: Occurrence,
    **bound: Any,
) -> HttpResponse:
    context = _occurrence_context(request, membership, series, occurrence, bound)
    return render(request, "checkins/occurrence.html", context)


@member_page
@offline_readable
def occurrence(
    request: HttpRequest, membership: Membership, series_id: int, start: str
) -> HttpResponse:
    """One check-in: its agenda, notes, action items and retro."""
    series, found = find(membership, series_id, start)
    return occurrence_page(request, membership, series, found)


# --- skip, restore, mark held: a button, then back ------------------------------------------


def _occurrence_step(
    step: Callable[..., object], success: Promise, *, to_page: bool = False, **values: Any
) -> Callable[..., HttpResponse]:
    """A button on a check-in (skip, restore, held): run `step` on it and go back where the
    button was (`to_page`: to the check-in's page)."""

    @member_page
    @require_POST
    def view(
        request: HttpRequest, membership: Membership, series_id: int, start: str
    ) -> HttpResponse:
        series, found = find(membership, series_id, start)
        attempt(request, partial(step, **at(membership, series, found), **values), str(success))
        url = occurrence_url(membership.tandem_id, series.pk, found.original_start)
        return redirect(url) if to_page else back(request, url)

    return view


occurrence_skip = _occurrence_step(
    services.occurrence_skip, _("Skipped. Its open topics go on to the next check-in.")
)
occurrence_restore = _occurrence_step(services.occurrence_restore, _("Back at its usual time."))
occurrence_held = _occurrence_step(
    services.occurrence_update,
    _("Marked as held. Open topics go on to the next check-in."),
    to_page=True,
    held=True,
)


# --- the forms of the page: back to it, or the page again with the form's errors -------------


def _occurrence_form(
    make_form: Callable[[HttpRequest, Membership], django_forms.Form],
    step: Callable[..., object],
    success: Promise,
    *,
    bound: str,
    anchor: str = "",
    arguments: dict[str, str] | None = None,
) -> Callable[..., HttpResponse]:
    """A form on a check-in's page: `step` takes the form's values (a field named as in
    `arguments` where the service calls it differently); then back to the page at `anchor`
    (without one: back where the form was), or the page again with the form bound as
    `bound` and its errors."""
    renamed = arguments or {}

    @member_page
    @require_POST
    def view(
        request: HttpRequest, membership: Membership, series_id: int, start: str
    ) -> HttpResponse:
        series, found = find(membership, series_id, start)
        form = make_form(request, membership)

        def call() -> object:
            values = {renamed.get(name, name): value for name, value in form.cleaned_data.items()}
            return step(**at(membership, series, found), **values)

        if not attempt(request, call, str(success), form=form):
            return occurrence_page(request, membership, series, found, **{bound: form})
        url = occurrence_url(membership.tandem_id, series.pk, found.original_start)
        return redirect(url + anchor) if anchor else back(request, url)

    return view


occurrence_move = _occurrence_form(
    lambda request, _membership: forms.MoveForm(request.POST, tz=viewer_tz()),
    services.occurrence_move,
    _("Moved."),
    bound="move",
)
occurrence_notes = _occurrence_form(
    lambda request, _membership: forms.NotesForm(request.POST),
    services.occurrence_update,
    _("Notes saved."),
    bound="notes",
    anchor="#notes",
)
private_note_save = _occurrence_form(
    lambda request, _membership: forms.PrivateNoteForm(request.POST),
    services.private_note_save,
    _("Your private notes are saved."),
    bound="private",
    anchor="#private-notes",
)
agenda_add = _occurrence_form(
    lambda request, membership: forms.AgendaItemForm(
        request.POST,
        decisions=_linkable_decisions(membership),
        goals=_linkable_goals(membership),
    ),
    services.agenda_item_add,
    _("Added to the agenda."),
    bound="agenda",
    anchor="#agenda",
    arguments={"decision": "decision_id", "goal": "goal_id"},
)
action_item_add = _occurrence_form(
    lambda request, membership: forms.ActionItemForm(
        request.POST,
        members=selectors.members_of_tandem(tandem_id=membership.tandem_id),
        goals=_linkable_goals(membership),
    ),
    services.action_item_create,
    _("Action item recorded."),
    bound="action",
    anchor="#action-items",
    arguments={"owner": "owner_id", "goal": "goal_id"},
)
retro_submit = _occurrence_form(
    lambda request, _membership: forms.RetroForm(request.POST),
    services.retro_submit,
    _("Thank you: your retro is saved."),
    bound="retro",
    anchor="#retro",
)
