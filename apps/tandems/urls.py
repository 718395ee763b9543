"""A tandem's own pages, under /t/<tandem_id>/, in the namespace "tandems" together with
apps.home.urls (the overview, inviting, leaving, the export): tandem/urls.py joins them."""

from django.urls import path

from apps.tandems import views

urlpatterns = [
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("vision/", views.vision, name="vision"),
    path("vision/goals/", views.goal_add, name="goal_add"),
    path("vision/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
]
