"""Every write of check-ins: one use case per function, keyword-only, in a transaction.

Services validate meaning and raise `DomainError`s naming the field; the API and the web
forms call the same functions.

One module per part, re-exported here: `common` (limits, the rhythm from its parts, checks of
meaning), `series`, `occurrences`, `agenda`, `items` (action items and the retro),
`preparation` (private notes, standing talking
points, comments), `reminders`, `person` (the calendar feed, erasure).
"""

from apps.checkins.services.agenda import (
    action_items_overdue_to_agenda,
    agenda_carry_over_due,
    agenda_item_add,
    agenda_item_delete,
    agenda_item_update,
    agenda_propose_decision,
    agenda_pull_decisions,
)
from apps.checkins.services.common import (
    MAX_DURATION,
    MAX_LEAD,
    NEXT_SEARCH,
    REMINDER_LOOKAHEAD,
    RecurrenceInvalid,
    recurrence_build,
)
from apps.checkins.services.items import (
    action_item_create,
    action_item_update,
    retro_submit,
)
from apps.checkins.services.occurrences import (
    occurrence_move,
    occurrence_restore,
    occurrence_skip,
    occurrence_update,
)
from apps.checkins.services.person import (
    calendar_feed_regenerate,
    calendar_feed_revoke,
    checkins_erase_for_user,
)
from apps.checkins.services.preparation import (
    agenda_comment_add,
    agenda_comment_delete,
    private_note_save,
    talking_point_add,
    talking_point_remove,
    talking_point_update,
    talking_points_from_template,
)
from apps.checkins.services.reminders import (
    action_items_remind_due,
    reminders_schedule,
)
from apps.checkins.services.series import (
    Rescheduled,
    series_create,
    series_reschedule,
    series_update,
)

__all__ = [
    "MAX_DURATION",
    "MAX_LEAD",
    "NEXT_SEARCH",
    "REMINDER_LOOKAHEAD",
    "RecurrenceInvalid",
    "Rescheduled",
    "action_item_create",
    "action_item_update",
    "action_items_overdue_to_agenda",
    "action_items_remind_due",
    "agenda_carry_over_due",
    "agenda_comment_add",
    "agenda_comment_delete",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_update",
    "agenda_propose_decision",
    "agenda_pull_decisions",
    "calendar_feed_regenerate",
    "calendar_feed_revoke",
    "checkins_erase_for_user",
    "occurrence_move",
    "occurrence_restore",
    "occurrence_skip",
    "occurrence_update",
    "private_note_save",
    "recurrence_build",
    "reminders_schedule",
    "retro_submit",
    "series_create",
    "series_reschedule",
    "series_update",
    "talking_point_add",
    "talking_point_remove",
    "talking_point_update",
    "talking_points_from_template",
]
