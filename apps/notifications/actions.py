"""One-click actions from a notice's e-mail: "Approve", "Advise" and "Reject" a request,
"Acknowledge" a decision, mark an action item "Done", "Add to agenda" of a check-in.

- **What a notice offers** is registered by the capability that writes the notice
  (`register(kind, actions)`, from its `AppConfig.ready`): this layer knows no decision and
  no action item, only notices, links and their use.
- **A link** is signed with the site's secret (Django's signing, its own salt, with a
  timestamp): bound to one notice — so to one person and one subject — and one action.
  Nothing is stored before it is used, so the database alone reveals no working link. It
  works for `TANDEM_EMAIL_ACTION_TTL` (a setting, three days by default).
- **GET never changes anything** (mail scanners and link previews open links): the page
  asks to confirm, with a text field where the action takes one (advice, a reason, an
  agenda item). **The POST acts**, without a password and for that one action only; it
  signs nobody in.
- **Single-use**: the action writes an `ActionUse` for the notice in its own transaction,
  so the notice's links are spent together and two clicks racing act once. A refused
  action (answered meanwhile on the web, no longer a member) rolls back with it.
- Every action taken through a link is an audit event (`email_action`, "via e-mail link").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.errors import DomainError, Gone, NotFound
from apps.notifications.models import ActionUse, Notice
from apps.tandems.models import Membership

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SALT = "tandem.notifications.email-action"
MAX_TEXT = 2000  # the confirm page's text field (an advice, a reason, an agenda item)


@dataclass(frozen=True)
class Action:
    """One thing a kind of notice lets its recipient do from the e-mail.

    `perform(membership, notice, text)` does it through the owning app's service (which
    applies every rule, as on the web) and returns what to tell the person; it raises a
    `DomainError` to refuse. `text_label` puts a text field on the confirm page;
    `text_required` refuses an empty one (naming the field `text`)."""

    name: str
    label: StrOrPromise
    perform: Callable[[Membership, Notice, str], str]
    text_label: StrOrPromise | None = None
    text_required: bool = False
    style: str = ""


_REGISTRY: dict[str, tuple[Action, ...]] = {}


def register(kind: str, actions: Sequence[Action]) -> None:
    """What notices of `kind` offer, in the e-mail's order. Registering a kind again
    replaces its actions (an app reloaded in tests)."""
    _REGISTRY[kind] = tuple(actions)


def actions_for(notice: Notice) -> tuple[Action, ...]:
    return _REGISTRY.get(notice.kind, ())


def token_for(notice: Notice, action: Action) -> str:
    return signing.dumps(
        {"n": notice.pk, "u": notice.recipient_id, "a": action.name}, salt=SALT, compress=True
    )


def path_for(notice: Notice, action: Action) -> str:
    return reverse("email_action", kwargs={"token": token_for(notice, action)})


def links_for(notices: Sequence[Notice]) -> dict[int, list[tuple[StrOrPromise, str]]]:
    """Per notice, (label, path) of each action it offers; none once one was used. One
    query for all of them, none when no notice offers an action."""
    offering = [n.pk for n in notices if actions_for(n)]
    used = (
        set(ActionUse.objects.filter(notice_id__in=offering).values_list("notice_id", flat=True))
        if offering
        else set()
    )
    return {
        n.pk: [(a.label, path_for(n, a)) for a in actions_for(n)] if n.pk not in used else []
        for n in notices
    }


@dataclass
class Found:
    notice: Notice
    action: Action


def read(token: str) -> Found:
    """The notice and action a link names. A link that was tampered with, or names a notice
    that is gone (its person deleted) or an action it does not offer: NotFound. Expired or
    used: Gone."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.TANDEM_EMAIL_ACTION_TTL)
    except signing.SignatureExpired:
        raise Gone(gettext_noop("This link has expired. Open Tandem to do this.")) from None
    except signing.BadSignature:
        raise NotFound(gettext_noop("This link is not valid.")) from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(k), int) for k in ("n", "u")
    ):
        raise NotFound(gettext_noop("This link is not valid."))
    notice = (
        Notice.objects.select_related("recipient", "tandem")
        .filter(pk=payload["n"], recipient_id=payload["u"])
        .first()
    )
    if notice is None:
        raise NotFound(gettext_noop("This link is not valid."))
    action = next((a for a in actions_for(notice) if a.name == payload.get("a")), None)
    if action is None:
        raise NotFound(gettext_noop("This link is not valid."))
    if ActionUse.objects.filter(notice_id=notice.pk).exists():
        raise Gone(gettext_noop("This link has been used already."))
    return Found(notice, action)


def _membership(notice: Notice) -> Membership:
    membership = (
        Membership.objects.select_related("tandem", "user")
        .filter(tandem_id=notice.tandem_id, user_id=notice.recipient_id)
        .first()
        if notice.tandem_id is not None
        else None
    )
    if membership is None:
        raise NotFound(gettext_noop("You are no longer a member of this tandem."))
    return membership


def action_take(*, token: str, text: str = "") -> tuple[Found, str]:
    """Do what the link says, once. Returns what was found and the message to show."""
    found = read(token)
    action = found.action
    text = text.strip()
    if action.text_required and not text:
        raise DomainError(gettext_noop("This field is required."), field="text")
    if len(text) > MAX_TEXT:
        # Refused whole rather than cut: nothing the person wrote is silently lost.
        raise DomainError(gettext_noop("Keep it under 2,000 characters."), field="text")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ActionUse.objects.create(notice=found.notice, action=action.name)
        except IntegrityError:
            raise Gone(gettext_noop("This link has been used already.")) from None
        membership = _membership(found.notice)
        message = action.perform(membership, found.notice, text)
        audit_record(
            action=AuditAction.EMAIL_ACTION,
            actor=found.notice.recipient,
            tandem=found.notice.tandem_id,
            target=f"notifications.notice:{found.notice.pk}",
            data={"kind": found.notice.kind, "action": action.name, "via": "email_link"},
        )
    return found, message
