"""Web pages of decision rights, under /t/<tandem_id>/: the matrix and its history, the
decision log with its classification preview, a decision's page, and the leader's review
queue; one module per page, their words in `apps.delegation.presenters`.

As thin as the API: reads go through `selectors` (scoped to the member's tandem), writes
through the same `services` the API calls (`apps.core.web.attempt`), and a service's error is
shown next to the field it names. Role rules match the API: only the leader changes the
matrix, answers and acknowledges (403 otherwise); anything of another tandem is a 404. Times
are read and shown in the viewer's own timezone (`UserTimezoneMiddleware`).
"""

from apps.delegation.views.areas import (
    area_archive,
    area_dismiss_growth,
    area_edit,
    area_elevate,
    area_raise,
    area_restore,
)
from apps.delegation.views.decisions import (
    decision,
    decision_edit,
    decision_new,
    decision_outcome,
    decision_preview,
    decisions,
)
from apps.delegation.views.matrix import (
    area_create,
    goal_delete,
    history,
    matrix,
    matrix_copy,
    matrix_import,
)
from apps.delegation.views.review import (
    decision_acknowledge,
    decision_answer,
    decision_remind_me,
    decisions_acknowledge,
    review,
)

__all__ = [
    "area_archive",
    "area_create",
    "area_dismiss_growth",
    "area_edit",
    "area_elevate",
    "area_raise",
    "area_restore",
    "decision",
    "decision_acknowledge",
    "decision_answer",
    "decision_edit",
    "decision_new",
    "decision_outcome",
    "decision_preview",
    "decision_remind_me",
    "decisions",
    "decisions_acknowledge",
    "goal_delete",
    "history",
    "matrix",
    "matrix_copy",
    "matrix_import",
    "review",
]
