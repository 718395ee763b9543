"""The operator's view of contact care. Contacts are private to their owner: the list shows
who owns how much and when it was touched, never notes or touch texts; everything is read-only
here, because the services keep `last_touch_on` and the care dates, and the window records true."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.contacts.models import Contact, ContactPreferences, ContactWindow


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(_ReadOnly):
    list_display = ["id", "owner", "shared_tandem", "rhythm", "last_touch_on", "created_at"]
    list_filter = ["rhythm"]
    list_select_related = ["owner", "shared_tandem"]
    search_fields = ["owner__email"]
    fields = readonly_fields = ("owner", "shared_tandem", "rhythm", "last_touch_on", "created_at")


@admin.register(ContactWindow)
class ContactWindowAdmin(_ReadOnly):
    list_display = ["user", "opens_at", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = readonly_fields = ("user", "opens_at", "suggestions", "prepared", "created_at")


@admin.register(ContactPreferences)
class ContactPreferencesAdmin(_ReadOnly):
    list_display = ["user", "suggestions_per_window", "occasions_in_calendar", "next_window_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = readonly_fields = (
        "user",
        "suggestions_per_window",
        "occasions_in_calendar",
        "next_window_at",
    )
