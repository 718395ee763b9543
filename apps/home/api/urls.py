"""Routes of the tandems API whose operations compose the apps (apps.home.api.views)."""

from django.urls import path

from apps.home.api import views

urlpatterns = [
    path("tandems/<int:tandem_id>/", views.TandemDetailView.as_view(), name="api-tandem"),
    path(
        "tandems/<int:tandem_id>/members/<int:member_id>/",
        views.MemberDetailView.as_view(),
        name="api-member",
    ),
    path("tandems/<int:tandem_id>/leave/", views.LeaveView.as_view(), name="api-leave"),
    path("tandems/<int:tandem_id>/export/", views.TandemExportView.as_view(), name="api-export"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/week/", views.WeekView.as_view(), name="api-me-week"),
    path("me/delete/", views.AccountDeleteView.as_view(), name="api-me-delete"),
    path("calendar/<str:token>.ics", views.CalendarFeedIcsView.as_view(), name="api-calendar-ics"),
    path("invitations/accept/", views.InvitationAcceptView.as_view(), name="api-invitation-accept"),
]
