"""Web pages of this app, under /t/<tandem_id>/."""

from django.urls import path

from apps.checkins import views

app_name = "checkins"
urlpatterns = [
    path("check-ins/", views.index, name="index"),
]
