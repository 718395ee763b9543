"""The person's own pages under /me/ that are the account's alone (password, API tokens), in
the namespace "accounts" together with apps.home.urls.me_pages (the preferences, the
calendar feed, deleting the account): tandem/urls.py joins them."""

from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("tokens/revoke-all/", views.api_tokens_revoke_all, name="api_tokens_revoke_all"),
]
