"""The one place for role rules: which seat may do what.

Services call these with the acting person's membership; later apps reuse them (only the
leader edits the matrix or answers requests, and so on).
"""

from __future__ import annotations

from apps.core.errors import PermissionDenied
from apps.tandems.models import Membership, Role


def require_leader(membership: Membership, *, action: str) -> None:
    if membership.role != Role.LEADER:
        raise PermissionDenied(f"Only the leader may {action}.")


def require_assistant(membership: Membership, *, action: str) -> None:
    if membership.role != Role.ASSISTANT:
        raise PermissionDenied(f"Only the assistant may {action}.")


def is_leader(membership: Membership) -> bool:
    return membership.role == Role.LEADER
