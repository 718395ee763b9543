"""Web pages of this app, under /t/<tandem_id>/."""

from django.urls import path

from apps.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/", views.index, name="index"),
]
