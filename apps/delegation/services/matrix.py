"""The matrix: areas with their terms and history, goals unlinked from them, elevations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from apps.audit.services import audit_record
from apps.core.errors import Conflict, DomainError, NotFound
from apps.delegation.models import (
    DecisionArea,
    Elevation,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.selectors import growth_suggestions
from apps.delegation.services.common import (
    MAX_ELEVATION,
    UNSET,
    _check_aware,
    _check_currency,
    _check_level,
    _check_limit,
    _check_money,
    _check_text,
    _goal_of,
    _Unset,
)
from apps.delegation.services.notices import (
    _notify_assistants_of_elevation,
    _notify_assistants_of_level_change,
)
from apps.tandems import access
from apps.tandems import services as tandem_services
from apps.tandems.models import Membership, Tandem
from apps.webhooks import events as webhook_events
from apps.webhooks.services import event_emit


def _record_change(**fields: Any) -> MatrixChange:
    """A line of the matrix history, and the same news for the tandem's webhooks."""
    change = MatrixChange.objects.create(**fields)
    area = change.area
    data = webhook_events.subject(
        tandem_id=change.tandem_id,
        tandem_name=area.tandem.name,
        subject_kind="decision_area",
        id=area.pk,
        title=area.name,
        path=reverse("delegation:history", kwargs={"tandem_id": change.tandem_id}),
    )
    data["change"] = {"id": change.pk, "kind": change.kind, "old": change.old, "new": change.new}
    event_emit(tandem=change.tandem_id, event_type="matrix.changed", data=data)
    return change


def area_terms_snapshot(area: DecisionArea) -> dict[str, Any]:
    """All of an area's terms as JSON, as `MatrixChange` stores them (old → new)."""
    return {
        "name": area.name,
        "description": area.description,
        "boundaries": area.boundaries,
        "level": area.level,
        "limit_amount": (
            None if area.limit_amount is None else str(area.limit_amount.quantize(Decimal("0.01")))
        ),
        "limit_currency": area.limit_currency,
        "level_above_limit": area.level_above_limit,
        "review_on": None if area.review_on is None else area.review_on.isoformat(),
        "goal": area.goal_id,
    }


def _name_taken(tandem: Tandem, name: str, *, exclude: int | None = None) -> bool:
    same = DecisionArea.objects.filter(tandem=tandem, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return same.exists()


def _save_area(area: DecisionArea, **save_kwargs: Any) -> None:
    # The unique constraint decides a race between two leaders' tabs naming two areas alike.
    try:
        with transaction.atomic():
            area.save(**save_kwargs)
    except IntegrityError:
        raise DomainError(
            gettext("The tandem already has an area with this name."), field="name"
        ) from None


@transaction.atomic
def area_create(
    *,
    membership: Membership,
    name: str,
    level: int,
    description: str = "",
    boundaries: str = "",
    limit_amount: Decimal | None = None,
    limit_currency: str = "",
    level_above_limit: int | None = None,
    review_on: date | None = None,
    goal_id: int | None = None,
    reason: str = "",
) -> DecisionArea:
    """Add an area to the matrix (leader only) and record it as the area's first change."""
    access.require_leader(membership, action=gettext_noop("change the decision-rights matrix"))
    tandem = membership.tandem
    name = _check_text(name, "name").strip()
    level = _check_level(level, "level")
    if limit_amount is not None:
        limit_amount = _check_money(limit_amount, "limit_amount")
    if limit_currency:
        _check_currency(limit_currency, "limit_currency")
    if level_above_limit is not None:
        level_above_limit = _check_level(level_above_limit, "level_above_limit")
    _check_limit(
        level=level,
        limit_amount=limit_amount,
        limit_currency=limit_currency,
        level_above_limit=level_above_limit,
    )
    goal = _goal_of(tandem, goal_id)
    if _name_taken(tandem, name):
        raise DomainError(gettext("The tandem already has an area with this name."), field="name")
    area = DecisionArea(
        tandem=tandem,
        name=name,
        description=description,
        boundaries=boundaries,
        level=level,
        limit_amount=limit_amount,
        limit_currency=limit_currency,
        level_above_limit=level_above_limit,
        review_on=review_on,
        goal=goal,
    )
    _save_area(area)
    _record_change(
        tandem=tandem,
        area=area,
        kind=MatrixChangeKind.CREATED,
        changed_by=membership.user,
        changed_at=timezone.now(),
        old=None,
        new=area_terms_snapshot(area),
        reason=reason,
    )
    audit_record(
        action="area_created",
        actor=membership.user,
        tandem=tandem,
        target=area,
        data={"level": area.level},
    )
    return area


@transaction.atomic
def area_update(
    *,
    membership: Membership,
    area_id: int,
    name: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    boundaries: str | _Unset = UNSET,
    level: int | _Unset = UNSET,
    limit_amount: Decimal | _Unset | None = UNSET,
    limit_currency: str | _Unset = UNSET,
    level_above_limit: int | _Unset | None = UNSET,
    review_on: date | _Unset | None = UNSET,
    goal_id: int | _Unset | None = UNSET,
    reason: str = "",
) -> DecisionArea:
    """Change an area's terms (leader only); records old → new unless nothing changed. An
    archived area is restored first (a conflict otherwise).

    Clearing `limit_amount` (None) clears the whole limit unless currency or level above the
    limit are given in the same call.
    """
    access.require_leader(membership, action=gettext_noop("change the decision-rights matrix"))
    tandem = membership.tandem
    area = _locked_area(membership, area_id)
    _require_in_force(area)
    old = area_terms_snapshot(area)

    if not isinstance(name, _Unset):
        area.name = _check_text(name, "name").strip()
        if _name_taken(tandem, area.name, exclude=area.pk):
            raise DomainError(
                gettext("The tandem already has an area with this name."), field="name"
            )
    if not isinstance(description, _Unset):
        area.description = description
    if not isinstance(boundaries, _Unset):
        area.boundaries = boundaries
    if not isinstance(level, _Unset):
        area.level = _check_level(level, "level")
    if not isinstance(limit_amount, _Unset):
        area.limit_amount = (
            None if limit_amount is None else _check_money(limit_amount, "limit_amount")
        )
        if limit_amount is None:
            if isinstance(limit_currency, _Unset):
                area.limit_currency = ""
            if isinstance(level_above_limit, _Unset):
                area.level_above_limit = None
    if not isinstance(limit_currency, _Unset):
        area.limit_currency = limit_currency and _check_currency(limit_currency, "limit_currency")
    if not isinstance(level_above_limit, _Unset):
        area.level_above_limit = (
            None
            if level_above_limit is None
            else _check_level(level_above_limit, "level_above_limit")
        )
    if not isinstance(review_on, _Unset):
        area.review_on = review_on
    if not isinstance(goal_id, _Unset):
        area.goal = _goal_of(tandem, goal_id)
    _check_limit(
        level=area.level,
        limit_amount=area.limit_amount,
        limit_currency=area.limit_currency,
        level_above_limit=area.level_above_limit,
    )

    new = area_terms_snapshot(area)
    if new == old:
        return area
    _save_area(area)
    change = _record_change(
        tandem=tandem,
        area=area,
        kind=MatrixChangeKind.UPDATED,
        changed_by=membership.user,
        changed_at=timezone.now(),
        old=old,
        new=new,
        reason=reason,
    )
    audit_record(
        action="area_changed",
        actor=membership.user,
        tandem=tandem,
        target=area,
        data={
            "changed": sorted(k for k in new if new[k] != old[k]),
            "level": [old["level"], new["level"]],
        },
    )
    if new["level"] != old["level"]:
        _notify_assistants_of_level_change(
            change, old_level=old["level"], new_level=new["level"], leader=membership.user
        )
    return area


@transaction.atomic
def goal_delete(*, membership: Membership, goal_id: int) -> None:
    """The leader deletes a goal of the tandem; every area that linked to it loses the link,
    and that is recorded in the matrix history (one UPDATED change per area, goal → none),
    archived areas included, so the history still reconstructs what the matrix showed.

    The goal itself is deleted (and audited) by `apps.tandems.services.goal_delete`: the
    matrix side pulls the change in before it, because a foundation app cannot know about
    the matrix.
    """
    access.require_leader(membership, action=gettext_noop("change the goals"))
    goal = tandem_services.goal_locked(membership=membership, goal_id=goal_id)
    # Locked so a concurrent edit of a linked area cannot record an "old" that still has the
    # goal after this change.
    areas = list(
        DecisionArea.objects.select_for_update()
        .filter(tandem_id=membership.tandem_id, goal=goal)
        .order_by("pk")
    )
    now = timezone.now()
    reason = gettext("The goal “%(title)s” was deleted.") % {"title": goal.title}
    for area in areas:
        old = area_terms_snapshot(area)
        area.goal = None
        area.save(update_fields=["goal", "updated_at"])
        _record_change(
            tandem_id=membership.tandem_id,
            area=area,
            kind=MatrixChangeKind.UPDATED,
            changed_by=membership.user,
            changed_at=now,
            old=old,
            new=area_terms_snapshot(area),
            reason=reason,
        )
        audit_record(
            action="area_changed",
            actor=membership.user,
            tandem=membership.tandem,
            target=area,
            data={"changed": ["goal"], "level": [area.level, area.level]},
        )
    tandem_services.goal_delete(membership=membership, goal_id=goal.pk)


def _locked_area(membership: Membership, area_id: int) -> DecisionArea:
    # Locked so two concurrent changes of one area cannot both record the same "old" and
    # lose a step of the history.
    area = (
        DecisionArea.objects.select_for_update()
        .filter(tandem_id=membership.tandem_id, pk=area_id)
        .first()
    )
    if area is None:
        raise NotFound(gettext_noop("Not found."))
    return area


def _require_in_force(area: DecisionArea) -> None:
    if area.archived_at is not None:
        raise Conflict(gettext("This area is archived; restore it first."))


def _set_archived(
    membership: Membership, area_id: int, reason: str, *, archived: bool
) -> DecisionArea:
    """Move an area out of the matrix in force or back (leader only), recorded in the matrix
    history; its terms stay as they are, so the change's old and new are the same."""
    access.require_leader(membership, action=gettext_noop("change the decision-rights matrix"))
    area = _locked_area(membership, area_id)
    if (area.archived_at is not None) == archived:
        raise Conflict(
            gettext("This area is already archived.")
            if archived
            else gettext("This area is not archived.")
        )
    area.archived_at = timezone.now() if archived else None
    area.save(update_fields=["archived_at", "updated_at"])
    kind = MatrixChangeKind.ARCHIVED if archived else MatrixChangeKind.RESTORED
    terms = area_terms_snapshot(area)
    _record_change(
        tandem_id=membership.tandem_id,
        area=area,
        kind=kind,
        changed_by=membership.user,
        changed_at=timezone.now(),
        old=terms,
        new=terms,
        reason=reason,
    )
    audit_record(
        action=f"area_{kind}",
        actor=membership.user,
        tandem=membership.tandem,
        target=area,
        data={"level": area.level},
    )
    return area


@transaction.atomic
def area_archive(*, membership: Membership, area_id: int, reason: str = "") -> DecisionArea:
    """Take an area out of the matrix in force (leader only), e.g. a task that is gone.

    From now on no decision is logged in it, no elevation granted and no growth suggested;
    its decisions and its history stay, and `area_restore` brings it back. Recorded in the
    matrix history. Archiving an archived area is a conflict.
    """
    return _set_archived(membership, area_id, reason, archived=True)


@transaction.atomic
def area_restore(*, membership: Membership, area_id: int, reason: str = "") -> DecisionArea:
    """Put an archived area back into the matrix in force, with the terms it had (leader
    only). Recorded in the matrix history. Restoring an area in force is a conflict."""
    return _set_archived(membership, area_id, reason, archived=False)


@transaction.atomic
def area_growth_dismiss(*, membership: Membership, area_id: int) -> DecisionArea:
    """The leader says "not now" to the area's growth suggestion (leader only).

    The suggestion goes away, and only requests answered from now on count towards the next
    one: the platform suggests again after another full run of approvals, never from the same
    evidence. A conflict when there is no suggestion to dismiss (a second tab, say).
    """
    access.require_leader(membership, action=gettext_noop("decide about a growth suggestion"))
    area = _locked_area(membership, area_id)
    suggestion = growth_suggestions(areas=[area]).get(area.pk)
    if suggestion is None:
        raise Conflict(gettext("There is no growth suggestion for this area any more."))
    area.growth_dismissed_at = timezone.now()
    area.save(update_fields=["growth_dismissed_at", "updated_at"])
    audit_record(
        action="growth_dismissed",
        actor=membership.user,
        tandem=membership.tandem,
        target=area,
        data={"level": area.level, "suggested_level": suggestion.suggested_level},
    )
    return area


@transaction.atomic
def elevation_create(
    *,
    membership: Membership,
    area_id: int,
    level: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> Elevation:
    """Raise an area temporarily (leader only), e.g. while the leader is away.

    It expires by itself at `ends_at`; it is recorded in the matrix history.
    """
    access.require_leader(membership, action=gettext_noop("raise an area temporarily"))
    tandem = membership.tandem
    # Locked so two overlapping elevations cannot both pass the overlap check.
    area = DecisionArea.objects.select_for_update().filter(tandem=tandem, pk=area_id).first()
    if area is None:
        raise DomainError(gettext("No such area in this tandem."), field="area")
    _require_in_force(area)
    level = _check_level(level, "level")
    if level <= area.level:
        raise DomainError(
            gettext("An elevation must be higher than the area's level (%(level)s).")
            % {"level": area.level},
            field="level",
        )
    _check_aware(starts_at, "starts_at")
    _check_aware(ends_at, "ends_at")
    now = timezone.now()
    if ends_at <= starts_at:
        raise DomainError(gettext("The end must be after the start."), field="ends_at")
    if ends_at <= now:
        raise DomainError(gettext("The end must be in the future."), field="ends_at")
    if ends_at - starts_at > MAX_ELEVATION:
        raise DomainError(
            gettext("An elevation lasts at most 92 days; change the matrix instead."),
            field="ends_at",
        )
    if Elevation.objects.filter(area=area, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise DomainError(
            gettext("This overlaps another elevation of the area."), field="starts_at"
        )
    elevation = Elevation.objects.create(
        tandem=tandem,
        area=area,
        level=level,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_by=membership.user,
    )
    _record_change(
        tandem=tandem,
        area=area,
        kind=MatrixChangeKind.ELEVATED,
        changed_by=membership.user,
        changed_at=now,
        old={"level": area.level},
        new={"level": level, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        reason=reason,
    )
    audit_record(
        action="area_elevated",
        actor=membership.user,
        tandem=tandem,
        target=elevation,
        data={"level": level},
    )
    _notify_assistants_of_elevation(elevation, leader=membership.user)
    return elevation
