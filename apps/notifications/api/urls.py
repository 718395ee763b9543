from django.urls import path

from apps.notifications.api import views

urlpatterns = [
    path("notices/", views.InboxView.as_view(), name="api-notices"),
    path("notices/unread-count/", views.UnreadCountView.as_view(), name="api-notices-unread"),
    path("notices/read-all/", views.InboxReadAllView.as_view(), name="api-notices-read-all"),
    path("notices/<int:notice_id>/", views.NoticeView.as_view(), name="api-notice"),
    path("notices/<int:notice_id>/read/", views.NoticeReadView.as_view(), name="api-notice-read"),
    path(
        "me/notifications/",
        views.NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
]
