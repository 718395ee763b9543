"""Writes about notices: recording one (`notify`), delivering it, the inbox and preferences."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.notifications import kinds, mail, selectors, timing
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


# --- settings (tandem/settings/base.py gives each its default; read at call time, so a
# test's override_settings applies) ---------------------------------------------------------


def lease_duration() -> timedelta:
    """How long a claimed delivery is held before the sweeper assumes its worker died.

    Longer than Celery's hard task time limit, so a live worker is always stopped before its
    lease runs out and another takes the row.
    """
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def dispatch_batch_size() -> int:
    return int(settings.NOTIFICATIONS_DISPATCH_BATCH)


def delivery_chunk_size() -> int:
    """How many deliveries one task delivers when a pass hands out a backlog."""
    return int(settings.NOTIFICATIONS_DELIVERY_CHUNK)


def max_attempts() -> int:
    return int(settings.NOTIFICATIONS_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed try: base, 2x, 4x, … capped at six hours."""
    base = timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS)
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


_HOURS = (
    "is_active", "timezone", "quiet_hours_start", "quiet_hours_end", "window_weekday",
    "window_start", "window_end", "paused_from", "paused_until",
    "notification_preferences__email_enabled", "notification_preferences__email_kinds",
    "notification_preferences__digest_enabled", "notification_preferences__digest_threshold",
)  # fmt: skip


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
    from apps.notifications.tasks import deliver, deliver_digest, deliver_many
    from apps.notifications.tasks import dispatch as next_pass

    held = str(token)
    chunk = delivery_chunk_size()
    try:
        if len(singles) > chunk:
            # In-app deliveries are a few statements whatever their number: all in one task.
            # E-mails go `chunk` to a task (see `_send_emails` for why not more).
            in_app, emails = singles[:in_app_count], singles[in_app_count:]
            if in_app:
                deliver_many.delay(in_app, held)
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


# --- delivering -----------------------------------------------------------------------------


def _held(token: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(claim_token=token, state=DeliveryState.CLAIMED)


# What delivering reads (the re-checks, the e-mail's templates and headers), and no more:
# a chunk's rows are built and parsed thousands of times a second.
_DELIVERING = (
    "channel", "state", "claim_token", "claimed_at", "claimed_until", "attempts",
    "notice__recipient_id", "notice__tandem_id", "notice__title", "notice__body",
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
        _held(token).filter(pk__in=expired).update(
            state=DeliveryState.EXPIRED, finished_at=now, claim_token=None, claimed_until=None
        )
    if paused:
        _held(token).filter(pk__in=paused).update(
            state=DeliveryState.PENDING, claim_token=None, claimed_until=None
        )
    dropped = set(expired) | set(paused)
    return [d for d in held if d.pk not in dropped]


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
        server = get_connection()
        opened = getattr(server, "open", lambda: None)()
    except Exception as exc:  # the mail server is unreachable: retried or failed, never lost
        logger.warning("notifications: cannot reach the mail server: %s", exc, exc_info=True)
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
