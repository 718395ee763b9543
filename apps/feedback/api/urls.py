from django.urls import path

from apps.feedback.api import views

_T = "tandems/<int:tandem_id>"
_C = f"{_T}/feedback/cycles/<int:cycle_id>"

urlpatterns = [
    path("feedback/templates/", views.TemplateListView.as_view(), name="api-feedback-templates"),
    path(f"{_T}/feedback/cycles/", views.CycleListView.as_view(), name="api-feedback-cycles"),
    path(f"{_C}/", views.CycleDetailView.as_view(), name="api-feedback-cycle"),
    path(f"{_C}/close/", views.CycleCloseView.as_view(), name="api-feedback-cycle-close"),
    path(f"{_C}/my-entry/", views.MyEntryView.as_view(), name="api-feedback-my-entry"),
    path(
        f"{_C}/my-entry/submit/",
        views.MyEntrySubmitView.as_view(),
        name="api-feedback-my-entry-submit",
    ),
    path(
        f"{_C}/my-entry/amendments/",
        views.MyEntryAmendView.as_view(),
        name="api-feedback-my-entry-amend",
    ),
    path(
        f"{_C}/received/acknowledge/",
        views.ReceivedAcknowledgeView.as_view(),
        name="api-feedback-received-acknowledge",
    ),
    path(
        f"{_C}/received/replies/",
        views.ReceivedReplyView.as_view(),
        name="api-feedback-received-reply",
    ),
    path(f"{_C}/action-items/", views.AgreementView.as_view(), name="api-feedback-agreement"),
    path(f"{_T}/feedback/history/", views.HistoryView.as_view(), name="api-feedback-history"),
    path(f"{_T}/feedback/trends/", views.TrendView.as_view(), name="api-feedback-trends"),
    path(f"{_T}/appreciations/", views.AppreciationListView.as_view(), name="api-appreciations"),
    path(
        f"{_T}/appreciations/<int:appreciation_id>/react/",
        views.AppreciationReactView.as_view(),
        name="api-appreciation-react",
    ),
]
