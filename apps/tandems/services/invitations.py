"""Inviting the partner to the vacant seat: the limits on invitation e-mails, creating and
revoking an invitation, reading and accepting one by its link's token, and sending its
e-mail once."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core.email_address import local_part_is_ascii, normalize_email_address
from apps.core.errors import Conflict, DomainError, NotFound, TooManyRequests
from apps.core.text import one_line
from apps.tandems import tokens
from apps.tandems.models import Invitation, Membership, Role, Tandem
from apps.tandems.services.common import _SEAT_TAKEN, _choose_one_of

logger = logging.getLogger(__name__)

_NOT_REVOCABLE: Final = {
    "pending": gettext_noop("This invitation is pending and cannot be revoked."),
    "accepted": gettext_noop("This invitation is accepted and cannot be revoked."),
    "revoked": gettext_noop("This invitation is revoked and cannot be revoked."),
    "expired": gettext_noop("This invitation is expired and cannot be revoked."),
}


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
