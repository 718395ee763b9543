"""Writes about notices: recording one (`notify`), delivering it, the inbox and preferences."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.notifications import mail, selectors, timing
from apps.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    Notice,
    NotificationPreferences,
    default_digest_threshold,
)
from apps.tandems.models import Tandem

logger = logging.getLogger(__name__)


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
    constraint decides; the loser re-reads inside its savepoint). Runs inside the caller's
    transaction and enqueues nothing, so it works with the broker down.

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

    with transaction.atomic():
        existing = Notice.objects.filter(recipient=recipient, key=key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
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
        except IntegrityError:
            # Another transaction recorded the same (recipient, key) first and has committed.
            return Notice.objects.get(recipient=recipient, key=key)
        deliver_at = timing.delivery_time(
            due=due_at, prefs=preferences_of(recipient), urgent=urgent, not_after=not_after
        )
        Delivery.objects.bulk_create(
            [Delivery(notice=notice, channel=channel, deliver_at=deliver_at) for channel in Channel]
        )
    return notice


# --- settings (read with defaults; the embedded default needs none of them) ---------------


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def lease_duration() -> timedelta:
    """How long a claimed delivery is held before the sweeper assumes its worker died.

    Longer than Celery's hard task time limit, so a live worker is always stopped before its
    lease runs out and another takes the row.
    """
    return _seconds("NOTIFICATIONS_LEASE_SECONDS", 600)


def dispatch_batch_size() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DISPATCH_BATCH", 500))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5))


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed try: base, 2x, 4x, … capped at six hours."""
    base = _seconds("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
    delay: timedelta = base * 2 ** max(attempts - 1, 0)
    return min(delay, timedelta(hours=6))


# --- the dispatcher -------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchResult:
    """What one dispatch pass did; logged, and asserted by the tests."""

    released: int = 0
    suspected_duplicates: int = 0
    expired: int = 0
    skipped: int = 0
    rescheduled: int = 0
    claimed: int = 0
    digests: int = 0


def _paused(at: datetime) -> Q:
    prefix = "notice__recipient__"
    return Q(**{f"{prefix}paused_from__lte": at}) & (
        Q(**{f"{prefix}paused_until__isnull": True}) | Q(**{f"{prefix}paused_until__gt": at})
    )


def deliveries_release_expired(*, now: datetime) -> tuple[int, int]:
    """The sweeper: put deliveries whose lease ran out back to pending (their worker died).

    Returns (released, of which possibly duplicated). A delivery that was `sending` when its
    lease ran out may have reached the mail server before the worker died: it is sent again
    (nothing is lost) and counted in `suspected_duplicates`. The conditional update on state
    and lease means a worker that finishes at the same moment wins or loses cleanly.
    """
    sending = Delivery.objects.filter(state=DeliveryState.SENDING, claimed_until__lt=now).update(
        state=DeliveryState.PENDING,
        claim_token=None,
        claimed_until=None,
        suspected_duplicates=F("suspected_duplicates") + 1,
        last_error="The worker stopped while handing the e-mail to the mail server.",
    )
    claimed = Delivery.objects.filter(state=DeliveryState.CLAIMED, claimed_until__lt=now).update(
        state=DeliveryState.PENDING, claim_token=None, claimed_until=None
    )
    if sending:
        logger.warning("notifications: %s e-mail deliveries possibly duplicated", sending)
    return sending + claimed, sending


def _expire_and_skip(now: datetime) -> tuple[int, int]:
    """Finish what must not be sent: expired notices, e-mail switched off, inactive people."""
    pending = Delivery.objects.filter(state=DeliveryState.PENDING)
    expired = pending.filter(notice__expires_at__lte=now).update(
        state=DeliveryState.EXPIRED, finished_at=now
    )
    due = pending.filter(deliver_at__lte=now)
    skipped = due.filter(notice__recipient__is_active=False).update(
        state=DeliveryState.SKIPPED, finished_at=now, last_error="The person is inactive."
    )
    skipped += due.filter(
        channel=Channel.EMAIL, notice__recipient__notification_preferences__email_enabled=False
    ).update(state=DeliveryState.SKIPPED, finished_at=now, last_error="E-mail is switched off.")
    return expired, skipped


def dispatch(
    *, now: datetime | None = None, lease: timedelta | None = None, batch: int | None = None
) -> DispatchResult:
    """One pass of the periodic dispatcher: sweep, expire, claim what is due, hand it out.

    Claiming: on PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`, so two
    dispatchers (two beats by mistake, or a manual run) take disjoint rows instead of waiting
    for or double-claiming each other's. Everywhere (also SQLite, which serialises writers)
    the claim itself is a conditional update `state=pending → claimed` under a fresh token,
    and only the rows that carry that token afterwards are ours. The tasks are enqueued after
    the claim commits; if the broker is down they are given back at once (`_publish`), and
    a message lost after publishing leaves a lease that the sweeper frees.
    """
    now = now or timezone.now()
    lease = lease or lease_duration()
    released, duplicates = deliveries_release_expired(now=now)
    expired, skipped = _expire_and_skip(now)

    rescheduled = 0
    claimed: list[tuple[int, str, int]] = []
    digests: list[int] = []
    token = uuid.uuid4()
    with transaction.atomic():
        due = (
            Delivery.objects.filter(state=DeliveryState.PENDING, deliver_at__lte=now)
            .exclude(_paused(now))
            .select_related("notice__recipient")
            .order_by("deliver_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        to_claim: list[int] = []
        prefs: dict[int, timing.Preferences] = {}
        for delivery in due[: batch or dispatch_batch_size()]:
            notice = delivery.notice
            person = prefs.get(notice.recipient_id)
            if person is None:
                person = prefs[notice.recipient_id] = preferences_of(notice.recipient)
            if timing.is_paused(now, person):
                continue
            # The person's hours may have changed since `notify` (or a pause just ended in
            # their quiet hours): ask again, from now.
            when = timing.delivery_time(
                due=now, prefs=person, urgent=notice.urgent, not_after=notice.not_after
            )
            if when > now:
                rescheduled += Delivery.objects.filter(
                    pk=delivery.pk, state=DeliveryState.PENDING
                ).update(deliver_at=when)
            else:
                to_claim.append(delivery.pk)
        if to_claim:
            Delivery.objects.filter(pk__in=to_claim, state=DeliveryState.PENDING).update(
                state=DeliveryState.CLAIMED,
                claim_token=token,
                claimed_at=now,
                claimed_until=now + lease,
            )
            claimed = list(
                Delivery.objects.filter(claim_token=token, state=DeliveryState.CLAIMED)
                .order_by("deliver_at", "id")
                .values_list("pk", "channel", "notice__recipient_id")
            )
        singles, digests = _fold_into_digests(claimed)
        _enqueue(singles=singles, digests=digests, token=token)

    result = DispatchResult(
        released=released,
        suspected_duplicates=duplicates,
        expired=expired,
        skipped=skipped,
        rescheduled=rescheduled,
        claimed=len(claimed),
        digests=len(digests),
    )
    if result != DispatchResult():
        logger.info("notifications dispatch: %s", result)
    return result


def _fold_into_digests(claimed: list[tuple[int, str, int]]) -> tuple[list[int], list[int]]:
    """Split claimed deliveries into single sends and per-person digests.

    More than the person's threshold of e-mails in one pass become one digest (when the person
    keeps the digest on); in-app deliveries always go one by one, so the inbox lists each.
    """
    emails: dict[int, list[int]] = defaultdict(list)
    singles: list[int] = []
    for pk, channel, recipient_id in claimed:
        if channel == Channel.EMAIL:
            emails[recipient_id].append(pk)
        else:
            singles.append(pk)
    chosen = (
        {p.user_id: p for p in NotificationPreferences.objects.filter(user_id__in=list(emails))}
        if emails
        else {}
    )
    digests: list[int] = []
    for recipient_id, pks in emails.items():
        person = chosen.get(recipient_id)
        enabled = person.digest_enabled if person else True
        threshold = person.digest_threshold if person else default_digest_threshold()
        if enabled and len(pks) > threshold:
            digests.append(recipient_id)
        else:
            singles.extend(pks)
    return singles, digests


def _enqueue(*, singles: list[int], digests: list[int], token: uuid.UUID) -> None:
    """Publish the claimed deliveries once the claim has committed (see `_publish`)."""
    if singles or digests:
        transaction.on_commit(partial(_publish, singles=singles, digests=digests, token=token))


def _publish(*, singles: list[int], digests: list[int], token: uuid.UUID) -> None:
    """Hand the claimed deliveries to the workers; with the broker down, give them back.

    An unreachable broker must neither fail the pass (the notices are safe in the database)
    nor leave the rows claimed for a whole lease: they go back to `pending` at once and the
    next pass claims them again. Also releasing rows whose message did get out is safe: a
    task moves a row only with a conditional update on its token, so that message finds
    nothing to do, and a row a worker already moved on is no longer `claimed`.
    """
    from apps.notifications.tasks import deliver, deliver_digest

    try:
        for pk in singles:
            deliver.delay(pk, str(token))
        for recipient_id in digests:
            deliver_digest.delay(recipient_id, str(token))
    except BrokerUnreachable as exc:
        released = _held(str(token)).update(
            state=DeliveryState.PENDING, claim_token=None, claimed_until=None
        )
        logger.warning(
            "notifications: broker unreachable (%s); %s deliveries wait for the next pass",
            exc,
            released,
        )


# --- delivering -----------------------------------------------------------------------------


def _held(token: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(claim_token=token, state=DeliveryState.CLAIMED)


def _check_still_wanted(held: QuerySet[Delivery], recipient: User, now: datetime) -> None:
    """Re-check inside the task what may have changed since the claim."""
    held.filter(notice__expires_at__lte=now).update(
        state=DeliveryState.EXPIRED, finished_at=now, claim_token=None, claimed_until=None
    )
    if timing.is_paused(now, preferences_of(recipient)):
        held.update(state=DeliveryState.PENDING, claim_token=None, claimed_until=None)


def delivery_send(*, delivery_id: int, token: str) -> bool:
    """Deliver one claimed delivery. Returns whether this call delivered it.

    Run twice, one effect: only the holder of the claim token moves the row out of `claimed`,
    and it does so with a conditional update. In-app is exactly once (the state change and the
    notice appearing in the inbox are one transaction); e-mail see `_send_email`.
    """
    now = timezone.now()
    delivery = (
        Delivery.objects.select_related("notice__recipient", "notice__tandem")
        .filter(pk=delivery_id, claim_token=token, state=DeliveryState.CLAIMED)
        .first()
    )
    if delivery is None:
        return False  # done, or re-claimed by someone else after our lease ran out
    recipient = delivery.notice.recipient
    held = _held(token).filter(pk=delivery.pk)
    _check_still_wanted(held, recipient, now)
    if delivery.channel == Channel.IN_APP:
        with transaction.atomic():
            moved = held.update(
                state=DeliveryState.SENT,
                sent_at=now,
                finished_at=now,
                attempts=F("attempts") + 1,
                claim_token=None,
                claimed_until=None,
            )
            if moved:
                Notice.objects.filter(pk=delivery.notice_id, delivered_at__isnull=True).update(
                    delivered_at=now
                )
        return bool(moved)
    if delivery.claimed_at is None or delivery.claimed_until is None:
        return False  # not claimed by a dispatcher: nothing of ours to send
    lease = delivery.claimed_until - delivery.claimed_at
    return _send_email(held=held, recipient=recipient, digest=False, now=now, lease=lease)


def digest_send(*, recipient_id: int, token: str) -> bool:
    """Deliver the e-mails claimed for one person in one pass as one digest e-mail."""
    now = timezone.now()
    recipient = User.objects.filter(pk=recipient_id).first()
    if recipient is None:
        return False
    held = _held(token).filter(notice__recipient_id=recipient_id, channel=Channel.EMAIL)
    claim = held.values_list("claimed_at", "claimed_until").first()
    if claim is None or claim[0] is None or claim[1] is None:
        return False
    _check_still_wanted(held, recipient, now)
    lease = claim[1] - claim[0]
    return _send_email(held=held, recipient=recipient, digest=True, now=now, lease=lease)


def _send_email(
    *, held: QuerySet[Delivery], recipient: User, digest: bool, now: datetime, lease: timedelta
) -> bool:
    """Hand e-mail deliveries to the mail server: claimed → sending → sent/pending/failed.

    The move to `sending` commits before the SMTP call, under a token only this call knows,
    so a redelivered task finds nothing to send. If the worker dies inside the call, the
    lease runs out and the sweeper sends again, counting the case: that is the only way an
    e-mail can go out twice (see docs/notifications.md). The lease is renewed for as long as
    the dispatcher chose when it claimed the row.
    """
    mine = uuid.uuid4()
    if not held.update(
        state=DeliveryState.SENDING,
        claim_token=mine,
        claimed_until=now + lease,
        attempts=F("attempts") + 1,
    ):
        return False
    sending = Delivery.objects.filter(claim_token=mine, state=DeliveryState.SENDING)
    deliveries = list(sending.select_related("notice__tandem").order_by("notice__due_at", "id"))
    try:
        mail.send(
            recipient=recipient,
            notices=[d.notice for d in deliveries],
            digest=digest,
        )
    except Exception as exc:  # recorded on the rows and retried or failed, never swallowed
        logger.warning("notifications: e-mail to %s failed: %s", recipient.pk, exc, exc_info=True)
        _record_failure(deliveries, token=mine, error=exc, now=timezone.now())
        return False
    sending.update(
        state=DeliveryState.SENT,
        sent_at=timezone.now(),
        finished_at=timezone.now(),
        in_digest=digest,
        claim_token=None,
        claimed_until=None,
        last_error="",
    )
    return True


def _record_failure(
    deliveries: list[Delivery], *, token: uuid.UUID, error: Exception, now: datetime
) -> None:
    permanent = mail.is_permanent(error)
    message = f"{type(error).__name__}: {error}"[:2000]
    for delivery in deliveries:
        attempts = delivery.attempts  # already counts this try
        row = Delivery.objects.filter(
            pk=delivery.pk, claim_token=token, state=DeliveryState.SENDING
        )
        if permanent or attempts >= max_attempts():
            row.update(
                state=DeliveryState.FAILED,
                finished_at=now,
                last_error=message,
                claim_token=None,
                claimed_until=None,
            )
        else:
            row.update(
                state=DeliveryState.PENDING,
                deliver_at=now + retry_delay(attempts),
                last_error=message,
                claim_token=None,
                claimed_until=None,
            )


# --- the inbox and preferences --------------------------------------------------------------


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


def notification_preferences_update(*, user: User, **changes: object) -> NotificationPreferences:
    """Change the person's channel and digest choices (created on first use)."""
    allowed = {"email_enabled", "digest_enabled", "digest_threshold"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError("Unknown preference.", field=sorted(unknown)[0])
    threshold = changes.get("digest_threshold")
    if threshold is not None and not (isinstance(threshold, int) and 1 <= threshold <= 50):
        raise DomainError("Choose a number from 1 to 50.", field="digest_threshold")
    with transaction.atomic():
        prefs = selectors.notification_preferences_of(user, for_update=True)
        for name, value in changes.items():
            setattr(prefs, name, value)
        if changes:
            prefs.save(update_fields=list(changes))
    return prefs
