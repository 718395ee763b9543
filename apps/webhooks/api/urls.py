from django.urls import path

from apps.webhooks.api import views

T = "tandems/<int:tandem_id>/webhooks/"

urlpatterns = [
    path(T, views.EndpointListView.as_view(), name="api-webhooks"),
    path(T + "<int:id>/", views.EndpointDetailView.as_view(), name="api-webhook"),
    path(T + "<int:id>/test/", views.EndpointTestView.as_view(), name="api-webhook-test"),
    path(
        T + "<int:endpoint_id>/deliveries/",
        views.DeliveryListView.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        T + "<int:endpoint_id>/deliveries/<int:id>/redeliver/",
        views.DeliveryRedeliverView.as_view(),
        name="api-webhook-redeliver",
    ),
]
