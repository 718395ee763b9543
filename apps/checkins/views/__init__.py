"""Web pages of check-ins, under /t/<tandem_id>/check-ins/: the index, one check-in and its
agenda, action items, and one series; one module per page, their words in
`apps.checkins.presenters`.

As thin as the API: reads go through `selectors` (scoped to the person's tandem), writes
through the same `services` the API calls (`apps.core.web.attempt`). An occurrence is
identified as in the API, by its series and its computed start in UTC
(`rules.occurrence_key`); untouched occurrences have no row, and the services create one when
someone writes to it. Every form works without JavaScript: POST, then a redirect back, or the
page again with the error next to the field. Times are the viewer's
(`UserTimezoneMiddleware`).
"""

from apps.checkins.views.action_items import action_item_status, action_items
from apps.checkins.views.agenda import (
    agenda_comment_add,
    agenda_comment_delete,
    agenda_item_delete,
    agenda_item_edit,
    agenda_item_order,
    agenda_item_resolve,
)
from apps.checkins.views.index import index
from apps.checkins.views.occurrence import (
    action_item_add,
    agenda_add,
    occurrence,
    occurrence_held,
    occurrence_move,
    occurrence_notes,
    occurrence_restore,
    occurrence_skip,
    private_note_save,
    retro_submit,
)
from apps.checkins.views.series import (
    series_edit,
    series_reschedule,
    series_resume,
    series_stop,
    talking_point_add,
    talking_point_edit,
    talking_point_remove,
)

__all__ = [
    "action_item_add",
    "action_item_status",
    "action_items",
    "agenda_add",
    "agenda_comment_add",
    "agenda_comment_delete",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_item_order",
    "agenda_item_resolve",
    "index",
    "occurrence",
    "occurrence_held",
    "occurrence_move",
    "occurrence_notes",
    "occurrence_restore",
    "occurrence_skip",
    "private_note_save",
    "retro_submit",
    "series_edit",
    "series_reschedule",
    "series_resume",
    "series_stop",
    "talking_point_add",
    "talking_point_edit",
    "talking_point_remove",
]
