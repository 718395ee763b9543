from django.urls import path

from apps.checkins.api import views

SERIES = "tandems/<int:tandem_id>/checkins/<int:series_id>/"
OCCURRENCE = SERIES + "occurrences/<str:start>/"

urlpatterns = [
    path("tandems/<int:tandem_id>/checkins/", views.SeriesListView.as_view(), name="api-checkins"),
    path(SERIES, views.SeriesDetailView.as_view(), name="api-checkin"),
    path(
        SERIES + "reschedule/", views.SeriesRescheduleView.as_view(), name="api-checkin-reschedule"
    ),
    path(
        SERIES + "reschedule/preview/",
        views.SeriesReschedulePreviewView.as_view(),
        name="api-checkin-reschedule-preview",
    ),
    path(SERIES + "retro-trend/", views.RetroTrendView.as_view(), name="api-checkin-retro-trend"),
    path(SERIES + "calendar.ics", views.SeriesCalendarView.as_view(), name="api-checkin-calendar"),
    path(SERIES + "occurrences/", views.OccurrenceListView.as_view(), name="api-occurrences"),
    path(OCCURRENCE, views.OccurrenceDetailView.as_view(), name="api-occurrence"),
    path(OCCURRENCE + "skip/", views.OccurrenceSkipView.as_view(), name="api-occurrence-skip"),
    path(OCCURRENCE + "move/", views.OccurrenceMoveView.as_view(), name="api-occurrence-move"),
    path(
        OCCURRENCE + "restore/",
        views.OccurrenceRestoreView.as_view(),
        name="api-occurrence-restore",
    ),
    path(OCCURRENCE + "agenda/", views.AgendaListView.as_view(), name="api-agenda"),
    path(
        OCCURRENCE + "action-items/",
        views.OccurrenceActionItemsView.as_view(),
        name="api-occurrence-action-items",
    ),
    path(OCCURRENCE + "retros/", views.RetroListView.as_view(), name="api-retros"),
    path(
        OCCURRENCE + "private-note/",
        views.PrivateNoteView.as_view(),
        name="api-occurrence-private-note",
    ),
    path(
        SERIES + "talking-points/", views.TalkingPointListView.as_view(), name="api-talking-points"
    ),
    path(
        "tandems/<int:tandem_id>/talking-points/<int:point_id>/",
        views.TalkingPointDetailView.as_view(),
        name="api-talking-point",
    ),
    path(
        "tandems/<int:tandem_id>/agenda-items/<int:item_id>/comments/",
        views.AgendaCommentListView.as_view(),
        name="api-agenda-comments",
    ),
    path(
        "tandems/<int:tandem_id>/agenda-comments/<int:comment_id>/",
        views.AgendaCommentDetailView.as_view(),
        name="api-agenda-comment",
    ),
    path(
        "tandems/<int:tandem_id>/agenda-items/<int:item_id>/",
        views.AgendaItemDetailView.as_view(),
        name="api-agenda-item",
    ),
    path(
        "tandems/<int:tandem_id>/action-items/",
        views.ActionItemListView.as_view(),
        name="api-action-items",
    ),
    path(
        "tandems/<int:tandem_id>/action-items/kept/",
        views.KeptRateView.as_view(),
        name="api-action-items-kept",
    ),
    path(
        "tandems/<int:tandem_id>/action-items/<int:item_id>/",
        views.ActionItemDetailView.as_view(),
        name="api-action-item",
    ),
    path("calendar/feed/", views.CalendarFeedView.as_view(), name="api-calendar-feed"),
]
