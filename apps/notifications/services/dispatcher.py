"""The dispatcher: claims what is due, folds e-mails into digests, hands work to tasks."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.accounts.models import User
from apps.notifications import kinds, timing
from apps.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    NotificationPreferences,
    default_digest_threshold,
)
from apps.notifications.services.config import (
    _HOURS,
    _held,
    delivery_chunk_size,
    dispatch_batch_size,
    lease_duration,
)
from apps.notifications.services.recording import preferences_of

logger = logging.getLogger(__name__)


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


def _expire(now: datetime) -> int:
    """Drop pending deliveries whose notice expired, paused people's included.

    Reads only the rows that expire now (index `notifications_expiring`), however long the
    backlog of pending deliveries is.
    """
    return Delivery.objects.filter(state=DeliveryState.PENDING, expires_at__lte=now).update(
        state=DeliveryState.EXPIRED, finished_at=now
    )


# One row of the claim query: what deciding about a due delivery needs, without the models.
_DUE_FIELDS = (
    "pk", "channel", "notice__recipient_id", "notice__urgent", "notice__not_after", "notice__kind",
)  # fmt: skip
_INACTIVE = "The person is inactive."
_EMAIL_OFF = "E-mail is switched off."
_KIND_OFF = "E-mail is switched off for this kind of notice."


def _people(ids: set[int]) -> dict[int, User]:
    """The recipients of one batch with their hours and notification preferences: one query."""
    people = User.objects.filter(pk__in=ids).select_related("notification_preferences")
    return {person.pk: person for person in people.only(*_HOURS)}


def _choices(person: User) -> NotificationPreferences | None:
    """The person's row of preferences, None while they have the defaults."""
    return getattr(person, "notification_preferences", None)


def dispatch(
    *,
    now: datetime | None = None,
    lease: timedelta | None = None,
    batch: int | None = None,
    follow_up: bool = False,
) -> DispatchResult:
    """One pass of the periodic dispatcher: sweep, expire, claim what is due, hand it out.

    Claiming: on PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`, so two
    dispatchers (two beats by mistake, or a manual run) take disjoint rows instead of waiting
    for or double-claiming each other's. Everywhere (also SQLite, which serialises writers)
    the claim itself is a conditional update `state=pending → claimed` under a fresh token,
    and only the rows that carry that token afterwards are ours. The tasks are enqueued after
    the claim commits; if the broker is down they are given back at once (`_publish`), and
    a message lost after publishing leaves a lease that the sweeper frees.

    Every step reads through an index and at most `batch` due rows, so a pass costs the same
    with a backlog of 50,000 or 500,000. Due e-mails of people who switched e-mail off, and
    everything due for inactive people, are skipped as they come up in the claim.

    `follow_up` (the periodic task): when the batch was full there is more due, so the pass
    also enqueues the next pass behind the deliveries it handed out. A backlog then drains
    as fast as the workers deliver, not one batch per beat tick, and never runs far ahead
    of them (the next pass starts only once the worker has reached it in the queue).
    """
    now = now or timezone.now()
    lease = lease or lease_duration()
    limit = batch or dispatch_batch_size()
    released, duplicates = deliveries_release_expired(now=now)
    expired = _expire(now)

    rescheduled = skipped = 0
    claimed: list[tuple[int, str, int]] = []
    digests: list[int] = []
    token = uuid.uuid4()
    with transaction.atomic():
        due = (
            Delivery.objects.filter(state=DeliveryState.PENDING, deliver_at__lte=now)
            # A pause holds e-mail only: the inbox shows what is there.
            .exclude(_paused(now) & Q(channel=Channel.EMAIL))
            .order_by("deliver_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due.values_list(*_DUE_FIELDS)[:limit])
        people = _people({row[2] for row in rows})

        to_claim: list[tuple[int, str, int]] = []
        to_skip: dict[str, list[int]] = defaultdict(list)
        later: dict[datetime, list[int]] = defaultdict(list)
        prefs: dict[int, timing.Preferences] = {}
        when_for: dict[tuple[int, bool, datetime | None], datetime] = {}
        for pk, channel, recipient_id, urgent, not_after, kind in rows:
            person = people[recipient_id]
            if not person.is_active:
                to_skip[_INACTIVE].append(pk)
                continue
            if channel == Channel.IN_APP:
                # Quiet hours, window and pause govern e-mail, not the inbox.
                to_claim.append((pk, channel, recipient_id))
                continue
            choices = _choices(person)
            if choices is not None and not choices.email_enabled:
                to_skip[_EMAIL_OFF].append(pk)
                continue
            if not kinds.wants_email(kind, chosen=choices.email_kinds if choices else None):
                to_skip[_KIND_OFF].append(pk)
                continue
            hours = prefs.get(recipient_id)
            if hours is None:
                hours = prefs[recipient_id] = preferences_of(person)
            if timing.is_paused(now, hours):
                continue
            # The person's hours may have changed since `notify` (or a pause just ended in
            # their quiet hours): ask again, from now.
            key = (recipient_id, urgent, not_after)
            when = when_for.get(key)
            if when is None:
                when = when_for[key] = timing.delivery_time(
                    due=now, prefs=hours, urgent=urgent, not_after=not_after
                )
            if when > now:
                later[when].append(pk)
            else:
                to_claim.append((pk, channel, recipient_id))

        pending = Delivery.objects.filter(state=DeliveryState.PENDING)
        for reason, pks in to_skip.items():
            skipped += pending.filter(pk__in=pks).update(
                state=DeliveryState.SKIPPED, finished_at=now, last_error=reason
            )
        for when, pks in later.items():
            rescheduled += pending.filter(pk__in=pks).update(deliver_at=when)
        if to_claim:
            pks = [pk for pk, _channel, _recipient in to_claim]
            moved = pending.filter(pk__in=pks).update(
                state=DeliveryState.CLAIMED,
                claim_token=token,
                claimed_at=now,
                claimed_until=now + lease,
            )
            # The rows are locked (PostgreSQL) or the writer lock is ours (SQLite), so every
            # one moved; read them back only if that ever were not so.
            claimed = (
                to_claim
                if moved == len(pks)
                else list(
                    Delivery.objects.filter(pk__in=pks, claim_token=token)
                    .order_by("deliver_at", "id")
                    .values_list("pk", "channel", "notice__recipient_id")
                )
            )
        singles, digests = _fold_into_digests(claimed, people)
        in_app_count = sum(1 for _pk, channel, _recipient in claimed if channel == Channel.IN_APP)
        # More may be due; only if this pass got anywhere, so rows it had to leave (a pause
        # the query and the rules see differently) cannot chain passes for ever.
        more = follow_up and len(rows) == limit and bool(claimed or skipped or rescheduled)
        _enqueue(
            singles=singles,
            digests=digests,
            token=token,
            follow_up=more,
            in_app_count=in_app_count,
        )

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


def _fold_into_digests(
    claimed: list[tuple[int, str, int]], people: dict[int, User]
) -> tuple[list[int], list[int]]:
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
    digests: list[int] = []
    for recipient_id, pks in emails.items():
        person = people.get(recipient_id)
        chosen = _choices(person) if person is not None else None
        enabled = chosen.digest_enabled if chosen else True
        threshold = chosen.digest_threshold if chosen else default_digest_threshold()
        if enabled and len(pks) > threshold:
            digests.append(recipient_id)
        else:
            singles.extend(pks)
    return singles, digests


def _enqueue(
    *,
    singles: list[int],
    digests: list[int],
    token: uuid.UUID,
    follow_up: bool = False,
    in_app_count: int = 0,
) -> None:
    """Publish the claimed deliveries once the claim has committed (see `_publish`)."""
    if singles or digests or follow_up:
        transaction.on_commit(
            partial(
                _publish,
                singles=singles,
                digests=digests,
                token=token,
                follow_up=follow_up,
                in_app_count=in_app_count,
            )
        )


def _publish(
    *,
    singles: list[int],
    digests: list[int],
    token: uuid.UUID,
    follow_up: bool = False,
    in_app_count: int = 0,
) -> None:
    """Hand the claimed deliveries to the workers; with the broker down, give them back.

    A few deliveries go one task each, so they run side by side on the worker pool; more
    than one chunk's worth (a backlog) are handed out in chunks, so neither the broker round
    trips nor the per-task overhead dominate. `singles` lists the `in_app_count` in-app
    deliveries first.

    An unreachable broker must neither fail the pass (the notices are safe in the database)
    nor leave the rows claimed for a whole lease: they go back to `pending` at once and the
    next pass claims them again. Also releasing rows whose message did get out is safe: a
    task moves a row only with a conditional update on its token, so that message finds
    nothing to do, and a row a worker already moved on is no longer `claimed`.
    """
    from apps.notifications.tasks import deliver, deliver_digest, deliver_in_app, deliver_many
    from apps.notifications.tasks import dispatch as next_pass

    held = str(token)
    chunk = delivery_chunk_size()
    try:
        if len(singles) > chunk:
            # In-app deliveries are a few statements whatever their number: all in one task.
            # E-mails go `chunk` to a task (see `_send_emails` for why not more).
            in_app, emails = singles[:in_app_count], singles[in_app_count:]
            if in_app:
                deliver_in_app.delay(in_app, held)
            for start in range(0, len(emails), chunk):
                deliver_many.delay(emails[start : start + chunk], held)
        else:
            for pk in singles:
                deliver.delay(pk, held)
        for recipient_id in digests:
            deliver_digest.delay(recipient_id, held)
        if follow_up:
            next_pass.delay()
    except BrokerUnreachable as exc:
        released = _held(held).update(
            state=DeliveryState.PENDING, claim_token=None, claimed_until=None
        )
        logger.warning(
            "notifications: broker unreachable (%s); %s deliveries wait for the next pass",
            exc,
            released,
        )
