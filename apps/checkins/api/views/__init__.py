"""Thin API views: validate shape, call a selector or a service, serialize.

One module per resource, re-exported here for `urls.py`: `series`, `occurrences`, `items`
(agenda, action items, retros), `preparation` (private notes, talking
points, comments), `feed` (the private calendar feed); `common` holds the schema's
path parameters.
"""

from apps.checkins.api.views.feed import (
    CalendarFeedView,
)
from apps.checkins.api.views.items import (
    ActionItemDetailView,
    ActionItemListView,
    AgendaItemDetailView,
    AgendaListView,
    KeptRateView,
    OccurrenceActionItemsView,
    RetroListView,
)
from apps.checkins.api.views.occurrences import (
    OccurrenceDetailView,
    OccurrenceListView,
    OccurrenceMoveView,
    OccurrenceRestoreView,
    OccurrenceSkipView,
)
from apps.checkins.api.views.preparation import (
    AgendaCommentDetailView,
    AgendaCommentListView,
    PrivateNoteView,
    TalkingPointDetailView,
    TalkingPointListView,
)
from apps.checkins.api.views.series import (
    RetroTrendView,
    SeriesCalendarView,
    SeriesDetailView,
    SeriesListView,
    SeriesReschedulePreviewView,
    SeriesRescheduleView,
)

__all__ = [
    "ActionItemDetailView",
    "ActionItemListView",
    "AgendaCommentDetailView",
    "AgendaCommentListView",
    "AgendaItemDetailView",
    "AgendaListView",
    "CalendarFeedView",
    "KeptRateView",
    "OccurrenceActionItemsView",
    "OccurrenceDetailView",
    "OccurrenceListView",
    "OccurrenceMoveView",
    "OccurrenceRestoreView",
    "OccurrenceSkipView",
    "PrivateNoteView",
    "RetroListView",
    "RetroTrendView",
    "SeriesCalendarView",
    "SeriesDetailView",
    "SeriesListView",
    "SeriesReschedulePreviewView",
    "SeriesRescheduleView",
    "TalkingPointDetailView",
    "TalkingPointListView",
]
