from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("delete/", views.account_delete, name="delete"),
    path("calendar-feed/", views.calendar_feed_create, name="calendar_feed_create"),
    path("calendar-feed/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
]
