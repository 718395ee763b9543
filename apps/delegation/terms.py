"""The terms of the decision-rights matrix in force at a moment: the reads that the
decision log (`services.decision_log`) and its preview
(`selectors.decision_classification_preview`) share, so the logged verdict and the preview
never disagree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext

from apps.core.errors import DomainError
from apps.delegation.classification import AuthorityLevel, MatrixTerms
from apps.delegation.models import DecisionArea, Elevation, MatrixChange, MatrixChangeKind


def terms_in_force(*, area: DecisionArea, at: datetime) -> tuple[MatrixTerms, Elevation | None]:
    """The area's terms at the moment `at`, reconstructed from the matrix history.

    A moment before the area existed gets its first terms (the area is what the author
    chose); an area without history (made outside the services) gets its current terms.
    """
    changes = MatrixChange.objects.filter(
        area=area, kind__in=[MatrixChangeKind.CREATED, MatrixChangeKind.UPDATED]
    )
    change = (
        changes.filter(changed_at__lte=at).order_by("-changed_at", "-id").first()
        or changes.order_by("changed_at", "id").first()
    )
    elevation = Elevation.objects.active_at(at).filter(area=area).order_by("-level").first()
    elevated = AuthorityLevel(elevation.level) if elevation else None
    if change is None:
        return area.terms(elevated_level=elevated), elevation
    new = change.new
    limit = new["limit_amount"]
    terms = MatrixTerms(
        level=AuthorityLevel(new["level"]),
        limit_amount=None if limit is None else Decimal(limit),
        level_above_limit=new["level_above_limit"],
        elevated_level=elevated,
    )
    return terms, elevation


def limit_currency_at(*, area: DecisionArea, at: datetime) -> str:
    """The currency of the area's money limit at the moment `at` (the one of its first terms
    before it existed; its current one without history)."""
    change = (
        MatrixChange.objects.filter(
            area=area,
            kind__in=[MatrixChangeKind.CREATED, MatrixChangeKind.UPDATED],
            changed_at__lte=at,
        )
        .order_by("-changed_at", "-id")
        .first()
    )
    return str(change.new["limit_currency"]) if change else area.limit_currency


def check_area_open(area: DecisionArea, *, at: datetime) -> None:
    """An archived area takes no decision taken since it was archived; one taken before (and
    logged late) is classified against the terms it had then."""
    if area.archived_at is not None and at >= area.archived_at:
        raise DomainError(
            gettext("This area is archived; choose another area, or none."), field="area"
        )
