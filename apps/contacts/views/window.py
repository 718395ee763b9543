"""This week's suggestions (the window recorded last, or a preview until one is) and the
contacts one is losing touch with."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.contacts import selectors, services
from apps.contacts.presenters import (
    send_link,
    state_label,
    suggested_ids,
    suggestions_shown,
    window_words,
)
from apps.contacts.views.common import person, today
from apps.core.web import paginate

LOSING_TOUCH_PER_PAGE = 50
PREPARED_PER_PAGE = 20


@login_required
def window(request: HttpRequest) -> HttpResponse:
    user = person(request)
    latest = selectors.latest_window(user)
    if latest is not None:
        suggestions = latest.suggestions
    else:
        prefs = selectors.preferences_for(user)
        suggestions = selectors.suggestions_for(
            user, today=today(request), limit=prefs.suggestions_per_window
        )
    contacts = selectors.contacts_by_id(user, suggested_ids(suggestions))
    prepared = paginate(
        request, selectors.open_prepared_for_owner(user), PREPARED_PER_PAGE, param="prepared"
    )
    return render(
        request,
        "contacts/window.html",
        {
            "window": latest,
            "preview": latest is None,
            "suggestions": suggestions_shown(suggestions, contacts),
            "prepared": [(p, send_link(p.contact, p)) for p in prepared.object_list],
            "prepared_page": prepared,
            "window_words": window_words(services.window_of(user)),
            "own_window": user.window_weekday is not None,
            "timezone": user.timezone,
        },
    )


@login_required
def losing_touch(request: HttpRequest) -> HttpResponse:
    """Longest silence first, or (`?sort=recent`) the most recent last touch first; 50 a
    page. A page is one query whatever the number of contacts (`selectors.losing_touch`)."""
    user = person(request)
    on = today(request)
    recent = request.GET.get("sort") == "recent"
    found = selectors.losing_touch(user, today=on, recent=recent)
    page = paginate(request, found.values(*selectors.LOSING_TOUCH_COLUMNS), LOSING_TOUCH_PER_PAGE)
    statuses = [(row, selectors.losing_touch_status(row, today=on)) for row in page.object_list]
    return render(
        request,
        "contacts/losing_touch.html",
        {
            "rows": [(row, s, state_label(s.state)) for row, s in statuses],
            "page_obj": page,
            "query": "sort=recent" if recent else "",
            "recent": recent,
        },
    )
