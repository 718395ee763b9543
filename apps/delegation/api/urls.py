from django.urls import path

from apps.delegation.api import views

_T = "tandems/<int:tandem_id>"

urlpatterns = [
    path(f"{_T}/areas/", views.AreaListView.as_view(), name="api-areas"),
    path(f"{_T}/areas/<int:area_id>/", views.AreaDetailView.as_view(), name="api-area"),
    path(
        f"{_T}/areas/<int:area_id>/archive/",
        views.AreaArchiveView.as_view(),
        name="api-area-archive",
    ),
    path(
        f"{_T}/areas/<int:area_id>/restore/",
        views.AreaRestoreView.as_view(),
        name="api-area-restore",
    ),
    path(
        f"{_T}/areas/<int:area_id>/growth-suggestion/dismiss/",
        views.AreaGrowthDismissView.as_view(),
        name="api-area-growth-dismiss",
    ),
    path(f"{_T}/matrix/", views.MatrixView.as_view(), name="api-matrix"),
    path(f"{_T}/matrix/changes/", views.MatrixChangeListView.as_view(), name="api-matrix-changes"),
    path(
        f"{_T}/matrix/export/csv/",
        views.MatrixExportCsvView.as_view(),
        name="api-matrix-export-csv",
    ),
    path(
        f"{_T}/matrix/export/json/",
        views.MatrixExportJsonView.as_view(),
        name="api-matrix-export-json",
    ),
    path(
        f"{_T}/matrix/import/",
        views.MatrixImportView.as_view(),
        name="api-matrix-import",
    ),
    path(f"{_T}/matrix/copy/", views.MatrixCopyView.as_view(), name="api-matrix-copy"),
    path(f"{_T}/elevations/", views.ElevationListView.as_view(), name="api-elevations"),
    path(f"{_T}/decisions/", views.DecisionListView.as_view(), name="api-decisions"),
    path(
        f"{_T}/decisions/<int:decision_id>/",
        views.DecisionDetailView.as_view(),
        name="api-decision",
    ),
    path(
        f"{_T}/decisions/<int:decision_id>/answer/",
        views.DecisionAnswerView.as_view(),
        name="api-decision-answer",
    ),
    path(
        f"{_T}/decisions/<int:decision_id>/acknowledge/",
        views.DecisionAcknowledgeView.as_view(),
        name="api-decision-acknowledge",
    ),
    path(
        f"{_T}/decisions/<int:decision_id>/outcome/",
        views.DecisionOutcomeView.as_view(),
        name="api-decision-outcome",
    ),
    path(
        f"{_T}/decisions/<int:decision_id>/remind-me/",
        views.DecisionRemindMeView.as_view(),
        name="api-decision-remind-me",
    ),
    path(f"{_T}/review-queue/", views.ReviewQueueView.as_view(), name="api-review-queue"),
    path(
        f"{_T}/review-queue/acknowledge/",
        views.ReviewQueueAcknowledgeView.as_view(),
        name="api-review-queue-acknowledge",
    ),
    # A goal of apps.tandems, served here because deleting it changes the matrix.
    path(
        f"{_T}/goals/<int:pk>/",
        views.GoalDetailView.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="api-goal",
    ),
]
