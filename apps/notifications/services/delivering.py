"""Delivering: into the inbox, and by e-mail (one by one or as a digest), with retries."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from apps.notifications import actions, mail, timing
from apps.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    Notice,
)
from apps.notifications.services.config import _HOURS, _held, max_attempts, retry_delay
from apps.notifications.services.recording import preferences_of

logger = logging.getLogger(__name__)


# What delivering reads (the re-checks, the e-mail's templates and headers), and no more:
# a chunk's rows are built and parsed thousands of times a second.
_DELIVERING = (
    "channel", "state", "claim_token", "claimed_at", "claimed_until", "attempts",
    "notice__recipient_id", "notice__tandem_id", "notice__kind", "notice__title", "notice__body",
    "notice__url", "notice__due_at", "notice__expires_at", "notice__tandem__name",
    "notice__recipient__email", "notice__recipient__display_name",
    "notice__recipient__language",
    *(f"notice__recipient__{name}" for name in _HOURS if "__" not in name and name != "is_active"),
)  # fmt: skip


def _loaded(held: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return (
        held.select_related("notice__recipient", "notice__tandem")
        .only(*_DELIVERING)
        .order_by("notice__due_at", "id")
    )


def _still_wanted(held: list[Delivery], token: str, now: datetime) -> list[Delivery]:
    """Re-check inside the task what may have changed since the claim: an expired notice is
    dropped, an e-mail to a person paused since goes back to pending. Returns the rest."""
    expired: list[int] = []
    paused: list[int] = []
    hours: dict[int, timing.Preferences] = {}
    for delivery in held:
        notice = delivery.notice
        if notice.expires_at is not None and notice.expires_at <= now:
            expired.append(delivery.pk)
            continue
        if delivery.channel == Channel.IN_APP:
            continue  # a pause holds e-mail, not the inbox
        person = hours.get(notice.recipient_id)
        if person is None:
            person = hours[notice.recipient_id] = preferences_of(notice.recipient)
        if timing.is_paused(now, person):
            paused.append(delivery.pk)
    if expired:
        _expire_held(expired, token=token, now=now)
    if paused:
        _held(token).filter(pk__in=paused).update(
            state=DeliveryState.PENDING, claim_token=None, claimed_until=None
        )
    dropped = set(expired) | set(paused)
    return [d for d in held if d.pk not in dropped]


def _expire_held(pks: list[int], *, token: str, now: datetime) -> None:
    _held(token).filter(pk__in=pks).update(
        state=DeliveryState.EXPIRED, finished_at=now, claim_token=None, claimed_until=None
    )


def deliveries_send(*, delivery_ids: Sequence[int], token: str) -> int:
    """Deliver claimed deliveries (one chunk of a pass). Returns how many this call delivered.

    Run twice, one effect: only the holder of the claim token moves a row out of `claimed`,
    and always with a conditional update. In-app is exactly once (the rows' move to `sent`
    and the notices appearing in the inbox are one transaction); e-mail see `_send_emails`.
    A chunk costs a handful of queries whatever its size.
    """
    now = timezone.now()
    held = list(_loaded(_held(token).filter(pk__in=list(delivery_ids))))
    if not held:
        return 0  # done, or re-claimed by someone else after our lease ran out
    wanted = _still_wanted(held, token, now)
    in_app = [d.pk for d in wanted if d.channel == Channel.IN_APP]
    delivered = _deliver_in_app(in_app, token=token, now=now) if in_app else 0
    # Only what a dispatcher claimed (with a lease) is ours to send.
    emails = [
        d
        for d in wanted
        if d.channel == Channel.EMAIL and d.claimed_at is not None and d.claimed_until is not None
    ]
    if emails:
        delivered += _send_emails(emails, token=token, digest=False, now=now)
    return delivered


def delivery_send(*, delivery_id: int, token: str) -> bool:
    """Deliver one claimed delivery. Returns whether this call delivered it."""
    return deliveries_send(delivery_ids=[delivery_id], token=token) > 0


def in_app_deliveries_send(*, delivery_ids: Sequence[int], token: str) -> int:
    """Deliver the claimed in-app deliveries of a pass into the inbox (a backlog's, up to a
    batch in one task). Returns how many this call delivered.

    The same rules as `deliveries_send` (an expired notice is dropped, a pause holds only
    e-mail), read as plain values: the inbox needs no model of the notice or its person.
    Run twice, one effect, as there. Any e-mail among the ids goes through
    `deliveries_send`.
    """
    now = timezone.now()
    held = _held(token).filter(pk__in=list(delivery_ids))
    rows = list(held.values_list("pk", "channel", "notice__expires_at"))
    expired = [pk for pk, _c, expires in rows if expires is not None and expires <= now]
    if expired:
        _expire_held(expired, token=token, now=now)
    dropped = set(expired)
    in_app = [pk for pk, channel, _e in rows if channel == Channel.IN_APP and pk not in dropped]
    others = [pk for pk, channel, _e in rows if channel != Channel.IN_APP and pk not in dropped]
    delivered = _deliver_in_app(in_app, token=token, now=now) if in_app else 0
    if others:
        delivered += deliveries_send(delivery_ids=others, token=token)
    return delivered


def _deliver_in_app(pks: list[int], *, token: str, now: datetime) -> int:
    """claimed → sent and the notices into the inbox, in one transaction.

    The rows are locked first (on SQLite the writer lock is the transaction's), so exactly
    the notices of the rows this call moved get their inbox time.
    """
    with transaction.atomic():
        mine = list(
            _held(token).filter(pk__in=pks).select_for_update().values_list("pk", "notice_id")
        )
        if not mine:
            return 0
        Delivery.objects.filter(pk__in=[pk for pk, _notice in mine]).update(
            state=DeliveryState.SENT,
            sent_at=now,
            finished_at=now,
            attempts=F("attempts") + 1,
            claim_token=None,
            claimed_until=None,
        )
        Notice.objects.filter(
            pk__in=[notice for _pk, notice in mine], delivered_at__isnull=True
        ).update(delivered_at=now)
    return len(mine)


def digest_send(*, recipient_id: int, token: str) -> bool:
    """Deliver the e-mails claimed for one person in one pass as one digest e-mail."""
    now = timezone.now()
    held = list(
        _loaded(_held(token).filter(notice__recipient_id=recipient_id, channel=Channel.EMAIL))
    )
    held = [d for d in held if d.claimed_at is not None and d.claimed_until is not None]
    if not held:
        return False
    wanted = _still_wanted(held, token, now)
    return bool(wanted) and _send_emails(wanted, token=token, digest=True, now=now) > 0


def _send_emails(held: list[Delivery], *, token: str, digest: bool, now: datetime) -> int:
    """Hand e-mail deliveries to the mail server: claimed → sending → sent/pending/failed.

    One e-mail per delivery, or one digest for all of them (one recipient). The move to
    `sending` commits before the first SMTP call, under a token only this call knows, so a
    redelivered task finds nothing to send. If the worker dies while sending, the lease runs
    out and the sweeper sends the rows still `sending` again, counting each: the only way an
    e-mail can go out twice (see docs/notifications.md). Rows are marked sent together after
    the chunk, so that window spans the chunk's SMTP calls (at most `delivery_chunk_size()`),
    and every e-mail in it is counted. The lease is renewed for as long as the dispatcher
    chose when it claimed the rows. One mail-server connection serves the whole chunk.
    """
    first = held[0]
    lease = first.claimed_until - first.claimed_at  # type: ignore[operator]
    pks = [d.pk for d in held]
    mine = uuid.uuid4()
    moved = (
        _held(token)
        .filter(pk__in=pks)
        .update(
            state=DeliveryState.SENDING,
            claim_token=mine,
            claimed_until=now + lease,
            attempts=F("attempts") + 1,
        )
    )
    if not moved:
        return 0
    if moved == len(held):
        sending = held
        for delivery in sending:
            delivery.attempts += 1  # as the update did
    else:  # someone took some rows between our read and the update: read ours back
        sending = list(
            _loaded(
                Delivery.objects.filter(pk__in=pks, claim_token=mine, state=DeliveryState.SENDING)
            )
        )
    groups = [sending] if digest else [[d] for d in sending]
    sent: list[int] = []
    try:
        # The one-click links of every e-mail in the chunk: one query, not one per e-mail.
        offered = actions.links_for([d.notice for d in sending])
        server = get_connection()
        opened = getattr(server, "open", lambda: None)()
    except Exception as exc:  # e.g. the mail server is unreachable: retried or failed, not lost
        logger.warning("notifications: cannot send the e-mails: %s", exc, exc_info=True)
        _record_failure(sending, token=mine, error=exc, now=timezone.now())
        return 0
    try:
        for group in groups:
            recipient = group[0].notice.recipient
            try:
                mail.send(
                    recipient=recipient,
                    notices=[d.notice for d in group],
                    digest=digest,
                    connection=server,
                    offered=offered,
                )
            except Exception as exc:  # recorded on the rows and retried or failed
                logger.warning(
                    "notifications: e-mail to %s failed: %s", recipient.pk, exc, exc_info=True
                )
                _record_failure(group, token=mine, error=exc, now=timezone.now())
            else:
                sent.extend(d.pk for d in group)
    finally:
        if opened:
            server.close()
    if sent:
        at = timezone.now()
        Delivery.objects.filter(pk__in=sent, claim_token=mine, state=DeliveryState.SENDING).update(
            state=DeliveryState.SENT,
            sent_at=at,
            finished_at=at,
            in_digest=digest,
            claim_token=None,
            claimed_until=None,
            last_error="",
        )
    return len(sent)


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
