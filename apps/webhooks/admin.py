from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.webhooks.models import Endpoint, WebhookDelivery
from apps.webhooks.services import webhooks_flag_sync


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["id", "tandem", "format", "url", "enabled", "failures_in_a_row"]
    list_filter = ["format", "enabled"]
    exclude = ["secret_sealed"]

    # The operator's changes keep `Tandem.has_enabled_webhooks` true to the endpoints, like
    # the services' (the admin wraps each change in a transaction).
    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        tandems = {obj.tandem_id}
        if change:
            tandems |= set(Endpoint.objects.filter(pk=obj.pk).values_list("tandem_id", flat=True))
        super().save_model(request, obj, form, change)
        for tandem_id in tandems:
            webhooks_flag_sync(tandem_id=tandem_id)

    def delete_model(self, request: HttpRequest, obj: Endpoint) -> None:
        super().delete_model(request, obj)
        webhooks_flag_sync(tandem_id=obj.tandem_id)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        tandems = set(queryset.values_list("tandem_id", flat=True))
        super().delete_queryset(request, queryset)
        for tandem_id in tandems:
            webhooks_flag_sync(tandem_id=tandem_id)


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
