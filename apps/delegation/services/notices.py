"""What a member must know of the matrix and the decisions: the notices the services record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.delegation.classification import (
    Classification,
)
from apps.delegation.models import (
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    Level,
    MatrixChange,
    ReviewReminder,
)
from apps.notifications.services import notice_withdraw, notify
from apps.tandems.models import Membership, Role


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
    matrix = reverse("delegation:matrix", kwargs={"tandem_id": area.tandem_id})
    return f"{matrix}?area={area.pk}#area-{area.pk}"  # the page of the matrix that shows it


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
    # What the leader is told, by the decision's status; nothing of their own decisions or
    # of those within authority (and then the leader is not even read).
    if decision.status == DecisionStatus.AWAITING_ANSWER:
        kind, suffix = "decision.request", "request"
    elif decision.status == DecisionStatus.AWAITING_ACKNOWLEDGEMENT:
        kind, suffix = "decision.inform", "inform"
    elif decision.status == DecisionStatus.NEEDS_AREA:
        kind, suffix = "decision.no_area", "no_area"
    elif decision.status == DecisionStatus.FLAGGED:
        # The most serious class of decision reaches the leader whether or not a check-in
        # is planned; in their next window, not as an urgent push.
        kind, suffix = "decision.outside_authority", "outside_authority"
    else:
        return
    leader = _leader_of(decision.tandem_id)
    if leader is None:
        return
    not_after = None
    with translation.override(leader.language):
        values = {"who": _author_name(decision), "title": decision.title}
        if suffix == "request":
            not_after = decision.due_at
            if decision.classification == Classification.NEEDS_AGREEMENT:
                title = gettext("%(who)s asks for your agreement: %(title)s") % values
            else:
                title = gettext("%(who)s asks for your advice: %(title)s") % values
        elif suffix == "inform":
            title = gettext("%(who)s decided: %(title)s") % values
        elif suffix == "no_area":
            title = gettext("No decision area fits yet: %(title)s") % values
        else:
            title = gettext("Outside the agreed authority: %(who)s decided %(title)s") % values
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


# --- the leader's own reminders on the review queue ------------------------------------------


def _withdraw_reminders(decision: Decision, *, reason: str) -> None:
    """A decision that no longer waits takes back the reminders its reviewers asked for
    (nothing is sent about something already done). Called inside the answer's or the
    acknowledgement's transaction."""
    for reminder in ReviewReminder.objects.filter(decision=decision):
        notice_withdraw(recipient_id=reminder.user_id, key=reminder.notice_key, reason=reason)
