"""Every read of notices, scoped to the person they are for."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import NotFound
from apps.notifications.models import Notice, NotificationPreferences
from apps.tandems.models import Membership


def inbox_for(user: User) -> QuerySet[Notice]:
    """The person's own delivered notices, newest first.

    Scoped by recipient, not by tandem membership: a notice about a tandem the person has
    since left stays theirs, and nobody else's notice is ever in it.
    """
    if not user.is_authenticated:
        return Notice.objects.none()
    return (
        Notice.objects.filter(recipient=user, delivered_at__isnull=False)
        .select_related("tandem")
        .order_by("-delivered_at", "-id")
    )


def notice_get_for_recipient(*, user: User, notice_id: int | str) -> Notice:
    """One of the person's delivered notices; anyone else's is NotFound, like a missing one."""
    try:
        pk = int(notice_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    notice = inbox_for(user).filter(pk=pk).first()
    if notice is None:
        raise NotFound(gettext_noop("Not found."))
    return notice


def notification_preferences_of(user: User, *, for_update: bool = False) -> NotificationPreferences:
    """The person's channel and digest choices, created with the defaults on first use."""
    manager = NotificationPreferences.objects
    queryset = manager.select_for_update() if for_update else manager.all()
    prefs, _created = queryset.get_or_create(user=user)
    return prefs


def notifications_export_rows(*, membership: Membership) -> dict[str, QuerySet[Notice]]:
    """The member's own notices about their tandem, for the whole-tandem export, in id order."""
    notices = inbox_for(membership.user).filter(tandem_id=membership.tandem_id)
    return {"notices": notices.order_by("pk")}


def notices_of_tandem_for_insights(
    *, membership: Membership, kinds: tuple[str, ...]
) -> QuerySet[Notice]:
    """The notices of these kinds about the member's tandem that reached an inbox, whoever
    they were for: Insights counts them per person and month (counts only, never a title or
    a body). A deleted person's notices are erased with their inbox, so they count no more."""
    return Notice.objects.filter(
        tandem_id=membership.tandem_id, kind__in=kinds, delivered_at__isnull=False
    ).order_by()
