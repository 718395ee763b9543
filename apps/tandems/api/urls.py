from django.urls import path

from apps.tandems.api import views

goals = views.GoalViewSet.as_view({"get": "list", "post": "create"})

urlpatterns = [
    path("tandems/", views.TandemListView.as_view(), name="api-tandems"),
    path("tandems/<int:tandem_id>/", views.TandemDetailView.as_view(), name="api-tandem"),
    path("tandems/<int:tandem_id>/members/", views.MemberListView.as_view(), name="api-members"),
    path(
        "tandems/<int:tandem_id>/members/<int:member_id>/",
        views.MemberDetailView.as_view(),
        name="api-member",
    ),
    path("tandems/<int:tandem_id>/leave/", views.LeaveView.as_view(), name="api-leave"),
    path(
        "tandems/<int:tandem_id>/former-members/",
        views.FormerMemberListView.as_view(),
        name="api-former-members",
    ),
    path("tandems/<int:tandem_id>/export/", views.TandemExportView.as_view(), name="api-export"),
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
    path("invitations/accept/", views.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path("tandems/<int:tandem_id>/goals/", goals, name="api-goals"),
    # The goal's own route is in apps.delegation.api.urls: deleting it changes the matrix.
]
