"""Appreciation sent and reacted to, and erasure (called by apps.home)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.checkins.models import ActionItem
from apps.core.errors import DomainError, NotFound, PermissionDenied
from apps.delegation.models import Decision
from apps.feedback.models import (
    Appreciation,
    EntryStatus,
    FeedbackEntry,
    Reaction,
)
from apps.feedback.services.common import _text
from apps.feedback.services.entries import _recipient
from apps.notifications.services import notify
from apps.tandems.models import Membership


def appreciation_send(
    *,
    membership: Membership,
    text: str,
    decision_id: int | None = None,
    action_item_id: int | None = None,
) -> Appreciation:
    """A short thank-you to the other member, seen at once (and announced in their inbox)."""
    text = _text(text, "text")
    with transaction.atomic():
        recipient = _recipient(membership, None)
        if (
            decision_id is not None
            and not Decision.objects.filter(pk=decision_id, tandem_id=membership.tandem_id).exists()
        ):
            raise DomainError(gettext_noop("No such decision in this tandem."), field="decision")
        if (
            action_item_id is not None
            and not ActionItem.objects.filter(
                pk=action_item_id, tandem_id=membership.tandem_id
            ).exists()
        ):
            raise DomainError(
                gettext_noop("No such action item in this tandem."), field="action_item"
            )
        appreciation = Appreciation.objects.create(
            tandem_id=membership.tandem_id,
            author_id=membership.user_id,
            recipient=recipient,
            text=text,
            decision_id=decision_id,
            action_item_id=action_item_id,
        )
        with translation.override(recipient.language):
            title = gettext("%(name)s says thank you") % {
                "name": membership.user.display_name or membership.user.email
            }
        notify(
            recipient=recipient,
            tandem=membership.tandem,
            kind="feedback.appreciation",
            key=f"appreciation:{appreciation.pk}",
            title=title,
            body=text,
            url=reverse("feedback:appreciations", kwargs={"tandem_id": membership.tandem_id}),
        )
    return appreciation


def appreciation_react(
    *, membership: Membership, appreciation_id: int, reaction: str
) -> Appreciation:
    """The recipient reacts (or clears the reaction with an empty string)."""
    if reaction and reaction not in Reaction.values:
        raise DomainError(gettext_noop("Unknown reaction."), field="reaction")
    with transaction.atomic():
        appreciation = (
            Appreciation.objects.select_for_update()
            .filter(tandem_id=membership.tandem_id, pk=appreciation_id)
            .first()
        )
        if appreciation is None:
            raise NotFound(gettext_noop("Not found."))
        if appreciation.recipient_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the recipient may react."), field="reaction")
        appreciation.reaction = reaction
        appreciation.reacted_at = timezone.now() if reaction else None
        appreciation.save(update_fields=["reaction", "reacted_at", "updated_at"])
    return appreciation


# --- erasure (called by apps.home) ----------------------------------------------------------


def feedback_erase_for_user(*, user: User) -> None:
    """A deleted account's drafts go: nobody but its author ever saw a draft. What they
    submitted stays with the tandem."""
    FeedbackEntry.objects.filter(author=user, status=EntryStatus.DRAFT).delete()
