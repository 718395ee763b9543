"""Writes about a goal that someone else must hear of: a check-in tells the partner.

The goal and its milestones are written by `apps.tandems.services` (a foundation app sends
no notices); a check-in is written here because the event is not done until the partner is
told, in the same transaction (`apps.notifications.services.notify`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from apps.core.errors import DomainError
from apps.notifications.services import notify
from apps.tandems import services as tandem_services
from apps.tandems.models import Confidence, GoalCheckIn, GoalMeasure, Membership
from apps.tandems.services import GOAL_VALUE_MAX

TEXT_MAX = 2000


def goal_url(tandem_id: int, goal_id: int) -> str:
    return reverse("goals:goal", kwargs={"tandem_id": tandem_id, "goal_id": goal_id})


@transaction.atomic
def goal_checkin_add(
    *,
    membership: Membership,
    goal_id: int,
    text: str,
    confidence: str,
    value: Decimal | None = None,
) -> GoalCheckIn:
    """Either member writes a short update on a goal with their confidence; with `value`, a
    goal measured by a number moves its current value there. The partner is told (one notice
    per check-in, `goal.checkin`); written once, never changed.

    The goal is locked first, so two check-ins that report a value at once leave the goal at
    the value of the one written last (which is also the newest of the list)."""
    text = text.strip()
    if not text:
        raise DomainError(gettext_noop("Say in a sentence how it goes."), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(gettext_noop("At most 2,000 characters."), field="text")
    if confidence not in Confidence.values:
        raise DomainError(
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Confidence.values)},
            field="confidence",
        )
    goal = tandem_services.goal_locked(membership=membership, goal_id=goal_id)
    if value is not None:
        if goal.measure != GoalMeasure.NUMBER:
            raise DomainError(gettext_noop("This goal is not measured by a number."), field="value")
        if abs(value) > GOAL_VALUE_MAX:
            raise DomainError(gettext_noop("This number is too large."), field="value")
    checkin = GoalCheckIn.objects.create(
        goal=goal, author=membership.user, text=text, confidence=confidence, value=value
    )
    if value is not None:
        goal.current_value = value
        goal.save(update_fields=["current_value", "updated_at"])
    _tell_partner(membership, checkin)
    return checkin


def _tell_partner(membership: Membership, checkin: GoalCheckIn) -> None:
    partner = (
        Membership.objects.select_related("user")
        .filter(tandem_id=membership.tandem_id)
        .exclude(user_id=membership.user_id)
        .first()
    )
    if partner is None:
        return
    goal = checkin.goal
    with translation.override(partner.user.language):
        title = gettext("%(who)s on “%(goal)s”: %(confidence)s") % {
            "who": membership.user.name,
            "goal": goal.title,
            "confidence": Confidence(checkin.confidence).label,
        }
    notify(
        recipient=partner.user,
        tandem=membership.tandem,
        kind="goal.checkin",
        key=f"goal-checkin:{checkin.pk}",
        title=title,
        body=checkin.text,
        url=goal_url(membership.tandem_id, goal.pk) + "#checkins",
    )
