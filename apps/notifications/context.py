"""Context processor: the unread count for the inbox badge in the top navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.notifications import selectors

BADGE_CAP = 99


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    """`unread_notice_count`, counted only when a template uses it (one query).

    A callable, so pages that do not show the badge (and anonymous visitors) cost nothing.
    Counted up to `BADGE_CAP` + 1 (the badge then says "99+"): an inbox of fifty thousand
    unread notices costs the page what one of a hundred does.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted: list[int] = []

    def count() -> int:
        if not counted:
            unread = selectors.inbox_for(user).filter(read_at__isnull=True)
            # Any `BADGE_CAP` + 1 of them tell "99+": counted without their order (no sort).
            counted.append(unread.order_by().values("pk")[: BADGE_CAP + 1].count())
        return counted[0]

    return {"unread_notice_count": count}
