"""The operator's view. The matrix terms and the decision snapshot are read-only here:
changing them outside the services would bypass the history and the review rules."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.delegation.models import Decision, DecisionArea, Elevation, MatrixChange

_AREA_TERMS = [
    "tandem",
    "level",
    "limit_amount",
    "limit_currency",
    "level_above_limit",
]


class ElevationInline(admin.TabularInline):
    model = Elevation
    extra = 0
    can_delete = False
    fields = ["level", "starts_at", "ends_at", "reason", "created_by"]
    readonly_fields = ["level", "starts_at", "ends_at", "reason", "created_by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DecisionArea)
class DecisionAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "tandem", "level", "limit_amount", "limit_currency", "review_on"]
    list_filter = ["level"]
    list_select_related = ["tandem"]
    search_fields = ["name", "tandem__name"]
    readonly_fields = _AREA_TERMS
    raw_id_fields = ["goal"]
    inlines = [ElevationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MatrixChange)
class MatrixChangeAdmin(admin.ModelAdmin):
    list_display = ["area", "tandem", "kind", "changed_by", "changed_at"]
    list_filter = ["kind"]
    list_select_related = ["area", "tandem", "changed_by"]
    search_fields = ["area__name", "tandem__name", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Elevation)
class ElevationAdmin(admin.ModelAdmin):
    list_display = ["area", "tandem", "level", "starts_at", "ends_at"]
    list_select_related = ["area", "tandem"]
    readonly_fields = ["tandem", "area", "level", "starts_at", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "tandem",
        "area",
        "author_role",
        "classification",
        "status",
        "decided_at",
        "due_at",
    ]
    list_filter = ["status", "classification", "author_role", "under_elevation"]
    list_select_related = ["tandem", "area"]
    search_fields = ["title", "tandem__name", "area__name"]
    date_hierarchy = "decided_at"
    readonly_fields = [
        "tandem",
        "area",
        "author",
        "author_role",
        "amount",
        "currency",
        "decided_at",
        "level_in_force",
        "limit_amount_in_force",
        "limit_currency_in_force",
        "level_above_limit_in_force",
        "elevation",
        "elevated_level_in_force",
        "classification",
        "level_applied",
        "above_limit",
        "under_elevation",
        "status",
        "due_at",
        "overdue_at",
        "answer",
        "answer_comment",
        "answered_by",
        "answered_at",
        "acknowledged_by",
        "acknowledged_at",
        "outcome_recorded_by",
        "outcome_recorded_at",
    ]
    raw_id_fields = ["goal"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
