from django.contrib import admin

from apps.webhooks.models import Endpoint, WebhookDelivery


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["id", "tandem", "format", "url", "enabled", "failures_in_a_row"]
    list_filter = ["format", "enabled"]
    exclude = ["secret_sealed"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "endpoint",
        "event_type",
        "state",
        "attempts",
        "status_code",
        "deliver_at",
    ]
    list_filter = ["state", "event_type"]
