"""Writes about tandems: creating one, inviting the partner, joining, vision and goals."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.accounts.rules import is_valid_timezone
from apps.audit.services import audit_record
from apps.core.email_address import local_part_is_ascii, normalize_email_address
from apps.core.errors import Conflict, DomainError, NotFound, TooManyRequests
from apps.core.text import one_line
from apps.tandems import access, tokens
from apps.tandems.models import (
    Departure,
    FormerMember,
    Goal,
    GoalStatus,
    Invitation,
    Membership,
    Role,
    Tandem,
)

logger = logging.getLogger(__name__)

# Messages for a `DomainError`: English, translated where they are shown (apps.core.errors).
_SEAT_TAKEN: Final = {
    Role.LEADER: gettext_noop("The tandem already has a leader."),
    Role.ASSISTANT: gettext_noop("The tandem already has an assistant."),
}
_NOT_REVOCABLE: Final = {
    "pending": gettext_noop("This invitation is pending and cannot be revoked."),
    "accepted": gettext_noop("This invitation is accepted and cannot be revoked."),
    "revoked": gettext_noop("This invitation is revoked and cannot be revoked."),
    "expired": gettext_noop("This invitation is expired and cannot be revoked."),
}


def _choose_one_of(values: list[str]) -> str:
    return gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(values)}


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


# --- a pair that changes ----------------------------------------------------------------------


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


def _check_invitation_rate(*, inviter: User, email: str) -> None:
    """Each invitation is an e-mail to an address of the inviter's choosing: limit how many
    one person sends per hour and one address receives per day. Counted from the rows
    (withdrawn ones too: their e-mail went out). Two invitations at the same instant may
    both pass the count: the limit may be exceeded by one, never by a flood."""
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    sent = Invitation.objects.filter(invited_by=inviter, created_at__gt=hour_ago)
    if sent.count() >= settings.TANDEM_INVITATIONS_PER_HOUR:
        oldest = sent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = (oldest or now) + timedelta(hours=1) - now
        raise TooManyRequests(
            gettext_noop("You have sent many invitations in the last hour. Try again later."),
            field="email",
            retry_after=max(1, int(wait.total_seconds()) + 1),
        )
    day_ago = now - timedelta(days=1)
    received = Invitation.objects.filter(email=email, created_at__gt=day_ago)
    if received.count() >= settings.TANDEM_INVITATIONS_PER_ADDRESS_PER_DAY:
        oldest = received.order_by("created_at").values_list("created_at", flat=True).first()
        wait = (oldest or now) + timedelta(days=1) - now
        raise TooManyRequests(
            gettext_noop("This address has received many invitations today. Try again tomorrow."),
            field="email",
            retry_after=max(1, int(wait.total_seconds()) + 1),
        )


@transaction.atomic
def invitation_create(*, membership: Membership, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by e-mail to the tandem's vacant seat.

    Returns the invitation and the token; the token is not stored, so this is the only moment
    it exists outside the e-mail. A new invitation for the same seat revokes the previous one.
    """
    tandem = membership.tandem
    email = normalize_email_address(email)
    if not local_part_is_ascii(email):
        raise DomainError(
            gettext_noop(
                "Write the part before the @ in plain letters (a to z), as the mail provider does."
            ),
            field="email",
        )
    if role not in Role.values:
        raise DomainError(_choose_one_of(Role.values), field="role")
    _check_invitation_rate(inviter=membership.user, email=email)
    # Lock the tandem row: two members inviting at once must not both pass the vacancy check.
    Tandem.objects.select_for_update().filter(pk=tandem.pk).first()
    seats = dict(Membership.objects.filter(tandem=tandem).values_list("role", "user__email"))
    if email in {normalize_email_address(e) for e in seats.values()}:
        # The seats' state, not the input, is in the way: a conflict (409).
        raise Conflict(gettext_noop("This person is already in the tandem."), field="email")
    if role in seats:
        raise Conflict(_SEAT_TAKEN[Role(role)], field="role")
    now = timezone.now()
    Invitation.objects.filter(
        tandem=tandem, role=role, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    token = tokens.new_token()
    invitation = Invitation.objects.create(
        tandem=tandem,
        email=email,
        role=role,
        token_hash=tokens.token_hash(token),
        invited_by=membership.user,
        expires_at=now + settings.TANDEM_INVITATION_TTL,
    )
    from apps.tandems.tasks import send_invitation_email

    # Robust: with the broker down the invitation still stands (the answer carries its link);
    # the failed enqueue is logged and `email_sent_at` stays empty.
    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, token), robust=True)
    audit_record(
        action="invitation_created",
        actor=membership.user,
        tandem=tandem,
        target=invitation,
        data={"role": role},
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, membership: Membership, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(tandem=membership.tandem, pk=invitation_id).first()
    if invitation is None:
        raise NotFound(gettext_noop("Not found."))
    now = timezone.now()
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    if not updated:
        raise Conflict(_NOT_REVOCABLE[invitation.status])
    invitation.refresh_from_db()
    audit_record(
        action="invitation_revoked",
        actor=membership.user,
        tandem=membership.tandem_id,
        target=invitation,
    )
    return invitation


def invitation_for_token(*, token: str) -> Invitation:
    """The invitation a link points to, whatever its state; NotFound for an unknown token."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise DomainError(gettext_noop("This invitation link is not valid."), field="token")
    invitation = (
        Invitation.objects.select_related("tandem", "invited_by")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )
    if invitation is None or not tokens.token_matches(token, invitation.token_hash):
        raise DomainError(gettext_noop("This invitation link is not valid."), field="token")
    return invitation


def _invitation_problem(invitation: Invitation) -> str | None:
    status = invitation.status
    return {
        "accepted": gettext_noop("This invitation has already been used."),
        "revoked": gettext_noop("This invitation has been withdrawn."),
        "expired": gettext_noop("This invitation has expired. Ask for a new one."),
    }.get(status)


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the tandem in the invited role. Single use, even when two requests race."""
    invitation = invitation_for_token(token=token)
    problem = _invitation_problem(invitation)
    if problem:
        raise DomainError(problem, field="token")
    if user.email_verified_at is None:
        # Only an address its owner proved to read may take an invitation sent to it.
        raise DomainError(
            gettext_noop("Confirm your e-mail address first, with the link we sent you."),
            field="token",
        )
    if normalize_email_address(invitation.email) != normalize_email_address(user.email):
        raise DomainError(
            gettext_noop(
                "This invitation was sent to another e-mail address. Sign in with that address."
            ),
            field="token",
        )
    if Membership.objects.filter(tandem_id=invitation.tandem_id, user=user).exists():
        raise DomainError(gettext_noop("You are already in this tandem."), field="token")
    now = timezone.now()
    # Conditional claim: of two concurrent accepts, only one updates the row.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user, updated_at=now)
    if not claimed:
        raise DomainError(gettext_noop("This invitation has already been used."), field="token")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                tandem_id=invitation.tandem_id, user=user, role=invitation.role
            )
    except IntegrityError:
        raise DomainError(_SEAT_TAKEN[Role(invitation.role)], field="token") from None
    audit_record(
        action="invitation_accepted",
        actor=user,
        tandem=invitation.tandem_id,
        target=invitation,
        data={"role": invitation.role},
    )
    return membership


def invitation_send_email(*, invitation_id: int, token: str) -> bool:
    """Send the invitation e-mail once. Returns whether this call sent it.

    The claim (`email_sent_at` set by a conditional update) makes a redelivered task a no-op.
    If sending fails, the claim is released so the retry sends it; a worker that dies inside
    the SMTP call after the server accepted the message is the one case that can send twice.
    """
    invitation = (
        Invitation.objects.select_related("tandem", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.status != "pending":
        return False
    if not tokens.token_matches(token, invitation.token_hash):
        logger.warning("invitation %s: token does not match, not sending", invitation_id)
        return False
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation.pk, email_sent_at__isnull=True).update(
        email_sent_at=now
    )
    if not claimed:
        return False
    try:
        _deliver_invitation(invitation, token)
    except Exception:
        Invitation.objects.filter(pk=invitation.pk, email_sent_at=now).update(email_sent_at=None)
        raise
    return True


def _deliver_invitation(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "inviter": inviter,
        "tandem": invitation.tandem,
        "role": Role(invitation.role),
        "accept_url": f"{settings.TANDEM_BASE_URL}/invitations/{token}/",
    }
    with translation.override(inviter.language):
        # Fixed, without the inviter's words (they are in the body); one line whatever is
        # stored, so a header can never break sending.
        subject = one_line(render_to_string("tandems/email/invitation_subject.txt", context))
        text = render_to_string("tandems/email/invitation.txt", context)
        html = render_to_string("tandems/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


GOAL_POSITION_MAX = 1_000_000
_CHANGE_GOALS: Final = gettext_noop("change the goals")


def goal_check_status(status: str) -> None:
    if status not in GoalStatus.values:
        raise DomainError(_choose_one_of(GoalStatus.values), field="status")


@transaction.atomic
def goal_create(
    *,
    membership: Membership,
    title: str,
    description: str = "",
    assistant_role: str = "",
    status: str = GoalStatus.ACTIVE,
    position: int | None = None,
) -> Goal:
    """The leader adds a goal under the tandem's vision (areas of the matrix link to goals,
    so goals are the leader's, like the matrix itself)."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    goal_check_status(status)
    tandem = membership.tandem
    if position is None:
        last = Goal.objects.filter(tandem=tandem).order_by("-position").first()
        # After the last one, within the bound the API accepts (so a goal's position always
        # reads back as a valid one).
        position = min(last.position + 1, GOAL_POSITION_MAX) if last else 0
    return Goal.objects.create(
        tandem=tandem,
        title=title,
        description=description,
        assistant_role=assistant_role,
        status=status,
        position=position,
    )


GOAL_FIELDS = ("title", "description", "assistant_role", "status", "position")


@transaction.atomic
def goal_update(*, membership: Membership, goal_id: int, **changes: object) -> Goal:
    """The leader edits a goal of the tandem (the assistant reads them; the vision text
    itself stays shared)."""
    access.require_leader(membership, action=_CHANGE_GOALS)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise DomainError(gettext_noop("Unknown field."), field=sorted(unknown)[0])
    if "status" in changes:
        goal_check_status(str(changes["status"]))
    if "title" in changes and not str(changes["title"]).strip():
        raise DomainError(gettext_noop("A goal needs a title."), field="title")
    goal = goal_locked(membership=membership, goal_id=goal_id)
    for name, value in changes.items():
        setattr(goal, name, value)
    if changes:
        goal.save(update_fields=[*changes, "updated_at"])
    return goal


def goal_locked(*, membership: Membership, goal_id: int) -> Goal:
    """The tandem's goal, locked for the rest of the transaction (404 for any other)."""
    goal = Goal.objects.select_for_update().filter(tandem=membership.tandem, pk=goal_id).first()
    if goal is None:
        raise NotFound(gettext_noop("Not found."))
    return goal


@transaction.atomic
def goal_delete(*, membership: Membership, goal_id: int) -> None:
    """The leader deletes a goal; audited.

    Decision areas that link to the goal lose the link (the database sets it to NULL), which
    changes what the matrix shows: so the API and the pages delete a goal through
    `apps.delegation.services.goal_delete`, which records that in the matrix history first
    and then calls this. A foundation app cannot know about the matrix (layers), hence the
    split.
    """
    access.require_leader(membership, action=_CHANGE_GOALS)
    goal = goal_locked(membership=membership, goal_id=goal_id)
    audit_record(
        action="goal_deleted",
        actor=membership.user,
        tandem=membership.tandem,
        target=goal,
        data={"title": goal.title},
    )
    goal.delete()
