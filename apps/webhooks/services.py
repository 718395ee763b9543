"""Writes about webhooks: endpoints, recording events, and delivering them with retries.

Delivery follows the notices' machinery (`apps.notifications.services`): an event is recorded
as one `WebhookDelivery` per subscribed endpoint in the transaction of the change itself (so
it exists exactly when the change committed); after the commit a dispatch pass is enqueued,
and the periodic dispatcher finds whatever that missed. A pass sweeps expired leases, claims
due rows under a token and hands each to a task; the task moves its row to `sending` (under a
token only it knows) before the request and records the answer after. At least once: a worker
killed during the request leaves the row `sending` until its lease runs out, then it is sent
again with the same `webhook-id` and counted in `suspected_duplicates` (docs/integrations.md).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from kombu.exceptions import OperationalError as BrokerUnreachable

from apps.core.errors import Conflict, DomainError, NotFound
from apps.notifications.services import notify
from apps.tandems.models import Membership, Tandem
from apps.webhooks import events, presets, sealing, signing, transport
from apps.webhooks.models import Endpoint, EndpointFormat, WebhookDelivery, WebhookState
from apps.webhooks.selectors import endpoint_get

logger = logging.getLogger(__name__)

DISABLED_REASON = gettext_noop("Switched off after %(count)s failed tries in a row.")


# --- settings -------------------------------------------------------------------------------


def lease_duration() -> timedelta:
    """Longer than Celery's hard time limit, so a live worker is stopped before its lease ends."""
    return timedelta(seconds=settings.TANDEM_WEBHOOK_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed try: base, 2x, 4x, … capped at six hours, each
    spread by ±20 % so endpoints that failed together do not come back together."""
    base = settings.TANDEM_WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(base, 6 * 3600) * random.uniform(0.8, 1.2)
    return timedelta(seconds=seconds)


# --- endpoints ------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    problem = transport.url_problem(url)
    if problem:
        raise DomainError(problem, field="url")
    host = urlsplit(url).hostname or ""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: checked after each lookup, when sending
    try:
        transport.resolve(str(literal), 443)
    except transport.Refused as exc:
        raise DomainError(
            gettext_noop("The URL points to a private or reserved address."), field="url"
        ) from exc


def _check_events(chosen: list[str]) -> list[str]:
    if not chosen:
        raise DomainError(gettext_noop("Choose at least one event."), field="events")
    unknown = [name for name in chosen if name not in events.EVENTS]
    if unknown:
        raise DomainError(gettext_noop("Unknown event."), field="events")
    return [name for name in events.EVENTS if name in chosen]  # the catalogue's order, once


def _lock_tandem(tandem_id: int) -> None:
    """Take the tandem's row lock before an endpoint's `enabled` changes: two changes of one
    tandem's endpoints then run one after the other, so the second one's
    `webhooks_flag_sync` sees the first one's endpoint (two concurrent syncs could each miss
    the other's uncommitted change and leave the flag wrong)."""
    list(Tandem.objects.select_for_update().filter(pk=tandem_id).values_list("pk", flat=True))


def webhooks_flag_sync(*, tandem_id: int, membership: Membership | None = None) -> bool:
    """Recompute `Tandem.has_enabled_webhooks` from the endpoints (after `_lock_tandem`, in the
    same transaction as the change) and return it; the caller's `membership`'s tandem, if
    read, is kept true too (a later change in the same request reads the flag from it)."""
    enabled = Endpoint.objects.filter(tandem_id=tandem_id, enabled=True).exists()
    Tandem.objects.filter(pk=tandem_id).update(has_enabled_webhooks=enabled)
    if membership is not None and Membership.tandem.is_cached(membership):
        membership.tandem.has_enabled_webhooks = enabled
    return enabled


@transaction.atomic
def endpoint_create(
    *,
    membership: Membership,
    url: str,
    events: list[str],
    format: str = EndpointFormat.STANDARD,
    description: str = "",
) -> tuple[Endpoint, str]:
    """Add an endpoint to the member's tandem. Returns it and its secret, shown only now."""
    _check_url(url)
    secret = signing.secret_new()
    _lock_tandem(membership.tandem_id)
    endpoint = Endpoint.objects.create(
        tandem_id=membership.tandem_id,
        created_by=membership.user,
        url=url,
        format=format,
        description=description,
        events=_check_events(events),
        language=membership.user.language or settings.LANGUAGE_CODE,
        secret_sealed=sealing.seal(secret),
    )
    webhooks_flag_sync(tandem_id=membership.tandem_id, membership=membership)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    membership: Membership,
    endpoint_id: int,
    url: str | None = None,
    events: list[str] | None = None,
    format: str | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Endpoint:
    """Change an endpoint; switching it on again starts its count of failures afresh."""
    if enabled is not None:
        _lock_tandem(membership.tandem_id)
    endpoint = endpoint_get(membership=membership, endpoint_id=endpoint_id)
    fields: list[str] = []
    if url is not None:
        _check_url(url)
        endpoint.url = url
        fields.append("url")
    if events is not None:
        endpoint.events = _check_events(events)
        fields.append("events")
    if format is not None:
        endpoint.format = format
        fields.append("format")
    if description is not None:
        endpoint.description = description
        fields.append("description")
    if enabled is not None and enabled != endpoint.enabled:
        endpoint.enabled = enabled
        endpoint.failures_in_a_row = 0
        endpoint.disabled_reason = ""
        fields += ["enabled", "failures_in_a_row", "disabled_reason"]
    if fields:
        endpoint.save(update_fields=fields)
    if "enabled" in fields:
        webhooks_flag_sync(tandem_id=membership.tandem_id, membership=membership)
    return endpoint


@transaction.atomic
def endpoint_delete(*, membership: Membership, endpoint_id: int) -> None:
    _lock_tandem(membership.tandem_id)
    endpoint_get(membership=membership, endpoint_id=endpoint_id).delete()
    webhooks_flag_sync(tandem_id=membership.tandem_id, membership=membership)


def endpoint_secret(endpoint: Endpoint) -> str:
    return sealing.unseal(endpoint.secret_sealed)


# --- events ---------------------------------------------------------------------------------


def _kick() -> None:
    """Start a dispatch pass now; with the broker down the periodic one finds the rows."""
    from apps.webhooks.tasks import dispatch as dispatch_task  # tasks import this module

    try:
        dispatch_task.delay()
    except BrokerUnreachable as exc:
        logger.warning("webhooks: broker unreachable (%s); the next periodic pass sends", exc)


def event_emit(
    *,
    tandem: Tandem | int,
    event_type: str,
    data: dict[str, Any],
    key: str | None = None,
    at: datetime | None = None,
) -> int:
    """Record an event for every enabled endpoint of the tandem that subscribed to it.

    Called by the capability's service inside its transaction: the rows commit with the
    change or not at all, and the dispatch pass is enqueued only after the commit. `key`
    makes a periodic caller idempotent ("checkin-reminder:17:2026-03-02T09:00"): the event id
    is derived from it, and an endpoint that already has that event gets nothing new.
    Returns how many endpoints will get it.
    """
    return events_emit(tandem=tandem, emitted=[(event_type, data)], key=key, at=at)


def events_emit(
    *,
    tandem: Tandem | int,
    emitted: list[tuple[str, dict[str, Any]]],
    key: str | None = None,
    at: datetime | None = None,
    enabled_webhooks: bool | None = None,
) -> int:
    """`event_emit` for several events of one change (a decision logged that also needs
    acknowledgement), with one read of the tandem's endpoints. `enabled_webhooks`: the
    tandem's `has_enabled_webhooks` as the caller read it in this request (with the
    membership); False spares the endpoint read, so a tandem without webhooks costs no query.
    None (a caller without a fresh reading): the endpoints are read. Returns how many
    deliveries were recorded."""
    for event_type, _data in emitted:
        if event_type not in events.EVENTS:
            raise ValueError(f"unknown webhook event {event_type!r}")
    if enabled_webhooks is False:
        return 0
    tandem_id = tandem if isinstance(tandem, int) else tandem.pk
    endpoints = list(
        Endpoint.objects.filter(tandem_id=tandem_id, enabled=True).only("pk", "events")
    )
    at = at or timezone.now()
    rows: list[WebhookDelivery] = []
    for event_type, data in emitted:
        wanted = [endpoint for endpoint in endpoints if event_type in endpoint.events]
        if not wanted:
            continue
        if key is None:
            event_id = f"msg_{uuid.uuid4().hex}"
        else:
            digest = hashlib.sha256(f"{tandem_id}:{key}:{event_type}".encode()).hexdigest()
            event_id = f"msg_{digest[:32]}"
            seen = set(
                WebhookDelivery.objects.filter(endpoint__in=wanted, event_id=event_id).values_list(
                    "endpoint_id", flat=True
                )
            )
            wanted = [endpoint for endpoint in wanted if endpoint.pk not in seen]
        payload = events.envelope(event_type=event_type, at=at, data=data)
        rows += [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                deliver_at=at,
            )
            for endpoint in wanted
        ]
    if not rows:
        return 0
    # ignore_conflicts: of two callers racing with the same key, the constraint keeps one.
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=key is not None)
    transaction.on_commit(_kick)
    return len(rows)


@transaction.atomic
def endpoint_send_test(*, membership: Membership, endpoint_id: int) -> WebhookDelivery:
    """A test event for one endpoint, sent also while it is switched off (to try it first)."""
    endpoint = endpoint_get(membership=membership, endpoint_id=endpoint_id)
    now = timezone.now()
    tandem = membership.tandem
    data = events.subject(
        tandem_id=tandem.pk,
        tandem_name=tandem.name,
        subject_kind="webhook",
        id=endpoint.pk,
        title=endpoint.description or endpoint.url,
        path=reverse("webhooks:endpoint", args=[tandem.pk, endpoint.pk]),
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=f"msg_{uuid.uuid4().hex}",
        event_type=events.TEST,
        payload=events.envelope(event_type=events.TEST, at=now, data=data),
        deliver_at=now,
    )
    transaction.on_commit(_kick)
    return delivery


@transaction.atomic
def delivery_redeliver(
    *, membership: Membership, endpoint_id: int, delivery_id: int | str
) -> WebhookDelivery:
    """Send a finished delivery again, with the same event id and payload, from its first try."""
    endpoint = endpoint_get(membership=membership, endpoint_id=endpoint_id)
    try:
        delivery = WebhookDelivery.objects.get(endpoint=endpoint, pk=int(delivery_id))
    except (WebhookDelivery.DoesNotExist, ValueError, OverflowError):
        raise NotFound(gettext_noop("No such delivery.")) from None
    if not endpoint.enabled and delivery.event_type != events.TEST:
        raise Conflict(gettext_noop("Switch the webhook on first."))
    finished = (WebhookState.SENT, WebhookState.FAILED, WebhookState.SKIPPED)
    moved = WebhookDelivery.objects.filter(pk=delivery.pk, state__in=finished).update(
        state=WebhookState.PENDING, deliver_at=timezone.now(), attempts=0, error=""
    )
    if not moved:
        raise Conflict(gettext_noop("This delivery is still on its way."))
    transaction.on_commit(_kick)
    delivery.refresh_from_db()
    return delivery


# --- the dispatcher -------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchResult:
    released: int = 0
    suspected_duplicates: int = 0
    skipped: int = 0
    claimed: int = 0


def deliveries_release_expired(*, now: datetime) -> tuple[int, int]:
    """The sweeper: rows whose lease ran out go back to pending (their worker died). One that
    was `sending` may have reached the receiver: it is counted as a possible duplicate."""
    sending = WebhookDelivery.objects.filter(
        state=WebhookState.SENDING, claimed_until__lt=now
    ).update(
        state=WebhookState.PENDING,
        claim_token=None,
        claimed_until=None,
        deliver_at=now,
        suspected_duplicates=F("suspected_duplicates") + 1,
        error="The worker stopped during the request.",
    )
    claimed = WebhookDelivery.objects.filter(
        state=WebhookState.CLAIMED, claimed_until__lt=now
    ).update(state=WebhookState.PENDING, claim_token=None, claimed_until=None)
    return sending + claimed, sending


def dispatch(
    *, now: datetime | None = None, lease: timedelta | None = None, batch: int | None = None
) -> DispatchResult:
    """One pass: sweep, skip what switched-off endpoints would get, claim what is due.

    On PostgreSQL the due rows are locked `FOR UPDATE SKIP LOCKED`, so two passes take
    disjoint rows; everywhere the claim is a conditional update `pending → claimed` under a
    fresh token, and the tasks are enqueued after it commits.
    """
    now = now or timezone.now()
    lease = lease or lease_duration()
    limit = batch or settings.TANDEM_WEBHOOK_DISPATCH_BATCH
    released, duplicates = deliveries_release_expired(now=now)
    token = uuid.uuid4()
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(
            state=WebhookState.PENDING, deliver_at__lte=now
        ).order_by("deliver_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due.values_list("pk", "endpoint__enabled", "event_type")[:limit])
        off = [pk for pk, enabled, kind in rows if not enabled and kind != events.TEST]
        mine = [pk for pk, enabled, kind in rows if enabled or kind == events.TEST]
        pending = WebhookDelivery.objects.filter(state=WebhookState.PENDING)
        skipped = pending.filter(pk__in=off).update(
            state=WebhookState.SKIPPED, error="The webhook is switched off."
        )
        claimed = pending.filter(pk__in=mine).update(
            state=WebhookState.CLAIMED, claim_token=token, claimed_at=now, claimed_until=now + lease
        )
        if claimed:
            held = list(
                WebhookDelivery.objects.filter(claim_token=token)
                .order_by("deliver_at", "id")
                .values_list("pk", flat=True)
            )
            transaction.on_commit(lambda: _publish(held, str(token)))
    result = DispatchResult(released, duplicates, skipped, claimed)
    if result != DispatchResult():
        logger.info("webhooks dispatch: %s", result)
    return result


def _publish(pks: list[int], token: str) -> None:
    from apps.webhooks.tasks import deliver  # tasks import this module

    try:
        for pk in pks:
            deliver.delay(pk, token)
    except BrokerUnreachable as exc:
        WebhookDelivery.objects.filter(claim_token=token, state=WebhookState.CLAIMED).update(
            state=WebhookState.PENDING, claim_token=None, claimed_until=None
        )
        logger.warning("webhooks: broker unreachable (%s); the next pass sends", exc)


# --- delivering -----------------------------------------------------------------------------


def body_for(delivery: WebhookDelivery) -> bytes:
    """The bytes the endpoint receives: the event itself, or a Slack or Teams message."""
    endpoint = delivery.endpoint
    message: dict[str, Any] = delivery.payload
    if endpoint.format == EndpointFormat.SLACK:
        message = presets.slack(delivery.payload, language=endpoint.language)
    elif endpoint.format == EndpointFormat.TEAMS:
        message = presets.teams(delivery.payload, language=endpoint.language)
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def delivery_send(*, delivery_id: int, token: str) -> bool:
    """Send one claimed delivery. Returns whether it reached the endpoint (a 2xx answer).

    Run twice, one effect: only the holder of `token` moves the row to `sending`, under a
    token of its own committed before the request, so a redelivered task finds nothing.
    """
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, claim_token=token, state=WebhookState.CLAIMED)
        .first()
    )
    if delivery is None or delivery.claimed_at is None or delivery.claimed_until is None:
        return False
    lease = delivery.claimed_until - delivery.claimed_at
    mine = uuid.uuid4()
    now = timezone.now()
    if not WebhookDelivery.objects.filter(
        pk=delivery.pk, claim_token=token, state=WebhookState.CLAIMED
    ).update(
        state=WebhookState.SENDING,
        claim_token=mine,
        claimed_until=now + lease,
        attempts=F("attempts") + 1,
    ):
        return False
    attempts = delivery.attempts + 1
    endpoint = delivery.endpoint
    body = body_for(delivery)
    status: int | None = None
    latency: int | None = None
    permanent = False
    try:
        headers = signing.headers(
            secret=endpoint_secret(endpoint),
            msg_id=delivery.event_id,
            timestamp=int(timezone.now().timestamp()),
            body=body,
        )
        answer = transport.post(endpoint.url, body=body, headers=headers)
        status, latency = answer.status, answer.latency_ms
        error = "" if 200 <= status < 300 else f"The endpoint answered {status}."
        if 300 <= status < 400:
            error = f"The endpoint answered {status}: redirects are not followed."
    except transport.Refused as exc:
        error, permanent = str(exc), True
    except (transport.TransportError, ValueError) as exc:
        error = str(exc)
    row = WebhookDelivery.objects.filter(
        pk=delivery.pk, claim_token=mine, state=WebhookState.SENDING
    )
    done = timezone.now()
    counts = delivery.event_type != events.TEST  # a test does not switch an endpoint off
    if not error:
        row.update(
            state=WebhookState.SENT,
            sent_at=done,
            status_code=status,
            latency_ms=latency,
            error="",
            claim_token=None,
            claimed_until=None,
        )
        if counts:
            Endpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=0)
        return True
    last = permanent or attempts >= settings.TANDEM_WEBHOOK_MAX_ATTEMPTS
    row.update(
        state=WebhookState.FAILED if last else WebhookState.PENDING,
        deliver_at=done if last else done + retry_delay(attempts),
        status_code=status,
        latency_ms=latency,
        error=error[:500],
        claim_token=None,
        claimed_until=None,
    )
    if counts:
        _count_failure(endpoint, now=done)
    return False


def _count_failure(endpoint: Endpoint, *, now: datetime) -> None:
    """One more failure in a row; at the limit the endpoint is switched off (once: a
    conditional update decides) and its creator is told."""
    limit = settings.TANDEM_WEBHOOK_DISABLE_AFTER
    Endpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=F("failures_in_a_row") + 1)
    with transaction.atomic():
        _lock_tandem(endpoint.tandem_id)
        switched = Endpoint.objects.filter(
            pk=endpoint.pk, enabled=True, failures_in_a_row__gte=limit
        ).update(enabled=False, disabled_reason=DISABLED_REASON % {"count": limit})
        if switched:
            webhooks_flag_sync(tandem_id=endpoint.tandem_id)
    if not switched:
        return
    logger.warning("webhooks: endpoint %s switched off after %s failures", endpoint.pk, limit)
    creator = endpoint.created_by
    if (
        creator is None
        or not Membership.objects.filter(tandem_id=endpoint.tandem_id, user=creator).exists()
    ):
        return
    with translation.override(creator.language or settings.LANGUAGE_CODE):
        title = gettext("A webhook was switched off after %(count)s failed tries") % {
            "count": limit
        }
        body = gettext(
            "Tandem could not reach %(url)s. Check the address, then switch it on again."
        ) % {"url": endpoint.url}
    notify(
        recipient=creator,
        tandem=endpoint.tandem,
        kind="webhook.disabled",
        key=f"webhook-disabled:{endpoint.pk}:{now.isoformat()}",
        title=title,
        body=body,
        url=reverse("webhooks:endpoint", args=[endpoint.tandem_id, endpoint.pk]),
    )
