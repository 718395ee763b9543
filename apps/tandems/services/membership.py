"""A pair that changes: a member leaves, the leader removes the other member (who is told by
e-mail), a deleted account's seat is freed; the former member keeps what they shared with the
tandem."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core.errors import Conflict, DomainError, NotFound
from apps.core.text import one_line
from apps.tandems import access
from apps.tandems.models import Departure, FormerMember, Membership, Tandem


@transaction.atomic
def membership_leave(*, membership: Membership) -> FormerMember:
    """The member leaves the tandem: their seat is free for a successor, everything they
    shared stays with the tandem (see `FormerMember`), and they see the tandem no more.

    The only member cannot leave (the tandem would belong to nobody): they delete it. The
    partner is told by `apps.home.services.membership_leave`, the whole use case.
    """
    return _vacate(membership, departure=Departure.LEFT, actor=membership.user)


@transaction.atomic
def membership_remove(*, membership: Membership, member_id: int) -> FormerMember:
    """The leader removes the other member (who left the organisation, say) from their seat,
    so a successor can be invited; `member_id` is the seat's (membership's) id. The removed
    person is told by e-mail, since they no longer see the tandem (the partner's notice:
    `apps.home.services.membership_remove`)."""
    access.require_leader(membership, action=gettext_noop("remove a member"))
    seat = Membership.objects.filter(tandem_id=membership.tandem_id, pk=member_id).first()
    if seat is None:
        raise NotFound(gettext_noop("No such member in this tandem."))
    if seat.pk == membership.pk:
        raise DomainError(
            gettext_noop("You cannot remove yourself; leave the tandem instead."), field="member"
        )
    return _vacate(seat, departure=Departure.REMOVED, actor=membership.user)


def membership_vacate_for_deleted_account(*, membership: Membership) -> FormerMember | None:
    """A deleted account's seat is freed where the tandem has another member (a tandem it
    is alone in is deleted with the account, see `accounts.services.user_delete`)."""
    if (
        not Membership.objects.filter(tandem_id=membership.tandem_id)
        .exclude(pk=membership.pk)
        .exists()
    ):
        return None
    return _vacate(membership, departure=Departure.ACCOUNT_DELETED, actor=membership.user)


def _vacate(seat: Membership, *, departure: str, actor: User) -> FormerMember:
    # Lock the tandem row: a leave racing an invitation or another leave sees one state.
    Tandem.objects.select_for_update().filter(pk=seat.tandem_id).first()
    others = list(
        Membership.objects.select_related("user", "tandem")
        .filter(tandem_id=seat.tandem_id)
        .exclude(pk=seat.pk)
    )
    if not others:
        raise Conflict(
            gettext_noop(
                "You are the only member of this tandem: delete the tandem instead of leaving it."
            ),
            field="member",
        )
    former = FormerMember.objects.create(
        tandem_id=seat.tandem_id,
        user_id=seat.user_id,
        role=seat.role,
        joined_at=seat.created_at,
        departure=departure,
        removed_by=actor if departure == Departure.REMOVED else None,
    )
    seat.delete()
    audit_record(
        action="member_removed" if departure == Departure.REMOVED else "member_left",
        actor=actor,
        tandem=seat.tandem_id,
        target=seat.user,
        data={"role": seat.role, "departure": departure},
    )
    if departure == Departure.REMOVED:
        from apps.tandems.tasks import send_removal_email

        former_id = former.pk
        transaction.on_commit(lambda: send_removal_email.delay(former_id), robust=True)
    return former


def removal_email_send(*, former_member_id: int) -> bool:
    """Tell a removed person by e-mail (they no longer see the tandem or its notices)."""
    former = (
        FormerMember.objects.select_related("user", "tandem", "removed_by")
        .filter(pk=former_member_id, departure=Departure.REMOVED, user__is_active=True)
        .first()
    )
    if former is None:
        return False
    person = former.user
    context = {"former": former, "person": person, "tandem": former.tandem}
    with translation.override(person.language):
        subject = one_line(render_to_string("tandems/email/removed_subject.txt", context))
        text = render_to_string("tandems/email/removed.txt", context)
    EmailMultiAlternatives(subject, text, to=[person.email]).send()
    return True
