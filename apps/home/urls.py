"""The pages that compose the apps. `urlpatterns`: a tandem's, under /t/<tandem_id>/, in the
namespace "tandems" with apps.tandems.urls; `me_pages`: the person's, under /me/, in the
namespace "accounts" with apps.accounts.urls. tandem/urls.py joins the lists."""

from django.urls import path

from apps.home import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("invite/", views.invite, name="invite"),
    path("leave/", views.leave, name="leave"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("export/", views.export, name="export"),
]

me_pages = [
    path("", views.preferences, name="preferences"),
    path("week/", views.week, name="week"),
    path("delete/", views.account_delete, name="delete"),
    path("calendar-feed/", views.calendar_feed_create, name="calendar_feed_create"),
    path("calendar-feed/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
]
