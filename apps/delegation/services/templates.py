"""Matrix templates: another tandem's matrix, or a JSON document, imported into this one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from apps.audit.services import audit_record
from apps.core.errors import DomainError, NotFound
from apps.delegation.models import (
    DecisionArea,
)
from apps.delegation.selectors import areas_of
from apps.delegation.services.matrix import area_create
from apps.delegation.template import TEMPLATE_TERMS, Skipped, SkipReason, TemplateArea
from apps.tandems import access
from apps.tandems.models import Membership, Tandem
from apps.tandems.selectors import membership_get_for_member


@dataclass(frozen=True)
class MatrixImport:
    """What an import did: the areas it created (with their position in the template) and
    those it skipped because the matrix already has an area of that name."""

    created: list[tuple[int, DecisionArea]]
    skipped: list[Skipped]


def template_area_of(area: DecisionArea) -> TemplateArea:
    """The terms of an area that a template carries (`apps.delegation.template`)."""
    return TemplateArea(**{term: getattr(area, term) for term in TEMPLATE_TERMS})


def _import_areas(
    membership: Membership,
    areas: Sequence[TemplateArea],
    *,
    reason: str,
    source: dict[str, Any],
) -> MatrixImport:
    """Create each area through `area_create` (so its rules, history entry and audit event
    apply), skipping names the matrix has; one bad area fails the whole import, its error
    naming the area by position (`areas[2].level`)."""
    # Locked so that two imports into one tandem take turns: the second finds the first's
    # areas and skips them, instead of failing on the unique name halfway through.
    Tandem.objects.select_for_update().filter(pk=membership.tandem_id).first()
    created: list[tuple[int, DecisionArea]] = []
    skipped: list[Skipped] = []
    for index, template in enumerate(areas):
        name = template.name.strip()
        same = (
            DecisionArea.objects.filter(tandem_id=membership.tandem_id, name__iexact=name)
            .only("pk", "archived_at")
            .first()
            if name
            else None
        )
        if same is not None:
            why = (
                SkipReason.REPEATED
                if any(area.pk == same.pk for _index, area in created)
                else SkipReason.ARCHIVED
                if same.archived_at is not None
                else SkipReason.EXISTS
            )
            skipped.append(Skipped(index=index, name=name, reason=why))
            continue
        try:
            area = area_create(membership=membership, reason=reason, **asdict(template))
        except DomainError as exc:
            raise type(exc)(
                exc.msgid, field=f"areas[{index}].{exc.field or 'name'}", code=exc.code
            ) from None
        created.append((index, area))
    audit_record(
        action="matrix_imported",
        actor=membership.user,
        tandem=membership.tandem,
        data={**source, "created": len(created), "skipped": len(skipped)},
    )
    return MatrixImport(created=created, skipped=skipped)


@transaction.atomic
def matrix_import(*, membership: Membership, areas: Sequence[TemplateArea]) -> MatrixImport:
    """Add a template's areas to the matrix (leader only), e.g. from a JSON export of
    another tandem's matrix: all or nothing.

    Each area goes through the rules of `area_create` and is recorded in the matrix history;
    an area whose name the matrix already has (regardless of case, archived areas included)
    is skipped and reported, never changed. One audit event for the whole import.
    """
    access.require_leader(membership, action=gettext_noop("change the decision-rights matrix"))
    return _import_areas(
        membership,
        areas,
        reason=gettext("Imported from a matrix template."),
        source={"source": "file"},
    )


@transaction.atomic
def matrix_copy(*, membership: Membership, from_tandem_id: int) -> MatrixImport:
    """Copy the matrix in force of another tandem the leader is a member of (in either seat)
    into this one, as `matrix_import` does with a template: areas and their terms, not
    decisions, elevations, history, review dates or goals.

    A tandem the person is not in is refused exactly like a missing one (naming
    `from_tandem`), so nobody learns that it exists.
    """
    access.require_leader(membership, action=gettext_noop("change the decision-rights matrix"))
    try:
        source = membership_get_for_member(user=membership.user, tandem_id=from_tandem_id)
    except NotFound:
        raise DomainError(
            gettext("No such tandem among yours."), field="from_tandem", code="does_not_exist"
        ) from None
    if source.tandem_id == membership.tandem_id:
        raise DomainError(
            gettext("Choose another tandem than the one you import into."), field="from_tandem"
        )
    in_force = areas_of(membership=source).filter(archived_at__isnull=True).order_by("name", "id")
    return _import_areas(
        membership,
        [template_area_of(area) for area in in_force],
        # Not the other tandem's name: the assistant here is not in that tandem.
        reason=gettext("Copied from another tandem's matrix."),
        source={"source": "tandem", "from_tandem": source.tandem_id},
    )
