"""Erasure (called by apps.home)."""

from __future__ import annotations

from apps.delegation.models import (
    Decision,
)


def decisions_delete_for_tandems(*, tandem_ids: list[int]) -> None:
    """Delete the decisions of tandems that are being deleted. A decision protects its area
    (an area with decisions cannot be deleted alone), and Django refuses a cascade through a
    protecting key: the decisions go before their tandem."""
    Decision.objects.filter(tandem_id__in=tandem_ids).delete()
