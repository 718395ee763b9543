"""A tandem: creating it, its shared name, vision and clock, and deleting it (by the leader,
or with the last active account in it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.accounts.rules import is_valid_timezone
from apps.audit.services import audit_record
from apps.core.errors import DomainError
from apps.tandems import access
from apps.tandems.models import Membership, Role, Tandem
from apps.tandems.services.common import _choose_one_of


def _check_timezone(name: str) -> None:
    if not is_valid_timezone(name):
        message = gettext("Unknown timezone: %(value)s.") % {"value": name}
        raise DomainError(message, field="timezone")


@transaction.atomic
def tandem_create(
    *, creator: User, name: str, role: str, vision: str = "", timezone_name: str | None = None
) -> Tandem:
    """Start a tandem; the creator takes the seat they choose, the other seat waits for an
    invitation."""
    if role not in Role.values:
        raise DomainError(_choose_one_of(Role.values), field="role")
    tz = timezone_name or creator.timezone
    _check_timezone(tz)
    tandem = Tandem.objects.create(name=name, vision=vision, timezone=tz)
    Membership.objects.create(tandem=tandem, user=creator, role=role)
    return tandem


@transaction.atomic
def tandem_update(
    *,
    membership: Membership,
    name: str | None = None,
    vision: str | None = None,
    timezone_name: str | None = None,
) -> Tandem:
    """Either member may edit the shared name, vision and clock: the vision is shared."""
    tandem = membership.tandem
    fields: list[str] = []
    if name is not None:
        tandem.name = name
        fields.append("name")
    if vision is not None:
        tandem.vision = vision
        fields.append("vision")
    if timezone_name is not None:
        _check_timezone(timezone_name)
        tandem.timezone = timezone_name
        fields.append("timezone")
    if fields:
        tandem.save(update_fields=[*fields, "updated_at"])
    return tandem


@transaction.atomic
def tandem_delete(*, membership: Membership) -> None:
    """The leader deletes the tandem. What the capabilities keep of it that a cascade cannot
    remove goes first: `apps.home.services.tandem_delete` is the whole use case."""
    access.require_leader(membership, action=gettext_noop("delete the tandem"))
    audit_record(
        action="tandem_deleted",
        actor=membership.user,
        tandem=membership.tandem_id,
        target=membership.tandem,
    )
    membership.tandem.delete()


def tandems_delete_for_deleted_account(*, user: User, tandem_ids: list[int]) -> None:
    """Delete the tandems a deleted account leaves nobody active in (with their open
    invitations), each recorded in the audit log. The capabilities' rows that a cascade
    cannot remove are gone already (`apps.home.services.user_delete`)."""
    for tandem_id in tandem_ids:
        audit_record(
            action="tandem_deleted",
            actor=user,
            tandem=tandem_id,
            target=f"tandems.tandem:{tandem_id}",
            data={"reason": "account_deleted"},
        )
    Tandem.objects.filter(pk__in=tandem_ids).delete()
