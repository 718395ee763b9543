"""The audit log for staff: read-only, visible to every active staff member, changeable by
nobody (not even a superuser)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_label", "tandem_label", "target", "ip"]
    list_filter = ["action"]
    search_fields = ["target", "ip"]
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "action",
        "actor_label",
        "tandem_label",
        "target",
        "ip",
        "data",
    )
    fields = readonly_fields
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> Any:
        # A join, not a lookup per row; and a person or tandem deleted since shows its id
        # instead of failing (the references have no database constraint on purpose).
        return super().get_queryset(request).select_related("actor", "tandem")

    @admin.display(description="actor")
    def actor_label(self, event: AuditEvent) -> str:
        if event.actor_id is None:
            return "-"
        return f"{event.actor.email} (#{event.actor_id})" if event.actor else f"#{event.actor_id}"

    @admin.display(description="tandem")
    def tandem_label(self, event: AuditEvent) -> str:
        if event.tandem_id is None:
            return "-"
        return f"{event.tandem} (#{event.tandem_id})" if event.tandem else f"#{event.tandem_id}"

    def _staff(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
