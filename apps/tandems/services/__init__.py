"""Writes about tandems: creating one, inviting the partner, joining, vision and goals.

One module per part, re-exported here: `common`, `tandems` (creating, editing and deleting a
tandem), `membership` (a pair that changes: leaving, removing a member), `invitations`
(inviting, the link, accepting, the e-mail), `goals`.
"""

from apps.tandems.services.goals import (
    GOAL_FIELDS,
    GOAL_POSITION_MAX,
    GOAL_VALUE_MAX,
    MILESTONES_MAX,
    goal_check_measure,
    goal_check_status,
    goal_create,
    goal_delete,
    goal_locked,
    goal_milestone_add,
    goal_milestone_delete,
    goal_milestone_update,
    goal_update,
)
from apps.tandems.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
    invitation_send_email,
)
from apps.tandems.services.membership import (
    membership_leave,
    membership_remove,
    membership_vacate_for_deleted_account,
    removal_email_send,
)
from apps.tandems.services.tandems import (
    tandem_create,
    tandem_delete,
    tandem_update,
    tandems_delete_for_deleted_account,
)

__all__ = [
    "GOAL_FIELDS",
    "GOAL_POSITION_MAX",
    "GOAL_VALUE_MAX",
    "MILESTONES_MAX",
    "goal_check_measure",
    "goal_check_status",
    "goal_create",
    "goal_delete",
    "goal_locked",
    "goal_milestone_add",
    "goal_milestone_delete",
    "goal_milestone_update",
    "goal_update",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_revoke",
    "invitation_send_email",
    "membership_leave",
    "membership_remove",
    "membership_vacate_for_deleted_account",
    "removal_email_send",
    "tandem_create",
    "tandem_delete",
    "tandem_update",
    "tandems_delete_for_deleted_account",
]
