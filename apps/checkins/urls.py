"""Web pages of this app, under /t/<tandem_id>/.

An occurrence is addressed as in the API: its series and its computed start in UTC
(e.g. `check-ins/3/2026-03-02T08:00:00Z/`); a time the series does not produce is a 404.
"""

from django.urls import path

from apps.checkins import views

OCCURRENCE = "check-ins/<int:series_id>/<str:start>/"
AGENDA_ITEM = "check-ins/agenda-items/<int:item_id>/"
SERIES = "check-ins/series/<int:series_id>/"

app_name = "checkins"
urlpatterns = [
    path("check-ins/", views.index, name="index"),
    path("check-ins/action-items/", views.action_items, name="action_items"),
    path(SERIES + "edit/", views.series_edit, name="series_edit"),
    path(SERIES + "reschedule/", views.series_reschedule, name="series_reschedule"),
    path(SERIES + "stop/", views.series_stop, name="series_stop"),
    path(SERIES + "resume/", views.series_resume, name="series_resume"),
    path(SERIES + "talking-points/", views.talking_point_add, name="talking_point_add"),
    path(
        "check-ins/talking-points/<int:point_id>/edit/",
        views.talking_point_edit,
        name="talking_point_edit",
    ),
    path(
        "check-ins/talking-points/<int:point_id>/remove/",
        views.talking_point_remove,
        name="talking_point_remove",
    ),
    path(
        "check-ins/action-items/<int:item_id>/status/",
        views.action_item_status,
        name="action_item_status",
    ),
    path(AGENDA_ITEM + "edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path(AGENDA_ITEM + "resolve/", views.agenda_item_resolve, name="agenda_item_resolve"),
    path(AGENDA_ITEM + "order/", views.agenda_item_order, name="agenda_item_order"),
    path(AGENDA_ITEM + "delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path(AGENDA_ITEM + "comments/", views.agenda_comment_add, name="agenda_comment_add"),
    path(
        "check-ins/agenda-comments/<int:comment_id>/delete/",
        views.agenda_comment_delete,
        name="agenda_comment_delete",
    ),
    path(OCCURRENCE, views.occurrence, name="occurrence"),
    path(OCCURRENCE + "skip/", views.occurrence_skip, name="occurrence_skip"),
    path(OCCURRENCE + "restore/", views.occurrence_restore, name="occurrence_restore"),
    path(OCCURRENCE + "move/", views.occurrence_move, name="occurrence_move"),
    path(OCCURRENCE + "held/", views.occurrence_held, name="occurrence_held"),
    path(OCCURRENCE + "notes/", views.occurrence_notes, name="occurrence_notes"),
    path(OCCURRENCE + "private-note/", views.private_note_save, name="private_note_save"),
    path(OCCURRENCE + "agenda/", views.agenda_add, name="agenda_add"),
    path(OCCURRENCE + "action-items/", views.action_item_add, name="action_item_add"),
    path(OCCURRENCE + "retro/", views.retro_submit, name="retro_submit"),
]
