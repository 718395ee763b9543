"""Pages of contact care."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.contacts import selectors


@login_required
def window(request: HttpRequest) -> HttpResponse:
    """This week's suggestions: the window recorded last, with the touches prepared."""
    user = request.user
    return render(
        request,
        "contacts/window.html",
        {
            "window": selectors.latest_window(user),  # type: ignore[arg-type]
            "prepared": selectors.open_prepared_for_owner(user),  # type: ignore[arg-type]
        },
    )
