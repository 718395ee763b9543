"""What the check-in notices offer in their e-mail (`apps.notifications.actions`): an action
item that is due is marked "Done"; a check-in's reminder takes one more agenda item ("Add to
agenda", with its text). Each goes through the same service as the pages, with the same
rules (a skipped meeting takes no agenda, a closed item is not closed again)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from apps.checkins import selectors, services
from apps.checkins.models import ActionItemStatus, AgendaKind
from apps.core.errors import Conflict, NotFound
from apps.notifications.actions import Action, register
from apps.notifications.models import Notice
from apps.tandems.models import Membership

_REMINDER_KEY = re.compile(r"^checkin:(\d+):(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ):reminder:\d+$")


def _done(membership: Membership, notice: Notice, text: str) -> str:
    # The key is "action:<id>:due".
    item_id = int(notice.key.split(":")[1])
    if selectors.action_item_get(membership=membership, item_id=item_id).status != (
        ActionItemStatus.OPEN
    ):
        raise Conflict(gettext_noop("This action item is not open any more."))
    item = services.action_item_update(
        membership=membership, item_id=item_id, status=ActionItemStatus.DONE
    )
    if item.kept:
        return gettext("Done, and on time: a commitment kept.")
    return gettext("Done.")


def _add_to_agenda(membership: Membership, notice: Notice, text: str) -> str:
    found = _REMINDER_KEY.match(notice.key)
    if found is None:
        raise NotFound(gettext_noop("This link is not valid."))
    start = datetime.strptime(found.group(2), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    services.agenda_item_add(
        membership=membership,
        series_id=int(found.group(1)),
        start=start,
        kind=AgendaKind.UPDATE,
        text=text,
    )
    return gettext("Added to the agenda.")


def register_actions() -> None:
    register("action_item_due", [Action("done", _("Done"), _done)])
    register(
        "checkin_reminder",
        [
            Action(
                "agenda",
                _("Add to agenda"),
                _add_to_agenda,
                text_label=_("Agenda item"),
                text_required=True,
            )
        ],
    )
