"""Writes of the delegation app: the matrix (leader only, every change recorded), temporary
elevations, and the decision log with its review flow.

Each service checks the acting person's seat, validates meaning (raising a `DomainError`
that names the field), writes in one transaction, and records what someone must react to
through `apps.notifications.services.notify`, inside that transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation.classification import (
    AuthorRole,
    Classification,
    MatrixTerms,
    classify,
)
from apps.delegation.models import (
    ACKNOWLEDGEABLE,
    Answer,
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    Level,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.selectors import areas_of, growth_suggestions
from apps.delegation.template import TEMPLATE_TERMS, Skipped, SkipReason, TemplateArea
from apps.delegation.terms import check_area_open, limit_currency_at, terms_in_force
from apps.notifications.services import notify
from apps.tandems import access
from apps.tandems import services as tandem_services
from apps.tandems.models import Goal, Membership, Role, Tandem
from apps.tandems.selectors import locked_in_tandem, membership_get_for_member


class _Unset:
    """Marks an argument that was not given, where None means "clear it"."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_MONEY = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
# A decision logged with a time slightly ahead (a client's clock) is still "now".
_CLOCK_SKEW = timedelta(minutes=5)
# An elevation is temporary: a longer raise belongs in the matrix itself.
MAX_ELEVATION = timedelta(days=92)


def request_due_after() -> timedelta:
    """How long the leader has to answer a request when the author names no due date."""
    return timedelta(hours=settings.TANDEM_DELEGATION_REQUEST_DUE_HOURS)


# --- validation of meaning ---------------------------------------------------------------


def _check_level(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in Level.values:
        raise DomainError(
            gettext("Choose a level from 1 (Tell) to 7 (Delegate)."), field=field, code="invalid"
        )
    return int(value)


def _check_money(value: object, field: str) -> Decimal:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise DomainError(gettext("Enter an amount as a number."), field=field)
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise DomainError(gettext("Enter an amount of 0 or more."), field=field)
    if amount > _MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            gettext("Enter an amount below 10 billion with at most 2 decimal places."),
            field=field,
        )
    # Two decimal places always, so "500" and "500.00" are one value in the history too.
    return amount.quantize(Decimal("0.01"))


def _check_currency(value: str, field: str) -> str:
    if not _CURRENCY.match(value):
        raise DomainError(gettext("Enter a three-letter currency code such as EUR."), field=field)
    return value


def _check_aware(value: datetime, field: str) -> None:
    if timezone.is_naive(value):
        raise DomainError(gettext("Give a time with its timezone."), field=field)


def _check_text(value: str, field: str) -> str:
    if not value.strip():
        raise DomainError(gettext("This field may not be blank."), field=field)
    return value


def _goal_of(tandem: Tandem, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    goal = Goal.objects.filter(tandem=tandem, pk=goal_id).first()
    if goal is None:
        raise DomainError(gettext("No such goal in this tandem."), field="goal")
    return goal


def _check_limit(
    *, level: int, limit_amount: Decimal | None, limit_currency: str, level_above_limit: int | None
) -> None:
    """The limit is all or nothing, and above it a strictly lower level applies."""
    if limit_amount is None:
        if limit_currency:
            raise DomainError(gettext("A currency needs a limit amount."), field="limit_currency")
        if level_above_limit is not None:
            raise DomainError(
                gettext("A level above the limit needs a limit amount."),
                field="level_above_limit",
            )
        return
    if not limit_currency:
        raise DomainError(gettext("A limit needs its currency."), field="limit_currency")
    if level_above_limit is None:
        raise DomainError(
            gettext("Say which level applies above the limit."), field="level_above_limit"
        )
    if level_above_limit >= level:
        raise DomainError(
            gettext("Above the limit a lower level than the area's level must apply."),
            field="level_above_limit",
        )


# --- the matrix --------------------------------------------------------------------------


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
    MatrixChange.objects.create(
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
    change = MatrixChange.objects.create(
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
        MatrixChange.objects.create(
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
    MatrixChange.objects.create(
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


# --- matrix templates: another tandem's matrix, or a JSON document -----------------------


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
    MatrixChange.objects.create(
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


# --- the decision log --------------------------------------------------------------------


_BEFORE_TANDEM: Final = gettext_noop(
    "A decision cannot be dated before this tandem existed (since %(since)s)."
)
_BEFORE_AREA: Final = gettext_noop(
    "A decision cannot be dated before its area existed (since %(since)s)."
)


def _check_existed(
    membership: Membership, decided_at: datetime, *, since: datetime, message: str
) -> None:
    """A decision is dated no earlier than the tandem and the area it belongs to. Before
    them there were no terms to act on, and classifying such a decision with the first ones
    would let back-dating choose the terms (a level the leader has since lowered). Within
    the minute they began counts as since then: the pages take times to the minute, so a
    decision logged right after its area was made is dated in that minute."""
    if decided_at < since.replace(second=0, microsecond=0):
        local = timezone.localtime(since, timezone=ZoneInfo(membership.user.timezone))
        raise DomainError(
            gettext(message) % {"since": local.isoformat(timespec="minutes")},
            field="decided_at",
        )


_REQUESTS: Final = (Classification.NEEDS_AGREEMENT, Classification.NEEDS_ADVICE)
_ASSISTANT_STATUS: Final = {
    Classification.WITHIN_AUTHORITY: DecisionStatus.NO_ACTION,
    Classification.INFORM: DecisionStatus.AWAITING_ACKNOWLEDGEMENT,
    Classification.NEEDS_AGREEMENT: DecisionStatus.AWAITING_ANSWER,
    Classification.NEEDS_ADVICE: DecisionStatus.AWAITING_ANSWER,
    Classification.OUTSIDE_AUTHORITY: DecisionStatus.FLAGGED,
    Classification.NO_AREA: DecisionStatus.NEEDS_AREA,
}


def _leader_of(tandem_id: int) -> User | None:
    seat = (
        Membership.objects.select_related("user")
        .filter(tandem_id=tandem_id, role=Role.LEADER)
        .first()
    )
    return seat.user if seat else None


# --- what the assistant must know of the matrix --------------------------------------------


def _assistants_of(tandem_id: int) -> list[User]:
    seats = Membership.objects.select_related("user").filter(
        tandem_id=tandem_id, role=Role.ASSISTANT
    )
    return [seat.user for seat in seats]


def _area_url(area: DecisionArea) -> str:
    """The area's row in the matrix, where its level, limit and boundaries are shown."""
    return reverse("delegation:matrix", kwargs={"tandem_id": area.tandem_id}) + f"#area-{area.pk}"


def _local_time(instant: datetime, person: User) -> str:
    return timezone.localtime(instant, timezone=ZoneInfo(person.timezone)).strftime(
        "%Y-%m-%d %H:%M"
    )


def _tell_assistants(
    area: DecisionArea,
    *,
    kind: str,
    key: str,
    render: Callable[[User], tuple[str, str]],
    note: str = "",
    **timing: Any,
) -> None:
    """One notice for each assistant of the area's tandem: `render(assistant)` gives title
    and body in their language; the leader's `note` follows as written."""
    for assistant in _assistants_of(area.tandem_id):
        with translation.override(assistant.language):
            title, body = render(assistant)
        notify(
            recipient=assistant,
            tandem=area.tandem,
            kind=kind,
            key=key,
            title=title,
            body=f"{body}\n\n{note}" if note else body,
            url=_area_url(area),
            **timing,
        )


def _notify_assistants_of_elevation(elevation: Elevation, *, leader: User) -> None:
    """The assistant learns which area is raised, to which level, from when until when (in
    their own timezone), and the leader's note: the one notice an elevation exists for.

    Urgent (not held for the weekly window, still out of quiet hours): an elevation is
    usually for days, so next week's window would often come after it ended. Dropped if it
    could not reach them before the elevation ended (a pause, say)."""

    def render(assistant: User) -> tuple[str, str]:
        values = {
            "who": leader.name,
            "area": elevation.area.name,
            "level": str(Level(elevation.level).label),
            "from": _local_time(elevation.starts_at, assistant),
            "until": _local_time(elevation.ends_at, assistant),
        }
        title = gettext("“%(area)s” is raised to %(level)s until %(until)s")
        body = gettext(
            "%(who)s raised “%(area)s” to %(level)s for you, from %(from)s until %(until)s."
        )
        return title % values, body % values

    _tell_assistants(
        elevation.area,
        kind="area.elevated",
        key=f"elevation:{elevation.pk}",
        render=render,
        note=elevation.reason,
        urgent=True,
        expires_at=elevation.ends_at,
    )


def _notify_assistants_of_level_change(
    change: MatrixChange, *, old_level: int, new_level: int, leader: User
) -> None:
    """The assistant learns that an area's level changed (old → new) and the leader's reason;
    in their next window, like any change that takes effect without an answer."""
    values = {"who": leader.name, "area": change.area.name}

    def render(assistant: User) -> tuple[str, str]:
        levels = {"old": str(Level(old_level).label), "new": str(Level(new_level).label)}
        title = gettext("Level of “%(area)s” changed: %(old)s → %(new)s")
        body = gettext("%(who)s changed the level of “%(area)s” from %(old)s to %(new)s.")
        return title % (values | levels), body % (values | levels)

    _tell_assistants(
        change.area,
        kind="area.level_changed",
        key=f"matrix-change:{change.pk}",
        render=render,
        note=change.reason,
    )


def _decision_url(decision: Decision) -> str:
    """The decision's web page: where a notice (in the inbox or an e-mail) takes the person."""
    return reverse(
        "delegation:decision", kwargs={"tandem_id": decision.tandem_id, "decision_id": decision.pk}
    )


def _author_name(decision: Decision) -> str:
    return decision.author.name if decision.author else gettext("A former member")


def _notify_leader_of_new(decision: Decision) -> None:
    leader = _leader_of(decision.tandem_id)
    if leader is None:
        return
    with translation.override(leader.language):
        values = {"who": _author_name(decision), "title": decision.title}
        kind, suffix, not_after = "", "", None
        if decision.status == DecisionStatus.AWAITING_ANSWER:
            kind, suffix, not_after = "decision.request", "request", decision.due_at
            if decision.classification == Classification.NEEDS_AGREEMENT:
                title = gettext("%(who)s asks for your agreement: %(title)s") % values
            else:
                title = gettext("%(who)s asks for your advice: %(title)s") % values
        elif decision.status == DecisionStatus.AWAITING_ACKNOWLEDGEMENT:
            kind, suffix = "decision.inform", "inform"
            title = gettext("%(who)s decided: %(title)s") % values
        elif decision.status == DecisionStatus.NEEDS_AREA:
            kind, suffix = "decision.no_area", "no_area"
            title = gettext("No decision area fits yet: %(title)s") % values
        elif decision.status == DecisionStatus.FLAGGED:
            # The most serious class of decision reaches the leader whether or not a
            # check-in is planned; in their next window, not as an urgent push.
            kind, suffix = "decision.outside_authority", "outside_authority"
            title = gettext("Outside the agreed authority: %(who)s decided %(title)s") % values
        else:
            return
        body = decision.rationale
        if decision.due_at is not None:
            due = timezone.localtime(decision.due_at, timezone=ZoneInfo(leader.timezone))
            body = (
                gettext("Please answer by %(due)s.") % {"due": due.strftime("%Y-%m-%d %H:%M")}
                + f"\n\n{body}"
            )
    notify(
        recipient=leader,
        tandem=decision.tandem,
        kind=kind,
        key=f"decision:{decision.pk}:{suffix}",
        title=title,
        body=body,
        url=_decision_url(decision),
        not_after=not_after,
    )


@transaction.atomic
def decision_log(
    *,
    membership: Membership,
    title: str,
    rationale: str,
    area_id: int | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    decided_at: datetime | None = None,
    due_at: datetime | None = None,
    goal_id: int | None = None,
) -> Decision:
    """Record a decision and classify it against the matrix in force when it was taken.

    `decided_at` (default now) lies between the creation of the tandem, and of the area, and
    now: a decision dated earlier is refused naming `decided_at`. One logged more than
    `logged_late_after()` after it was taken shows as logged late (`Decision.logged_late`,
    in the log and the review queue), so the leader sees that it was classified against
    terms of the past.

    The terms in force and the verdict are snapshotted on the decision. A request (needs
    agreement/advice) gets `due_at` (default: `request_due_after()` from now); for anything
    else `due_at` is ignored, since the author cannot know the classification in advance.
    """
    tandem = membership.tandem
    now = timezone.now()
    title = _check_text(title, "title").strip()
    rationale = _check_text(rationale, "rationale")
    if decided_at is None:
        decided_at = now
    _check_aware(decided_at, "decided_at")
    if decided_at > now + _CLOCK_SKEW:
        raise DomainError(gettext("A decision cannot be taken in the future."), field="decided_at")
    _check_existed(membership, decided_at, since=tandem.created_at, message=_BEFORE_TANDEM)

    area: DecisionArea | None = None
    if area_id is not None:
        area = DecisionArea.objects.filter(tandem=tandem, pk=area_id).first()
        if area is None:
            raise DomainError(gettext("No such area in this tandem."), field="area")
        check_area_open(area, at=decided_at)
        _check_existed(membership, decided_at, since=area.created_at, message=_BEFORE_AREA)
    goal = _goal_of(tandem, goal_id)

    if amount is not None:
        amount = _check_money(amount, "amount")
    if currency:
        _check_currency(currency, "currency")
        if amount is None:
            raise DomainError(gettext("A currency only goes with an amount."), field="currency")
    elif amount is not None:
        raise DomainError(gettext("Give the amount's currency."), field="currency")

    terms: MatrixTerms | None = None
    elevation: Elevation | None = None
    limit_currency = ""
    if area is not None:
        terms, elevation = terms_in_force(area=area, at=decided_at)
        if terms.limit_amount is not None:
            limit_currency = limit_currency_at(area=area, at=decided_at)
            if amount is not None and currency != limit_currency:
                raise DomainError(
                    gettext("This area's limit is in %(currency)s; give the amount in it.")
                    % {"currency": limit_currency},
                    field="currency",
                )

    role = AuthorRole(membership.role)
    verdict = classify(terms=terms, amount=amount, author_role=role)
    if role is AuthorRole.LEADER:
        status = DecisionStatus.NO_ACTION
    else:
        status = _ASSISTANT_STATUS[verdict.classification]

    if verdict.classification in _REQUESTS:
        if due_at is None:
            due_at = now + request_due_after()
        _check_aware(due_at, "due_at")
        if due_at <= now:
            raise DomainError(gettext("The due date must be in the future."), field="due_at")
    else:
        due_at = None

    decision = Decision.objects.create(
        tandem=tandem,
        area=area,
        goal=goal,
        author=membership.user,
        author_role=role.value,
        title=title,
        rationale=rationale,
        amount=amount,
        currency=currency,
        decided_at=decided_at,
        level_in_force=terms.level if terms else None,
        limit_amount_in_force=terms.limit_amount if terms else None,
        limit_currency_in_force=limit_currency,
        level_above_limit_in_force=terms.level_above_limit if terms else None,
        elevation=elevation,
        elevated_level_in_force=elevation.level if elevation else None,
        classification=verdict.classification.value,
        level_applied=verdict.level_applied,
        above_limit=verdict.above_limit,
        under_elevation=verdict.under_elevation,
        status=status,
        due_at=due_at,
        # Flagged for the next check-in: the check-ins app pulls it onto that agenda (no
        # check-in planned then: nothing).
        agenda_requested_at=(
            now if verdict.classification == Classification.OUTSIDE_AUTHORITY else None
        ),
    )
    _notify_leader_of_new(decision)
    return decision


def _locked_decision(membership: Membership, decision_id: int) -> Decision:
    return locked_in_tandem(Decision, membership=membership, pk=decision_id)


@transaction.atomic
def decision_update(
    *,
    membership: Membership,
    decision_id: int,
    title: str | _Unset = UNSET,
    rationale: str | _Unset = UNSET,
    goal_id: int | _Unset | None = UNSET,
) -> Decision:
    """The author corrects title, rationale or goal, until the leader answered or
    acknowledged. Area, amount and time are not editable: they decided the classification."""
    decision = _locked_decision(membership, decision_id)
    if decision.author_id != membership.user_id:
        raise PermissionDenied(gettext("Only the person who recorded a decision may edit it."))
    if decision.status in (DecisionStatus.ANSWERED, DecisionStatus.ACKNOWLEDGED):
        raise Conflict(
            gettext("This decision was %(status)s and cannot be changed; add an outcome instead.")
            % {"status": decision.get_status_display().lower()}
        )
    fields = []
    if not isinstance(title, _Unset):
        decision.title = _check_text(title, "title").strip()
        fields.append("title")
    if not isinstance(rationale, _Unset):
        decision.rationale = _check_text(rationale, "rationale")
        fields.append("rationale")
    if not isinstance(goal_id, _Unset):
        decision.goal = _goal_of(membership.tandem, goal_id)
        fields.append("goal")
    if fields:
        decision.save(update_fields=[*fields, "updated_at"])
    return decision


@transaction.atomic
def decision_answer(
    *, membership: Membership, decision_id: int, answer: str, comment: str = ""
) -> Decision:
    """The leader approves, rejects or advises on a request; written once, never changed.

    Rejecting and advising need a comment: the assistant must learn why or what.
    """
    decision = _locked_decision(membership, decision_id)
    if decision.author_id == membership.user_id:
        raise PermissionDenied(gettext("You cannot answer your own request."))
    access.require_leader(membership, action=gettext_noop("answer requests"))
    if answer not in Answer.values:
        raise DomainError(
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Answer.values)},
            field="answer",
        )
    if answer != Answer.APPROVE and not comment.strip():
        raise DomainError(gettext("Say why, or what you advise."), field="comment")
    if decision.status == DecisionStatus.ANSWERED:
        raise Conflict(gettext("This request has already been answered."))
    now = timezone.now()
    # Conditional update: of two answers racing, only the first is written.
    claimed = Decision.objects.filter(pk=decision.pk, status=DecisionStatus.AWAITING_ANSWER).update(
        status=DecisionStatus.ANSWERED,
        answer=answer,
        answer_comment=comment,
        answered_by=membership.user,
        answered_at=now,
        updated_at=now,
    )
    if not claimed:
        raise Conflict(gettext("This decision does not await an answer."))
    decision.refresh_from_db()
    author = decision.author
    if author is not None:
        with translation.override(author.language):
            values = {"who": membership.user.name, "title": decision.title}
            title = {
                Answer.APPROVE: gettext("%(who)s approved: %(title)s"),
                Answer.REJECT: gettext("%(who)s rejected: %(title)s"),
                Answer.ADVISE: gettext("%(who)s advised on: %(title)s"),
            }[Answer(answer)] % values
        notify(
            recipient=author,
            tandem=decision.tandem,
            kind="decision.answered",
            key=f"decision:{decision.pk}:answered",
            title=title,
            body=comment,
            url=_decision_url(decision),
        )
    return decision


@transaction.atomic
def decision_acknowledge(*, membership: Membership, decision_id: int) -> Decision:
    """The leader has seen a decision that informs, was outside authority, or fits no area."""
    decision = _locked_decision(membership, decision_id)
    access.require_leader(membership, action=gettext_noop("acknowledge decisions"))
    now = timezone.now()
    claimed = Decision.objects.filter(pk=decision.pk, status__in=ACKNOWLEDGEABLE).update(
        status=DecisionStatus.ACKNOWLEDGED,
        acknowledged_by=membership.user,
        acknowledged_at=now,
        updated_at=now,
    )
    if not claimed:
        if decision.status == DecisionStatus.ACKNOWLEDGED:
            raise Conflict(gettext("This decision has already been acknowledged."))
        raise Conflict(gettext("This decision does not await an acknowledgement."))
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_record_outcome(
    *, membership: Membership, decision_id: int, outcome: str, lesson: str = ""
) -> Decision:
    """Either member adds how it turned out and a lesson (blameless: a learning)."""
    decision = _locked_decision(membership, decision_id)
    decision.outcome = _check_text(outcome, "outcome")
    decision.lesson = lesson
    decision.outcome_recorded_by = membership.user
    decision.outcome_recorded_at = timezone.now()
    decision.save(
        update_fields=[
            "outcome",
            "lesson",
            "outcome_recorded_by",
            "outcome_recorded_at",
            "updated_at",
        ]
    )
    return decision


def decisions_flag_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Tell the leader once about each request whose due date has passed; returns how many.

    Each decision is claimed by a conditional update of `overdue_at`, so two workers (or a
    re-run) never flag it twice; the notice key makes the notice itself idempotent too.
    """
    now = now or timezone.now()
    due = list(
        Decision.objects.filter(
            status=DecisionStatus.AWAITING_ANSWER, due_at__lte=now, overdue_at__isnull=True
        )
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:batch]
    )
    flagged = 0
    for pk in due:
        with transaction.atomic():
            claimed = Decision.objects.filter(
                pk=pk, status=DecisionStatus.AWAITING_ANSWER, overdue_at__isnull=True
            ).update(overdue_at=now)
            if not claimed:
                continue
            flagged += 1
            decision = Decision.objects.select_related("tandem", "author").get(pk=pk)
            leader = _leader_of(decision.tandem_id)
            if leader is None:
                continue
            with translation.override(leader.language):
                title = gettext("Overdue: %(who)s is waiting for your answer on %(title)s") % {
                    "who": _author_name(decision),
                    "title": decision.title,
                }
            notify(
                recipient=leader,
                tandem=decision.tandem,
                kind="decision.overdue",
                key=f"decision:{decision.pk}:overdue",
                title=title,
                body=decision.rationale,
                url=_decision_url(decision),
            )
            # No second reminder: the unanswered request goes onto the next check-in instead
            # (the check-ins app pulls it, `checkins.services.agenda_pull_decisions`).
            Decision.objects.filter(pk=pk).update(agenda_requested_at=now)
    return flagged


# --- erasure (called by apps.home) ----------------------------------------------------------


def decisions_delete_for_tandems(*, tandem_ids: list[int]) -> None:
    """Delete the decisions of tandems that are being deleted. A decision protects its area
    (an area with decisions cannot be deleted alone), and Django refuses a cascade through a
    protecting key: the decisions go before their tandem."""
    Decision.objects.filter(tandem_id__in=tandem_ids).delete()
