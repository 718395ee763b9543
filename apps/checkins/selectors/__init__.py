"""Every read of check-ins, scoped to the tandem of the person who asks.

A series or item of another tandem is NotFound, exactly like a missing one.

One module per part, re-exported here: `series` (and what the calendar feed reads),
`occurrences` (one, a window, the next ones, the past ones; those the pages list), `items`
(agenda, action items, retros and their trend), `preparation` (private notes, standing
talking points, comments), `voices` (who raised what, how the
meetings felt: for apps.insights), `for_home` (what check-ins contribute to
apps.home: several tandems at once, the export's rows).
"""

from apps.checkins.selectors.for_home import (
    action_items_for_home,
    checkins_export_rows,
    occurrences_upcoming_for_home,
    occurrences_week_for_home,
    open_action_items_for_home,
)
from apps.checkins.selectors.items import (
    CommitmentCounts,
    RetroTrend,
    TrendPoint,
    action_item_get,
    action_item_rows,
    action_items_of,
    action_items_overdue,
    agenda_for_page,
    agenda_item_get,
    agenda_of,
    commitments_by_member,
    kept_rates,
    retro_trend,
    retros_of,
)
from apps.checkins.selectors.occurrences import (
    AS_PLANNED,
    MAX_NEXT,
    MAX_WINDOW,
    MOVED,
    PAGE_MAX_DURATION,
    SKIPPED,
    is_computed_start,
    occurrence_find,
    occurrence_get,
    occurrence_neighbours,
    occurrence_outcomes_for_insights,
    occurrences_between_for,
    occurrences_next_for,
    occurrences_past_for_tandem,
    occurrences_upcoming_for_tandem,
    parse_start,
    start_resolve,
)
from apps.checkins.selectors.preparation import (
    comment_get,
    comments_for_agenda,
    comments_of,
    private_note_of,
    standing_points_for,
    talking_point_get,
    talking_points_in_force,
    talking_points_of,
)
from apps.checkins.selectors.series import (
    feed_user_for_token,
    members_of_tandem,
    series_for_feed,
    series_get,
    series_of,
)
from apps.checkins.selectors.voices import agenda_raised_of, retros_met_between

__all__ = [
    "AS_PLANNED",
    "MAX_NEXT",
    "MAX_WINDOW",
    "MOVED",
    "PAGE_MAX_DURATION",
    "SKIPPED",
    "CommitmentCounts",
    "RetroTrend",
    "TrendPoint",
    "action_item_get",
    "action_item_rows",
    "action_items_for_home",
    "action_items_of",
    "action_items_overdue",
    "agenda_for_page",
    "agenda_item_get",
    "agenda_of",
    "agenda_raised_of",
    "checkins_export_rows",
    "comment_get",
    "comments_for_agenda",
    "comments_of",
    "commitments_by_member",
    "feed_user_for_token",
    "is_computed_start",
    "kept_rates",
    "members_of_tandem",
    "occurrence_find",
    "occurrence_get",
    "occurrence_neighbours",
    "occurrence_outcomes_for_insights",
    "occurrences_between_for",
    "occurrences_next_for",
    "occurrences_past_for_tandem",
    "occurrences_upcoming_for_home",
    "occurrences_upcoming_for_tandem",
    "occurrences_week_for_home",
    "open_action_items_for_home",
    "parse_start",
    "private_note_of",
    "retro_trend",
    "retros_met_between",
    "retros_of",
    "series_for_feed",
    "series_get",
    "series_of",
    "standing_points_for",
    "start_resolve",
    "talking_point_get",
    "talking_points_in_force",
    "talking_points_of",
]
