"""Every kind of notice a person can get, and whether it comes by e-mail unless they chose.

Pure: no database. `Notice.kind` is one of these names; the services that record notices use
them, the dispatcher asks `wants_email` before it sends an e-mail, and the preferences page
and `GET /api/v1/me/notifications/` list them.

Every notice is in the in-app inbox, always. E-mail is chosen per kind, on top of the one
switch for all e-mail (`NotificationPreferences.email_enabled`). The defaults follow one rule:
e-mail for what the person should act on or must know before they next open Tandem (a request
to answer, a decision outside the agreed authority, a change of their authority, a commitment
given to them, a meeting, a feedback cycle, a partner who joined or left); in-app only for
what is information about something already settled that they look at in their own time
(a decision they are merely informed of, which waits in the leader's review queue anyway; the
partner's check-in on a goal, which the goal's page keeps).
A kind not listed here (one a newer version sends, a test's) comes by e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["KINDS", "TOPICS", "NoticeKind", "email_choices", "is_known", "wants_email"]


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice: `name` is `Notice.kind`; `email` is the default for e-mail."""

    name: str
    topic: str
    label: StrOrPromise
    email: bool = True


# The sections of the preferences page, in their order.
TOPICS: dict[str, StrOrPromise] = {
    "tandem": _("Your tandem"),
    "goals": _("Goals"),
    "decisions": _("Decisions"),
    "matrix": _("Decision rights"),
    "checkins": _("Check-ins and action items"),
    "feedback": _("Feedback"),
    "contacts": _("Contact care"),
    "insights": _("Insights"),
}

KINDS: tuple[NoticeKind, ...] = (
    NoticeKind("tandem.joined", "tandem", _("Someone accepted your invitation and joined")),
    NoticeKind("tandem.member_left", "tandem", _("Your partner left the tandem or was removed")),
    NoticeKind("goal.checkin", "goals", _("Your partner checked in on a goal"), email=False),
    NoticeKind("webhook.disabled", "tandem", _("A webhook you added was switched off")),
    NoticeKind(
        "decision.request", "decisions", _("Your partner asks for your agreement or advice")
    ),
    NoticeKind(
        "decision.overdue", "decisions", _("A request waits for your answer past its due date")
    ),
    NoticeKind("decision.answered", "decisions", _("Your request was answered")),
    NoticeKind(
        "decision.reminder",
        "decisions",
        _("The reminder you asked for on an item of your review queue"),
    ),
    NoticeKind(
        "decision.outside_authority",
        "decisions",
        _("A decision was taken outside the agreed authority"),
    ),
    NoticeKind("decision.no_area", "decisions", _("A decision fits no area of the matrix yet")),
    NoticeKind(
        "decision.inform", "decisions", _("Your partner informs you of a decision"), email=False
    ),
    NoticeKind("area.elevated", "matrix", _("An area is raised for you for a while")),
    NoticeKind("area.level_changed", "matrix", _("The level of an area changes")),
    NoticeKind("checkin_reminder", "checkins", _("A check-in is coming up")),
    NoticeKind("checkin.changed", "checkins", _("Your partner skipped or moved a check-in")),
    NoticeKind("agenda.comment", "checkins", _("Your partner commented on an agenda item")),
    NoticeKind("action_item.assigned", "checkins", _("An action item is assigned to you")),
    NoticeKind("action_item_due", "checkins", _("An action item of yours is due")),
    NoticeKind("feedback.opened", "feedback", _("A feedback cycle opens")),
    NoticeKind("feedback.closing", "feedback", _("A feedback cycle closes soon")),
    NoticeKind("feedback.revealed", "feedback", _("Your partner's feedback for you is there")),
    NoticeKind("feedback.appreciation", "feedback", _("Your partner says thank you")),
    NoticeKind(
        "contacts.window", "contacts", _("Your weekly communication window: a few suggestions")
    ),
    NoticeKind("insights.monthly", "insights", _("Your monthly look back: the month in figures")),
)

_BY_NAME: dict[str, NoticeKind] = {kind.name: kind for kind in KINDS}


def is_known(name: str) -> bool:
    return name in _BY_NAME


def email_choices(chosen: Mapping[str, bool] | None = None) -> dict[str, bool]:
    """Whether each kind comes by e-mail: the person's choices over the defaults, in order."""
    chosen = chosen or {}
    return {kind.name: bool(chosen.get(kind.name, kind.email)) for kind in KINDS}


def wants_email(
    name: str, *, enabled: bool = True, chosen: Mapping[str, bool] | None = None
) -> bool:
    """Whether a notice of kind `name` goes out by e-mail: never with e-mail switched off
    (`enabled`), else the person's choice for the kind, else the kind's default."""
    if not enabled:
        return False
    if chosen and name in chosen:
        return bool(chosen[name])
    kind = _BY_NAME.get(name)
    return kind.email if kind is not None else True
