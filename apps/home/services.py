"""Use cases that cross the apps: a person changes their hours (what waits for them is
rescheduled), joins or leaves a tandem (their partner is told), a tandem is deleted, a person
deletes their account.

Each app does its own part through its own service; the list here is the whole use case, so
a reader sees every step in one place (no signals). One transaction per use case.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts import services as account_services
from apps.accounts.models import User
from apps.checkins import services as checkins_services
from apps.contacts import services as contacts_services
from apps.delegation import services as delegation_services
from apps.feedback import services as feedback_services
from apps.notifications import services as notification_services
from apps.notifications.services import notify
from apps.tandems import access
from apps.tandems import selectors as tandem_selectors
from apps.tandems import services as tandem_services
from apps.tandems.models import Departure, FormerMember, Invitation, Membership, Role

# --- a person's preferences ------------------------------------------------------------------


@transaction.atomic
def user_update_preferences(*, user: User, **changes: Any) -> User:
    """Change the person's preferences (`accounts.services.user_update_preferences`); when
    their hours change (timezone, quiet hours, window, pause), the e-mails held for them are
    scheduled again by the new hours; a new timezone also moves the care dates of their
    contacts without a touch (counted from the local day they were added)."""
    before = {name: getattr(user, name) for name in notification_services.HOURS_FIELDS}
    zone = user.timezone
    user = account_services.user_update_preferences(user=user, **changes)
    if user.timezone != zone:
        # A contact without a touch counts from the day it was added, in the new timezone.
        contacts_services.care_dates_refresh(owner=user)
    if any(getattr(user, name) != value for name, value in before.items()):
        # What waits for the old hours is released or held by the new ones.
        notification_services.deliveries_reschedule(user=user)
        # The next communication window is the one of the new hours.
        contacts_services.windows_reschedule(user=user)
    return user


# --- joining --------------------------------------------------------------------------------


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the tandem in the invited role (`tandems.services.invitation_accept`); whoever is
    already in it is told."""
    membership = tandem_services.invitation_accept(user=user, token=token)
    invitation = tandem_services.invitation_for_token(token=token)
    _notify_members_of_join(membership, invitation=invitation)
    return membership


def _notify_members_of_join(membership: Membership, *, invitation: Invitation) -> None:
    """Whoever is already in the tandem (the inviter, as a rule: only members invite)
    learns that the invited person accepted and joined, and in which seat."""
    newcomer = membership.user
    others = Membership.objects.select_related("user", "tandem").filter(
        tandem_id=membership.tandem_id
    )
    for seat in others.exclude(pk=membership.pk):
        person = seat.user
        with translation.override(person.language):
            values = {
                "name": newcomer.name,
                "role": str(Role(membership.role).label),
                "tandem": seat.tandem.name,
            }
            title = gettext("%(name)s accepted your invitation and joined “%(tandem)s”") % values
            body = gettext("%(name)s joined as %(role)s.") % values
        notify(
            recipient=person,
            tandem=seat.tandem,
            kind="tandem.joined",
            key=f"invitation:{invitation.pk}:accepted",
            title=title,
            body=body,
            url=reverse("tandems:overview", args=[membership.tandem_id]),
        )


# --- a pair that changes --------------------------------------------------------------------


@transaction.atomic
def membership_leave(*, membership: Membership) -> FormerMember:
    """The member leaves the tandem (`tandems.services.membership_leave`); the partner is
    told, and nothing more about the tandem reaches the one who left."""
    former = tandem_services.membership_leave(membership=membership)
    _after_departure(former)
    return former


@transaction.atomic
def membership_remove(*, membership: Membership, member_id: int) -> FormerMember:
    """The leader removes the other member (`tandems.services.membership_remove`); nothing
    more about the tandem reaches the removed person (they are told by e-mail)."""
    former = tandem_services.membership_remove(membership=membership, member_id=member_id)
    _after_departure(former)
    return former


def _after_departure(former: FormerMember) -> None:
    # What is still on its way to them about this tandem would lead to pages they no longer
    # see: it is not sent (what is in their inbox stays, as a record).
    notification_services.deliveries_skip_for_departed(
        user_id=former.user_id, tandem_id=former.tandem_id
    )
    # Contacts shared in the tandem are private again: a successor sees none of them.
    contacts_services.contacts_unshare_for_departure(tandem_id=former.tandem_id)
    partners = Membership.objects.select_related("user", "tandem").filter(
        tandem_id=former.tandem_id
    )
    for partner in partners:
        _notify_partner_of_departure(partner, former)


def _notify_partner_of_departure(partner: Membership, former: FormerMember) -> None:
    person = former.user
    with translation.override(partner.user.language):
        values = {
            "name": person.name,
            "role": Role(former.role).label,
            "tandem": partner.tandem.name,
        }
        if former.departure == Departure.REMOVED:
            if former.removed_by_id == partner.user_id:
                return  # the leader who removed them knows
            title = gettext("%(name)s was removed from “%(tandem)s”") % values
        elif former.departure == Departure.ACCOUNT_DELETED:
            title = gettext("Your partner in “%(tandem)s” deleted their account") % values
        else:
            title = gettext("%(name)s left “%(tandem)s”") % values
        body = (
            gettext(
                "The seat of the %(role)s is free: invite a successor from the tandem's page. "
                "Everything you shared stays in the tandem."
            )
            % values
        )
    notify(
        recipient=partner.user,
        tandem=partner.tandem,
        kind="tandem.member_left",
        key=f"tandem:{former.tandem_id}:former:{former.pk}",
        title=title,
        body=body,
        url=reverse("tandems:overview", args=[former.tandem_id]),
    )


# --- erasure --------------------------------------------------------------------------------


@transaction.atomic
def tandem_delete(*, membership: Membership) -> None:
    """The leader deletes the tandem and everything in it. A decision protects its area from
    a cascade, so the decisions go first; the rest goes with the tandem."""
    access.require_leader(membership, action=gettext_noop("delete the tandem"))
    delegation_services.decisions_delete_for_tandems(tandem_ids=[membership.tandem_id])
    tandem_services.tandem_delete(membership=membership)


@transaction.atomic
def user_delete(*, user: User, password: str) -> User:
    """Delete the person's account deliberately, confirmed with their password.

    The person is anonymised, not removed, so everything the other member shares with them
    (decisions, agendas, revealed feedback, appreciation) stays readable, attributed to
    "Deleted person" (a former member of the tandem); their seats are freed for a successor
    (`tandems.services.membership_vacate_for_deleted_account`), and the partner is told.
    What only they could see goes: drafts of feedback, their inbox and notification
    choices, their contacts, their API token and calendar feed.
    Tandems nobody active is left in are deleted, with their open invitations (only a tandem
    with a vacant seat has one). They can never sign in again (unusable password, inactive;
    existing sessions fail their hash check).
    """
    user = account_services.user_delete_confirm(user=user, password=password)
    alone_in = tandem_selectors.tandems_alone_in(user=user)
    delegation_services.decisions_delete_for_tandems(tandem_ids=alone_in)
    tandem_services.tandems_delete_for_deleted_account(user=user, tandem_ids=alone_in)
    # In every other tandem the seat is freed for a successor; the partner is told.
    for seat in Membership.objects.select_related("user", "tandem").filter(user=user):
        former = tandem_services.membership_vacate_for_deleted_account(membership=seat)
        if former is not None:
            _after_departure(former)
    feedback_services.feedback_erase_for_user(user=user)
    notification_services.notifications_erase_for_user(user=user)
    checkins_services.checkins_erase_for_user(user=user)
    contacts_services.contacts_erase_for_user(user=user)
    return account_services.user_anonymise(user=user, tandems_deleted=alone_in)
