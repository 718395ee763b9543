"""Web pages of this app, under /t/<tandem_id>/."""

from django.urls import path

from apps.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/", views.index, name="index"),
    path("feedback/<int:cycle_id>/", views.cycle, name="cycle"),
    path("feedback/<int:cycle_id>/amend/", views.amend, name="amend"),
    path("feedback/<int:cycle_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("feedback/<int:cycle_id>/reply/", views.reply, name="reply"),
    path("feedback/<int:cycle_id>/agreement/", views.agreement, name="agreement"),
    path("feedback/<int:cycle_id>/close/", views.close, name="close"),
    path("feedback/appreciation/", views.appreciations, name="appreciations"),
    path("feedback/appreciation/<int:appreciation_id>/react/", views.react, name="react"),
]
