from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.notifications.models import Delivery, Notice, NotificationPreferences


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = (
        "channel",
        "state",
        "deliver_at",
        "attempts",
        "sent_at",
        "in_digest",
        "suspected_duplicates",
        "last_error",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "tandem", "due_at", "delivered_at", "read_at"]
    list_filter = ["kind", "urgent", "deliveries__state"]
    list_select_related = ["recipient", "tandem"]
    search_fields = ["key", "title", "recipient__email"]
    raw_id_fields = ["recipient", "tandem"]
    readonly_fields = ["created_at", "delivered_at"]
    date_hierarchy = "due_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what went out, what is waiting, what failed and why."""

    list_display = [
        "notice",
        "channel",
        "state",
        "deliver_at",
        "attempts",
        "sent_at",
        "in_digest",
        "suspected_duplicates",
    ]
    list_filter = ["state", "channel", "in_digest"]
    list_select_related = ["notice"]
    search_fields = ["notice__key", "notice__recipient__email"]
    raw_id_fields = ["notice"]
    readonly_fields = [
        "claim_token",
        "claimed_until",
        "attempts",
        "suspected_duplicates",
        "sent_at",
        "finished_at",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delivery]:
        return super().get_queryset(request).select_related("notice")


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled", "digest_enabled", "digest_threshold"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
