"""What check-ins contribute to apps.insights: who put which topics on the agendas, and how
effective each person found the meetings. Scoped to the member's tandem; the callers group
these querysets by month in one aggregate query each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import DateTimeField, F, Q, QuerySet
from django.db.models.functions import Coalesce

from apps.checkins.models import AgendaItem, AgendaKind, Retro
from apps.tandems.models import Membership


def agenda_raised_of(*, membership: Membership) -> QuerySet[AgendaItem]:
    """The agenda items a person raised in the member's tandem: a carried-over copy is the
    same topic again, not a new one, and what Tandem brought by itself (an overdue action
    item, a decision waiting for the meeting) nobody raised, so neither is here."""
    return AgendaItem.objects.filter(
        tandem_id=membership.tandem_id,  # its occurrence's tandem, without joining every one
        carried_from__isnull=True,
        action_item__isnull=True,
    ).exclude(Q(decision__isnull=False) & Q(kind=AgendaKind.DECISION_NEEDED))


def retros_met_between(
    *, membership: Membership, start: datetime, end: datetime
) -> QuerySet[Retro]:
    """The retros of the member's tandem whose meeting took place in `[start, end)`, each with
    `met_at`: when that was (where it was moved to, else its planned start)."""
    return (
        Retro.objects.filter(occurrence__series__tandem_id=membership.tandem_id)
        .annotate(
            met_at=Coalesce(
                F("occurrence__moved_to"),
                F("occurrence__original_start"),
                output_field=DateTimeField(),
            )
        )
        .filter(met_at__gte=start, met_at__lt=end)
    )
