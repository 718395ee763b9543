"""Writing the audit log: one call per security-relevant action, from the service that
performs it, inside its transaction (an action that rolls back leaves no event)."""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.audit.models import AuditAction, AuditEvent
from apps.audit.request_info import client_ip, current_ip


def _target(target: models.Model | str | None) -> str:
    if target is None:
        return ""
    if isinstance(target, models.Model):
        return f"{target._meta.label_lower}:{target.pk}"
    return str(target)[:300]


def audit_record(
    *,
    action: AuditAction | str,
    actor: Any = None,
    tandem: Any = None,
    target: models.Model | str | None = None,
    data: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent:
    """Append one event. `actor` is a user (or None for an anonymous attempt), `tandem` a
    tandem or its id. The client address comes from `request` if given, else from the
    request being served (None in a background task)."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action: {action!r}")
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor_id = None
    tandem_id = getattr(tandem, "pk", tandem)
    return AuditEvent.objects.create(
        action=str(action),
        actor_id=actor_id,
        tandem_id=tandem_id,
        target=_target(target),
        ip=client_ip(request) if request is not None else current_ip.get(),
        data=data or {},
    )
