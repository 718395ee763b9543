"""Web pages of contact care, under /contacts/ (a person's own, not a tandem's)."""

from django.urls import path

from apps.contacts import views

app_name = "contacts"
urlpatterns = [
    path("window/", views.window, name="window"),
]
