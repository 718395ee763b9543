"""Recording a notice (`notify`) and moving what waits when a person's hours change."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.db import insert_unless_exists
from apps.notifications import timing
from apps.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    Notice,
)
from apps.tandems.models import Tandem


def preferences_of(user: User) -> timing.Preferences:
    """The person's hours as the timing rules want them."""
    quiet = None
    if (
        user.quiet_hours_start is not None
        and user.quiet_hours_end is not None
        and user.quiet_hours_start != user.quiet_hours_end
    ):
        quiet = timing.QuietHours(user.quiet_hours_start, user.quiet_hours_end)
    window = None
    if (
        user.window_weekday is not None
        and user.window_start is not None
        and user.window_end is not None
        and user.window_start < user.window_end
    ):
        window = timing.Window(user.window_weekday, user.window_start, user.window_end)
    paused_from, paused_until = user.paused_from, user.paused_until
    if paused_from is None or (paused_until is not None and paused_until <= paused_from):
        paused_from = paused_until = None
    return timing.Preferences(
        timezone=user.timezone,
        quiet_hours=quiet,
        window=window,
        paused_from=paused_from,
        paused_until=paused_until,
    )


def _require_aware(value: datetime | None, name: str) -> None:
    if value is not None and timezone.is_naive(value):
        raise ValueError(f"{name} must be an aware datetime")


def notify(
    *,
    recipient: User,
    tandem: Tandem | None,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    due_at: datetime | None = None,
    urgent: bool = False,
    not_after: datetime | None = None,
    expires_at: datetime | None = None,
) -> Notice:
    """Record that `recipient` must know something; the dispatcher delivers it later.

    Idempotent on (`recipient`, `key`): a second call with the same key returns the notice
    recorded first and changes nothing, also when two transactions race (the unique
    constraint decides in the insert itself; the loser reads the winner's notice). Runs
    inside the caller's transaction and enqueues nothing, so it works with the broker down.

    - `due_at` (default now): when the notice becomes due; it goes out at the first instant
      after that in the person's own hours (quiet hours, and the weekly window unless urgent).
    - `not_after`: the instant it must precede (a meeting's start), see `timing.delivery_time`.
    - `expires_at`: after this it is not worth sending any more (dropped, e.g. after a pause).
    """
    due_at = due_at or timezone.now()
    for value, name in ((due_at, "due_at"), (not_after, "not_after"), (expires_at, "expires_at")):
        _require_aware(value, name)
    if not key or not kind or not title:
        raise ValueError("notify needs a kind, a key and a title")

    notice = Notice(
        recipient=recipient,
        tandem=tandem,
        kind=kind,
        key=key,
        title=title[:200],
        body=body,
        url=url,
        due_at=due_at,
        urgent=urgent,
        not_after=not_after,
        expires_at=expires_at,
    )
    # No savepoint of its own: nothing in here is expected to fail, and inside the caller's
    # transaction (the usual case) a failure rolls that back anyway; alone, it is one.
    with transaction.atomic(savepoint=False):
        # One statement decides, also between two transactions racing: the second waits for
        # the first's insert and then inserts nothing (the unique constraint on the key).
        if not insert_unless_exists(notice, unique=("recipient", "key")):
            return Notice.objects.get(recipient=recipient, key=key)
        email_at = timing.delivery_time(
            due=due_at, prefs=preferences_of(recipient), urgent=urgent, not_after=not_after
        )
        Delivery.objects.bulk_create(
            [
                # The inbox shows what is there: in-app waits only for the subject's time.
                Delivery(
                    notice=notice, channel=Channel.IN_APP, deliver_at=due_at, expires_at=expires_at
                ),
                # E-mail is a push: it waits for the person's hours.
                Delivery(
                    notice=notice, channel=Channel.EMAIL, deliver_at=email_at, expires_at=expires_at
                ),
            ]
        )
    return notice


# The fields of a person that decide when their e-mails may go out.
HOURS_FIELDS = frozenset(
    {
        "timezone",
        "quiet_hours_start",
        "quiet_hours_end",
        "window_weekday",
        "window_start",
        "window_end",
        "paused_from",
        "paused_until",
    }
)


def deliveries_reschedule(*, user: User, now: datetime | None = None) -> int:
    """The person's hours changed: compute again when each e-mail held for them may go out.

    Lifting quiet hours, moving the window or ending a pause early releases what waited for
    the old end (it goes out at the next dispatch); new quiet hours or a later window hold
    what would now fall into them. Computed from the notice's own due time, or from now when
    that has passed, exactly as `notify` and the dispatcher compute it. E-mails waiting for a
    retry after a failed send (`attempts` > 0) keep their backoff. Returns how many moved.

    A conditional update on `pending`: a row a dispatcher claimed meanwhile is left alone
    (the dispatcher computes the time again from the new hours before it claims).
    """
    now = now or timezone.now()
    hours = preferences_of(user)
    held = Delivery.objects.filter(
        notice__recipient=user, channel=Channel.EMAIL, state=DeliveryState.PENDING, attempts=0
    ).values_list("pk", "deliver_at", "notice__due_at", "notice__urgent", "notice__not_after")
    moves: dict[datetime, list[int]] = defaultdict(list)
    for pk, deliver_at, due_at, urgent, not_after in held:
        when = timing.delivery_time(
            due=max(due_at, now), prefs=hours, urgent=urgent, not_after=not_after
        )
        if when != deliver_at:
            moves[when].append(pk)
    pending = Delivery.objects.filter(state=DeliveryState.PENDING)
    return sum(pending.filter(pk__in=pks).update(deliver_at=when) for when, pks in moves.items())
