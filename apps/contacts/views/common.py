"""What the contact pages share: the signed-in person and their local date."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest

from apps.accounts.models import User
from apps.contacts import selectors


def person(request: HttpRequest) -> User:
    """The signed-in person (the pages are behind `login_required`)."""
    user = request.user
    assert isinstance(user, User)
    return user


def today(request: HttpRequest) -> date:
    return selectors.today_for(person(request))
