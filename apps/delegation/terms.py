"""The terms of the decision-rights matrix in force at a moment: the read that the decision
log (`services.decision_log`) and its preview (`selectors.decision_classification_preview`)
share, so the logged verdict and the preview never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext

from apps.core.errors import DomainError
from apps.delegation.classification import AuthorityLevel, MatrixTerms
from apps.delegation.models import DecisionArea, Elevation, MatrixChange, MatrixChangeKind

_TERMS_KINDS = (MatrixChangeKind.CREATED, MatrixChangeKind.UPDATED)
# The elevation's columns read along with the area; the others are loaded if ever asked for.
_ELEVATION_COLUMNS = ("id", "level", "starts_at", "ends_at")


@dataclass(frozen=True)
class AreaAt:
    """An area and what was in force for it at one moment."""

    area: DecisionArea
    terms: MatrixTerms
    elevation: Elevation | None
    # The currency of the money limit then (see `area_at`).
    limit_currency: str


def area_at(areas: QuerySet[DecisionArea], *, area_id: int, at: datetime) -> AreaAt | None:
    """The area `area_id` among `areas` (None if it is not there) with its terms at the
    moment `at`, reconstructed from the matrix history, and the elevation in force then: one
    query (the history's latest entry at `at` and the elevation are subqueries).

    A moment before the area's first entry gets its first terms (the area is what the author
    chose; a second query, only then); an area without history (made outside the services)
    gets its current terms. The limit's currency is the one of the latest entry at `at`, the
    area's current one when there is none.
    """
    changes = MatrixChange.objects.filter(area=OuterRef("pk"), kind__in=_TERMS_KINDS)
    then = changes.filter(changed_at__lte=at).order_by("-changed_at", "-id").values("new")[:1]
    elevations = Elevation.objects.active_at(at).filter(area=OuterRef("pk"))
    elevation = elevations.order_by("-level", "-id")
    row = (
        areas.filter(pk=area_id)
        .annotate(
            terms_then=Subquery(then, output_field=JSONField()),
            **{
                f"elevation_{column}": Subquery(elevation.values(column)[:1])
                for column in _ELEVATION_COLUMNS
            },
        )
        .first()
    )
    if row is None:
        return None
    found: Any = row  # the annotations are attributes Django's stubs do not know
    in_force = _elevation(row, [getattr(found, f"elevation_{c}") for c in _ELEVATION_COLUMNS])
    elevated = AuthorityLevel(in_force.level) if in_force else None
    new: dict[str, Any] | None = found.terms_then
    limit_currency = str(new["limit_currency"]) if new is not None else row.limit_currency
    if new is None:
        new = (
            MatrixChange.objects.filter(area=row, kind__in=_TERMS_KINDS)
            .order_by("changed_at", "id")
            .values_list("new", flat=True)
            .first()
        )
    if new is None:
        return AreaAt(row, row.terms(elevated_level=elevated), in_force, limit_currency)
    limit = new["limit_amount"]
    terms = MatrixTerms(
        level=AuthorityLevel(new["level"]),
        limit_amount=None if limit is None else Decimal(limit),
        level_above_limit=new["level_above_limit"],
        elevated_level=elevated,
    )
    return AreaAt(row, terms, in_force, limit_currency)


def _elevation(area: DecisionArea, values: list[Any]) -> Elevation | None:
    """The elevation read along with `area`, as a model instance whose other columns are
    deferred (like one read with `only()`)."""
    if values[0] is None:
        return None
    known = dict(zip(_ELEVATION_COLUMNS, values, strict=True))
    known |= {"tandem_id": area.tandem_id, "area_id": area.pk}
    fields = [f for f in Elevation._meta.concrete_fields if f.attname in known]
    return Elevation.from_db(
        area._state.db, [f.attname for f in fields], [known[f.attname] for f in fields]
    )


def check_area_open(area: DecisionArea, *, at: datetime) -> None:
    """An archived area takes no decision taken since it was archived; one taken before (and
    logged late) is classified against the terms it had then."""
    if area.archived_at is not None and at >= area.archived_at:
        raise DomainError(
            gettext("This area is archived; choose another area, or none."), field="area"
        )
