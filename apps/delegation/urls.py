"""Web pages of this app, under /t/<tandem_id>/."""

from django.urls import path

from apps.delegation import views

app_name = "delegation"
urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("decisions/", views.decisions, name="decisions"),
    path("review/", views.review, name="review"),
]
