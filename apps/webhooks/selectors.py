"""Reads of a tandem's webhooks, always from the requesting person's seat."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from apps.core.errors import NotFound
from apps.tandems.models import Membership
from apps.webhooks.models import Endpoint, WebhookDelivery


def endpoints_of(*, membership: Membership) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(tandem_id=membership.tandem_id).select_related("created_by")


def endpoint_get(*, membership: Membership, endpoint_id: int | str) -> Endpoint:
    """One endpoint of the person's tandem; another tandem's is a 404 like a missing one."""
    try:
        return endpoints_of(membership=membership).get(pk=int(endpoint_id))
    except (Endpoint.DoesNotExist, ValueError, OverflowError):
        raise NotFound(gettext_noop("No such webhook.")) from None


def deliveries_of(*, membership: Membership, endpoint_id: int | str) -> QuerySet[WebhookDelivery]:
    endpoint = endpoint_get(membership=membership, endpoint_id=endpoint_id)
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
