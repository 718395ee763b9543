"""A tandem's own pages, under /t/<tandem_id>/."""

from django.urls import path

from apps.tandems import views

app_name = "tandems"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("vision/", views.vision, name="vision"),
]
