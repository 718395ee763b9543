"""The terms of the decision-rights matrix in force at a moment: the read that the decision
log (`services.decision_log`) and its preview (`selectors.decision_classification_preview`)
share, so the logged verdict and the preview never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext

from apps.core.db import CompiledQuery
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


def _area_then(tandem_id: int, area_id: int, at: datetime) -> QuerySet[DecisionArea]:
    """The area's columns, its terms at `at` and the elevation in force then (`area_at`)."""
    changes = MatrixChange.objects.filter(area=OuterRef("pk"), kind__in=_TERMS_KINDS)
    then = changes.filter(changed_at__lte=at).order_by("-changed_at", "-id").values("new")[:1]
    elevations = Elevation.objects.active_at(at).filter(area=OuterRef("pk"))
    elevation = elevations.order_by("-level", "-id")
    return (
        DecisionArea.objects.filter(tandem_id=tandem_id, pk=area_id)
        .annotate(
            terms_then=Subquery(then, output_field=JSONField()),
            **{
                f"elevation_{column}": Subquery(elevation.values(column)[:1])
                for column in _ELEVATION_COLUMNS
            },
        )
        .order_by()
        .values_list(*_AREA_COLUMNS, "terms_then", *(f"elevation_{c}" for c in _ELEVATION_COLUMNS))
    )


_AREA_COLUMNS = tuple(f.attname for f in DecisionArea._meta.concrete_fields)
# Built and compiled once per process: building it through the ORM cost several times
# running it, on every decision logged.
_AREA_THEN = CompiledQuery(
    _area_then,
    tandem_id=1_900_000_201,
    area_id=1_900_000_202,
    at=datetime(1901, 2, 3, 4, 5, 6, 200001, tzinfo=UTC),
)


def area_at(*, tandem_id: int, area_id: int, at: datetime) -> AreaAt | None:
    """The area `area_id` of the tandem `tandem_id` (None if it is not there) with its terms
    at the moment `at`, reconstructed from the matrix history, and the elevation in force
    then: one query (the history's latest entry at `at` and the elevation are subqueries),
    compiled once per process.

    A moment before the area's first entry gets its first terms (the area is what the author
    chose; a second query, only then); an area without history (made outside the services)
    gets its current terms. The limit's currency is the one of the latest entry at `at`, the
    area's current one when there is none.
    """
    found = _AREA_THEN.rows(tandem_id=tandem_id, area_id=area_id, at=at)
    if not found:
        return None
    (values,) = found
    columns = len(_AREA_COLUMNS)
    row = DecisionArea.from_db(DEFAULT_DB_ALIAS, list(_AREA_COLUMNS), list(values[:columns]))
    new: dict[str, Any] | None = values[columns]
    in_force = _elevation(row, list(values[columns + 1 :]))
    elevated = AuthorityLevel(in_force.level) if in_force else None
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
