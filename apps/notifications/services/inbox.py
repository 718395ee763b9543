"""The inbox and the person's notification choices, and a person who leaves a tandem or
deletes their account (called by apps.home)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.notifications import kinds, selectors
from apps.notifications.models import (
    Delivery,
    DeliveryState,
    Notice,
    NotificationPreferences,
)


def notice_mark_read(*, user: User, notice_id: int | str) -> Notice:
    """Mark one of the person's notices read (again is a no-op that keeps the first time)."""
    notice = selectors.notice_get_for_recipient(user=user, notice_id=notice_id)
    if notice.read_at is None:
        now = timezone.now()
        if Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now):
            notice.read_at = now
        else:
            notice.refresh_from_db(fields=["read_at"])
    return notice


def notices_mark_all_read(*, user: User) -> int:
    """Mark every unread notice in the person's inbox read; returns how many changed."""
    return selectors.inbox_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def _check_email_kinds(value: object) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise DomainError(
            gettext_noop("Give true or false per kind of notice."), field="email_kinds"
        )
    for name, wanted in value.items():
        if not isinstance(name, str) or not kinds.is_known(name):
            raise DomainError(gettext_noop("Unknown kind of notice."), field="email_kinds")
        if not isinstance(wanted, bool):
            raise DomainError(
                gettext_noop("Give true or false per kind of notice."), field="email_kinds"
            )
    return value


def notification_preferences_update(*, user: User, **changes: object) -> NotificationPreferences:
    """Change the person's channel and digest choices (created on first use).

    `email_kinds` ({kind: true/false}) changes only the kinds it names; the others keep the
    person's earlier choice or the default. Stored are only the choices that differ from the
    defaults (see `NotificationPreferences`).
    """
    allowed = {"email_enabled", "email_kinds", "digest_enabled", "digest_threshold"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(gettext_noop("Unknown preference."), field=sorted(unknown)[0])
    threshold = changes.get("digest_threshold")
    if threshold is not None and not (isinstance(threshold, int) and 1 <= threshold <= 50):
        raise DomainError(gettext_noop("Choose a number from 1 to 50."), field="digest_threshold")
    if "email_kinds" in changes:
        given = _check_email_kinds(changes["email_kinds"])
    with transaction.atomic():
        prefs = selectors.notification_preferences_of(user, for_update=True)
        for name, value in changes.items():
            if name == "email_kinds":
                wanted = {**kinds.email_choices(prefs.email_kinds), **given}
                defaults = kinds.email_choices()
                value = {k: v for k, v in wanted.items() if v != defaults[k]}
            setattr(prefs, name, value)
        if changes:
            prefs.save(update_fields=list(changes))
    return prefs


# --- a notice taken back before it went out --------------------------------------------------


def notice_withdraw(*, recipient_id: int, key: str, reason: str) -> int:
    """Take back what of a notice has not gone out yet (a reminder that was replaced, or whose
    subject was settled first): its pending deliveries, in-app and e-mail, are skipped with
    `reason` and never sent; what was delivered stays. Returns how many were taken back.
    A delivery already claimed by a dispatcher is on its way and is not stopped."""
    return Delivery.objects.filter(
        notice__recipient_id=recipient_id, notice__key=key, state=DeliveryState.PENDING
    ).update(state=DeliveryState.SKIPPED, finished_at=timezone.now(), last_error=reason)


# --- a person who leaves a tandem or deletes their account (called by apps.home) ------------


def deliveries_skip_for_departed(*, user_id: int, tandem_id: int) -> int:
    """What is still on its way to a person about a tandem they left would lead to pages they
    no longer see: it is not sent (what is in their inbox stays, as a record)."""
    return Delivery.objects.filter(
        notice__recipient_id=user_id,
        notice__tandem_id=tandem_id,
        state=DeliveryState.PENDING,
    ).update(
        state=DeliveryState.SKIPPED,
        finished_at=timezone.now(),
        last_error="the recipient is no longer in the tandem",
    )


def notifications_erase_for_user(*, user: User) -> None:
    """A deleted account's inbox and notification choices go (their deliveries with them)."""
    Notice.objects.filter(recipient=user).delete()
    NotificationPreferences.objects.filter(user=user).delete()
