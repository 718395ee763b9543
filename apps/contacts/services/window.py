"""The weekly communication window: once per window and person, at most a few suggestions,
announced by one notice (in-app and e-mail through the dispatcher), never one per contact.

The scan (`windows_announce`, a periodic task) is one bounded pass per tick: the people whose
`ContactPreferences.next_window_at` has come, oldest first, at most a batch. Each is handled
in its own transaction with its row locked (SKIP LOCKED on PostgreSQL, so two schedulers
share the work), and the window row is unique per person and opening, so a window is
announced once whatever happens. A person paused at the opening gets nothing, and nothing
piles up: the next window brings the usual few again. A window the scan reaches more than
`STALE_AFTER` late (the scheduler was down) is skipped rather than announced late. While a
crowd is due (the default window is everyone's Monday 09:00), the periodic task's pass
enqueues the next one at once instead of waiting for the next beat tick.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Final

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.accounts.models import User
from apps.contacts import rules, selectors
from apps.contacts.models import ContactPreferences, ContactWindow
from apps.notifications import timing
from apps.notifications.services import notify, preferences_of

logger = logging.getLogger(__name__)

STALE_AFTER: Final = timedelta(days=1)
# A person whose window failed (a bug, a lost connection) is tried again this much later,
# as if their window opened then.
RETRY_AFTER: Final = timedelta(minutes=15)
# What a window announced is worth: until the next one.
NOTICE_LIFETIME: Final = timedelta(days=7)


def window_of(user: User) -> timing.Window:
    """The person's weekly communication window, or the default one (`rules.DEFAULT_WINDOW`)."""
    window = preferences_of(user).window
    if window is not None:
        return window
    weekday, start, end = rules.DEFAULT_WINDOW
    return timing.Window(weekday, start, end)


def next_opening(user: User, after: datetime) -> datetime:
    return timing.next_window_opening(after, window_of(user), user.timezone)


def windows_reschedule(*, user: User, now: datetime | None = None) -> None:
    """After the person changed their window or timezone: the next window is the new one.

    A window that has already opened and waits for the scan's next tick stays: changing
    one's quiet hours at 09:02 must not lose the window of 09:00 (the scan then schedules
    the one after it by the new hours)."""
    now = now or timezone.now()
    ContactPreferences.objects.filter(user=user).exclude(next_window_at__lte=now).update(
        next_window_at=next_opening(user, now)
    )


def windows_announce(
    *, now: datetime | None = None, batch: int | None = None, follow_up: bool = False
) -> int:
    """One bounded pass: announce the windows that have opened. Returns how many notices.

    `follow_up` (the periodic task): when the pass took a full batch and got anywhere, more
    may be due (many people share the default Monday 09:00), so the next pass is enqueued
    at once: the crowd is announced at the workers' pace, within minutes of the opening,
    not one batch per beat tick (hours later)."""
    now = now or timezone.now()
    batch = batch or settings.TANDEM_CONTACTS_WINDOW_BATCH
    _schedule_new(now, batch)
    due = list(
        ContactPreferences.objects.filter(next_window_at__lte=now)
        .order_by("next_window_at")
        .values_list("user_id", flat=True)[:batch]
    )
    handled = announced = 0
    for user_id in due:
        try:
            outcome = _announce_one(user_id, now)
        except Exception:
            # One person's failure must not hold up everyone due after them, tick after
            # tick (their row would stay first in line): it is logged and tried again later.
            logger.exception("contacts: the window of person %s failed; retried later", user_id)
            _retry_later(user_id, now)
            continue
        handled += outcome is not None
        announced += bool(outcome)
    if follow_up and len(due) == batch and handled:
        _next_pass()
    return announced


def _next_pass() -> None:
    # The task module imports this one; the name is pinned, so a late import is safe here
    # (as the notifications dispatcher enqueues its own next pass).
    from apps.contacts.tasks import announce_windows

    try:
        announce_windows.delay()
    except BrokerUnreachable as exc:  # the next beat tick goes on where this pass stopped
        logger.warning("contacts: broker unreachable (%s); the next tick goes on", exc)


def _schedule_new(now: datetime, batch: int) -> None:
    """People who started with contacts since the last tick get their first window."""
    fresh = ContactPreferences.objects.filter(next_window_at__isnull=True).select_related("user")
    for prefs in fresh[:batch]:
        ContactPreferences.objects.filter(pk=prefs.pk, next_window_at__isnull=True).update(
            next_window_at=next_opening(prefs.user, now)
        )


def _retry_later(user_id: int, now: datetime) -> None:
    ContactPreferences.objects.filter(user_id=user_id, next_window_at__lte=now).update(
        next_window_at=now + RETRY_AFTER
    )


def _locked(user_id: int, now: datetime) -> ContactPreferences | None:
    rows = ContactPreferences.objects.select_related("user").filter(
        user_id=user_id, next_window_at__lte=now
    )
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.first()


@transaction.atomic
def _announce_one(user_id: int, now: datetime) -> bool | None:
    """Whether the person's window was announced; None if another scheduler has it."""
    prefs = _locked(user_id, now)
    if prefs is None or prefs.next_window_at is None:
        return None  # another scheduler has it, or did it
    user, opening = prefs.user, prefs.next_window_at
    prefs.next_window_at = next_opening(user, max(opening, now))
    prefs.save(update_fields=["next_window_at"])
    if not user.is_active or now - opening > STALE_AFTER:
        return False
    if timing.is_paused(opening, preferences_of(user)):
        return False  # a pause is normal: nothing now, and nothing piles up for later
    return window_open(user=user, opens_at=opening, limit=prefs.suggestions_per_window)


def window_open(*, user: User, opens_at: datetime, limit: int) -> bool:
    """Record what the window opening at `opens_at` suggests and announce it with one notice;
    False when there is nothing to suggest (no notice then) or it was recorded already.

    A touch the partner prepared is announced once, in the first window after it was
    prepared; later windows still list it while it waits, but it alone never brings another
    notice (no chain of reminders)."""
    today = selectors.today_for(user, opens_at)
    chosen = selectors.window_suggestions(user, today=today, limit=limit)
    prepared = list(selectors.open_prepared_for_owner(user).values_list("pk", flat=True))
    previous = (
        ContactWindow.objects.filter(user=user, opens_at__lt=opens_at)
        .order_by("-opens_at")
        .values_list("prepared", flat=True)
        .first()
    )
    announced = set(previous or ())
    if not chosen and not set(prepared) - announced:
        return False
    try:
        with transaction.atomic():
            window = ContactWindow.objects.create(
                user=user,
                opens_at=opens_at,
                suggestions=[{"contact": view.id, "reasons": found} for view, found in chosen],
                prepared=prepared,
            )
    except IntegrityError:
        return False  # announced already
    _notify(user, window, names={view.id: view.name for view, _ in chosen})
    return True


def _notify(user: User, window: ContactWindow, *, names: dict[int, str]) -> None:
    prepared_count = len(window.prepared)
    with translation.override(user.language):
        count = len(window.suggestions)
        title = ngettext(
            "Your communication window: %(count)d person to think of",
            "Your communication window: %(count)d people to think of",
            count,
        ) % {"count": count}
        if not count:
            title = gettext("Your communication window: a touch prepared for you")
        lines = [
            f"{names.get(s['contact'], '?')}: {rules.describe(s['reasons'][0])}"
            for s in window.suggestions
        ]
        if prepared_count:
            lines.append(
                ngettext(
                    "Your partner prepared %(count)d touch for you to send.",
                    "Your partner prepared %(count)d touches for you to send.",
                    prepared_count,
                )
                % {"count": prepared_count}
            )
        lines.append(gettext("One small thing is enough; silence is fine too."))
    notify(
        recipient=user,
        tandem=None,
        kind="contacts.window",
        key=f"contacts:window:{user.pk}:{window.opens_at.isoformat()}",
        title=title,
        body="\n".join(lines),
        url=reverse("contacts:window"),
        due_at=window.opens_at,
        expires_at=window.opens_at + NOTICE_LIFETIME,
    )
