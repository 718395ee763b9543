"""Writes of the delegation app: the matrix (leader only, every change recorded), temporary
elevations, and the decision log with its review flow. One module per part, re-exported here:

- `common`: checking values for their meaning, and the durations the services use;
- `matrix`: areas with their terms and history, goals unlinked from them, elevations;
- `templates`: another tandem's matrix, or a JSON document, imported into this one;
- `decisions`: the decision log and its review flow;
- `review`: the review queue at scale: acknowledging several at once, "remind me tomorrow";
- `notices`: what a member must know, recorded through `apps.notifications.services.notify`;
- `erasure`: called by apps.home.

Each service checks the acting person's seat, validates meaning (raising a `DomainError`
that names the field), writes in one transaction, and records what someone must react to
inside that transaction.
"""

from apps.delegation.services.common import (
    MAX_ELEVATION,
    UNSET,
    request_due_after,
)
from apps.delegation.services.decisions import (
    decision_acknowledge,
    decision_answer,
    decision_log,
    decision_record_outcome,
    decision_update,
    decisions_flag_overdue,
)
from apps.delegation.services.erasure import (
    decisions_delete_for_tandems,
)
from apps.delegation.services.matrix import (
    area_archive,
    area_create,
    area_growth_dismiss,
    area_restore,
    area_terms_snapshot,
    area_update,
    elevation_create,
    goal_delete,
)
from apps.delegation.services.review import (
    BULK_MAX,
    BulkAcknowledgement,
    decision_remind_me,
    decisions_acknowledge,
)
from apps.delegation.services.templates import (
    MatrixImport,
    matrix_copy,
    matrix_import,
    template_area_of,
)

__all__ = [
    "BULK_MAX",
    "MAX_ELEVATION",
    "UNSET",
    "BulkAcknowledgement",
    "MatrixImport",
    "area_archive",
    "area_create",
    "area_growth_dismiss",
    "area_restore",
    "area_terms_snapshot",
    "area_update",
    "decision_acknowledge",
    "decision_answer",
    "decision_log",
    "decision_record_outcome",
    "decision_remind_me",
    "decision_update",
    "decisions_acknowledge",
    "decisions_delete_for_tandems",
    "decisions_flag_overdue",
    "elevation_create",
    "goal_delete",
    "matrix_copy",
    "matrix_import",
    "request_due_after",
    "template_area_of",
]
