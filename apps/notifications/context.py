"""Context processor: the unread count for the inbox badge in the top navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.notifications import selectors


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    """`unread_notice_count`, counted only when a template uses it (one query).

    A callable, so pages that do not show the badge (and anonymous visitors) cost nothing.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted: list[int] = []

    def count() -> int:
        if not counted:
            counted.append(selectors.inbox_for(user).filter(read_at__isnull=True).count())
        return counted[0]

    return {"unread_notice_count": count}
