"""The one place for role rules: which seat may do what.

Services call these with the acting person's membership; later apps reuse them (only the
leader edits the matrix or answers requests, and so on). The action is an English phrase
marked with `gettext_noop` at the call ("change the decision-rights matrix"); the message is
built here in the active language, the requester's.
"""

from __future__ import annotations

from django.utils.translation import gettext

from apps.core.errors import PermissionDenied
from apps.tandems.models import Membership, Role


def require_leader(membership: Membership, *, action: str) -> None:
    if membership.role != Role.LEADER:
        raise PermissionDenied(
            gettext("Only the leader may %(action)s.") % {"action": gettext(action)}
        )


def require_assistant(membership: Membership, *, action: str) -> None:
    if membership.role != Role.ASSISTANT:
        raise PermissionDenied(
            gettext("Only the assistant may %(action)s.") % {"action": gettext(action)}
        )


def is_leader(membership: Membership) -> bool:
    return membership.role == Role.LEADER
