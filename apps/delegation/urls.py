"""Web pages of this app, under /t/<tandem_id>/."""

from django.urls import path

from apps.delegation import views

app_name = "delegation"
urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/areas/", views.area_create, name="area_create"),
    path("matrix/import/", views.matrix_import, name="matrix_import"),
    path("matrix/copy/", views.matrix_copy, name="matrix_copy"),
    path("matrix/areas/<int:area_id>/", views.area_edit, name="area_edit"),
    path("matrix/areas/<int:area_id>/raise/", views.area_raise, name="area_raise"),
    path("matrix/areas/<int:area_id>/elevate/", views.area_elevate, name="area_elevate"),
    path(
        "matrix/areas/<int:area_id>/not-now/",
        views.area_dismiss_growth,
        name="area_dismiss_growth",
    ),
    path("matrix/areas/<int:area_id>/archive/", views.area_archive, name="area_archive"),
    path("matrix/areas/<int:area_id>/restore/", views.area_restore, name="area_restore"),
    path("matrix/history/", views.history, name="history"),
    # A goal of the vision page, deleted here because the areas linking to it change.
    path("vision/goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/preview/", views.decision_preview, name="decision_preview"),
    path("decisions/<int:decision_id>/", views.decision, name="decision"),
    path("decisions/<int:decision_id>/outcome/", views.decision_outcome, name="decision_outcome"),
    path("decisions/<int:decision_id>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:decision_id>/answer/", views.decision_answer, name="decision_answer"),
    path(
        "decisions/<int:decision_id>/acknowledge/",
        views.decision_acknowledge,
        name="decision_acknowledge",
    ),
    path("review/", views.review, name="review"),
    path("review/acknowledge/", views.decisions_acknowledge, name="decisions_acknowledge"),
    path(
        "decisions/<int:decision_id>/remind-me/",
        views.decision_remind_me,
        name="decision_remind_me",
    ),
]
