from django.urls import path

from apps.webhooks import views

app_name = "webhooks"
E = "webhooks/<int:endpoint_id>/"

urlpatterns = [
    path("webhooks/", views.endpoints, name="endpoints"),
    path(E, views.endpoint, name="endpoint"),
    path(E + "switch/", views.endpoint_switch, name="endpoint_switch"),
    path(E + "test/", views.endpoint_test, name="endpoint_test"),
    path(E + "delete/", views.endpoint_delete, name="endpoint_delete"),
    path(E + "deliveries/<int:delivery_id>/redeliver/", views.delivery_redeliver, name="redeliver"),
]
