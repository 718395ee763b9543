from django.urls import path

from apps.tandems.api import views

goals = views.GoalViewSet.as_view({"get": "list", "post": "create"})

# Deleting a tandem, the export, joining, leaving and removing a member compose the apps:
# their routes are in apps.home.api.urls.
urlpatterns = [
    path("tandems/", views.TandemListView.as_view(), name="api-tandems"),
    path("tandems/<int:tandem_id>/members/", views.MemberListView.as_view(), name="api-members"),
    path(
        "tandems/<int:tandem_id>/former-members/",
        views.FormerMemberListView.as_view(),
        name="api-former-members",
    ),
    path(
        "tandems/<int:tandem_id>/invitations/",
        views.InvitationListView.as_view(),
        name="api-invitations",
    ),
    path(
        "tandems/<int:tandem_id>/invitations/<int:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path("tandems/<int:tandem_id>/goals/", goals, name="api-goals"),
    # The goal's own route is in apps.delegation.api.urls: deleting it changes the matrix.
]
