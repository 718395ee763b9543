"""Every event a webhook can carry, and the versioned envelope around it.

Pure: no database. An endpoint subscribes to some of these names; the capabilities that
write the event (delegation, check-ins, feedback) call `apps.webhooks.services.event_emit`
with one of them and a `data` dict of plain JSON values. `VERSION` goes up only when a
field's meaning changes or a field goes away; new fields may appear in a version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

VERSION = 1
TEST = "webhook.test"

EVENTS: dict[str, Any] = {
    "decision.logged": _("A decision was logged"),
    "decision.answered": _("A request was answered"),
    "decision.needs_acknowledgement": _("A decision needs acknowledgement"),
    "checkin.reminder": _("A check-in is coming up"),
    "agenda_item.added": _("An agenda item was added"),
    "action_item.due": _("An action item is due"),
    "feedback.revealed": _("Feedback was revealed to both"),
    "matrix.changed": _("The decision matrix changed"),
}


def envelope(*, event_type: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON every endpoint of the standard format receives (the `webhooks` section of
    the OpenAPI schema documents each event's `data`)."""
    stamp = at.isoformat().replace("+00:00", "Z")
    return {"type": event_type, "version": VERSION, "timestamp": stamp, "data": data}


def subject(
    *, tandem_id: int, tandem_name: str, subject_kind: str, id: int, title: str, path: str
) -> dict[str, Any]:
    """The part every event's `data` shares: which tandem, what it is about, and where to
    open it (an absolute link to the page; only a member who signs in sees it)."""
    return {
        "tandem": {"id": tandem_id, "name": tandem_name},
        "subject": {
            "kind": subject_kind,
            "id": id,
            "title": title,
            "url": f"{settings.TANDEM_BASE_URL.rstrip('/')}{path}",
        },
    }
