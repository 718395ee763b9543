"""Web pages of this app, under /t/<tandem_id>/."""

from django.urls import path

from apps.insights import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.index, name="index"),
    path("insights/suggestion/", views.suggestion, name="suggestion"),
]
