"""The person's own pages under /me/, in the namespace "accounts" together with
apps.home.urls.me_pages (deleting the account): tandem/urls.py joins them."""

from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("tokens/revoke-all/", views.api_tokens_revoke_all, name="api_tokens_revoke_all"),
    path("calendar-feed/", views.calendar_feed_create, name="calendar_feed_create"),
    path("calendar-feed/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
]
