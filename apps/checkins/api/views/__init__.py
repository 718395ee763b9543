"""Thin API views: validate shape, call a selector or a service, serialize.

One module per resource, re-exported here for `urls.py`: `series`, `occurrences`, `items`
(agenda, action items, retros), `feed` (the private calendar feed); `common` holds the schema's
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
    "RetroListView",
    "RetroTrendView",
    "SeriesCalendarView",
    "SeriesDetailView",
    "SeriesListView",
    "SeriesReschedulePreviewView",
    "SeriesRescheduleView",
]
