"""Reads of the web pages: recent decisions per area, the log's counts, the
classification preview, the matrix templates one may copy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.core.errors import NotFound
from apps.delegation.classification import AuthorRole, MatrixTerms, Verdict, classify
from apps.delegation.models import (
    Decision,
    DecisionArea,
    Elevation,
)
from apps.delegation.terms import area_at, check_area_open
from apps.tandems.models import Membership
from apps.tandems.selectors import tandems_for

# --- reads of the web pages --------------------------------------------------------------


def recent_decisions_by_area(
    *, membership: Membership, per_area: int = 3
) -> dict[int, list[Decision]]:
    """The latest `per_area` decisions of each of the tandem's areas, newest first, keyed by
    area id. One query, whatever the number of areas or decisions: on PostgreSQL an index
    scan per area that stops after `per_area` rows; on SQLite a window function over the
    tandem's decisions."""
    fields = ("id", "area_id", "title", "classification", "status", "decided_at")
    rows: Iterable[Decision]
    if connection.vendor == "postgresql":
        decisions, areas = Decision._meta.db_table, DecisionArea._meta.db_table
        latest = RawSQL(  # noqa: S611 - table names from the models, values as parameters
            f"""SELECT d.id FROM "{areas}" a CROSS JOIN LATERAL (
                    SELECT d.id FROM "{decisions}" d WHERE d.area_id = a.id
                    ORDER BY d.decided_at DESC, d.id DESC LIMIT %s
                ) d WHERE a.tandem_id = %s""",  # noqa: S608
            [per_area, membership.tandem_id],
        )
        rows = (
            Decision.objects.filter(pk__in=latest)
            .only(*fields)
            .order_by("area_id", "-decided_at", "-id")
        )
    else:
        rows = (
            Decision.objects.filter(tandem_id=membership.tandem_id, area__isnull=False)
            .only(*fields)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("area_id")],
                    order_by=[F("decided_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=per_area)
            .order_by("area_id", "rank")
        )
    recent: dict[int, list[Decision]] = defaultdict(list)
    for decision in rows:
        recent[decision.area_id].append(decision)  # type: ignore[index]
    return dict(recent)


@dataclass(frozen=True)
class DecisionCounts:
    """How many decisions per area (by name; None for "no area"), per classification and per
    level applied (None for "no area")."""

    by_area: list[tuple[str | None, int]]
    by_classification: list[tuple[str, int]]
    by_level: list[tuple[int | None, int]]


def decision_counts(*, decisions: QuerySet[Decision], newest: int | None = None) -> DecisionCounts:
    """Counts of `decisions`, which must come from `decisions_of` (so they are the member's
    tandem's), e.g. after the log's filters; of their `newest` latest only, when given (the log
    past its count cap: what a page costs must not grow with the history). One query: grouped
    by area, classification and level together (a few dozen groups at most), summed here three
    ways; on PostgreSQL the index `delegation_decision_counts` answers a whole log's without
    reading the table."""
    if newest is not None:
        latest = decisions.order_by("-decided_at", "-id").values("pk")[:newest]
        decisions = Decision.objects.filter(pk__in=latest)
    by_area: dict[str | None, int] = defaultdict(int)
    by_classification: dict[str, int] = defaultdict(int)
    by_level: dict[int | None, int] = defaultdict(int)
    grouped = (
        decisions.order_by()
        .values("area__name", "classification", "level_applied")
        .annotate(n=Count("*"))
    )
    for row in grouped:
        by_area[row["area__name"]] += row["n"]
        by_classification[row["classification"]] += row["n"]
        by_level[row["level_applied"]] += row["n"]
    return DecisionCounts(
        by_area=sorted(by_area.items(), key=lambda item: (-item[1], item[0] or "")),
        by_classification=sorted(by_classification.items(), key=lambda item: (-item[1], item[0])),
        by_level=sorted(by_level.items(), key=lambda item: (item[0] is None, item[0] or 0)),
    )


@dataclass(frozen=True)
class ClassificationPreview:
    """How a decision would be classified if the member logged it now; nothing is written."""

    area: DecisionArea | None
    terms: MatrixTerms | None
    elevation: Elevation | None
    verdict: Verdict


def decision_classification_preview(
    *,
    membership: Membership,
    area_id: int | None,
    amount: Decimal | None,
    decided_at: datetime | None = None,
) -> ClassificationPreview:
    """The verdict `services.decision_log` would reach for these values: the same terms in
    force at `decided_at` and the same pure `classify`, without writing anything.

    An area of another tandem is a NotFound, like a missing one.
    """
    area: DecisionArea | None = None
    terms: MatrixTerms | None = None
    elevation: Elevation | None = None
    if area_id is not None:
        at = decided_at or timezone.now()
        then = area_at(tandem_id=membership.tandem_id, area_id=area_id, at=at)
        if then is None:
            raise NotFound(gettext_noop("Not found."))
        area = then.area
        check_area_open(area, at=at)
        terms, elevation = then.terms, then.elevation
    verdict = classify(terms=terms, amount=amount, author_role=AuthorRole(membership.role))
    return ClassificationPreview(area=area, terms=terms, elevation=elevation, verdict=verdict)


@dataclass(frozen=True)
class TemplateSource:
    """Another tandem of the person whose matrix they may copy, with its areas in force."""

    tandem_id: int
    name: str
    areas: int


def template_sources(*, membership: Membership) -> list[TemplateSource]:
    """The person's other tandems (in either seat) that have a matrix to copy into this one
    (`services.matrix_copy`), by name. One query."""
    rows = (
        tandems_for(membership.user)
        .exclude(pk=membership.tandem_id)
        .annotate(
            in_force=Count("decision_areas", filter=Q(decision_areas__archived_at__isnull=True))
        )
        .filter(in_force__gt=0)
        .order_by("name", "pk")
        .values_list("pk", "name", "in_force")
    )
    return [TemplateSource(tandem_id=pk, name=name, areas=count) for pk, name, count in rows]
