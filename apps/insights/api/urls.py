from django.urls import path

from apps.insights.api import views

urlpatterns = [
    path("tandems/<int:tandem_id>/insights/", views.InsightsView.as_view(), name="api-insights"),
    path(
        "tandems/<int:tandem_id>/insights/csv/",
        views.InsightsCsvView.as_view(),
        name="api-insights-csv",
    ),
    path(
        "tandems/<int:tandem_id>/insights/suggestion/",
        views.SuggestionView.as_view(),
        name="api-insights-suggestion",
    ),
]
