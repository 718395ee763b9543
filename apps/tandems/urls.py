"""A tandem's own pages, under /t/<tandem_id>/."""

from django.urls import path

from apps.tandems import views

app_name = "tandems"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("invite/", views.invite, name="invite"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("leave/", views.leave, name="leave"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("vision/", views.vision, name="vision"),
    path("export/", views.export, name="export"),
    path("vision/goals/", views.goal_add, name="goal_add"),
    path("vision/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
]
