"""The operator's view. Entries and answers are read-only here: editing them outside the
services would break the "submitted never changes" rule; the list shows no content."""

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest

from apps.feedback.models import Appreciation, FeedbackCycle, FeedbackEntry, Question


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    can_delete = False
    readonly_fields = ("position", "key", "kind", "text")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeedbackCycle)
class FeedbackCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "tandem", "opens_at", "closes_at", "recurrence", "closed_at"]
    list_filter = ["recurrence"]
    list_select_related = ["tandem"]
    search_fields = ["title", "tandem__name"]
    readonly_fields = [
        "tandem",
        "opens_at",
        "closes_at",
        "template",
        "language",
        "previous",
        "created_by",
        "closed_at",
        "revealed_at",
        "open_notified_at",
        "closing_reminded_at",
    ]
    inlines = [QuestionInline]


@admin.register(FeedbackEntry)
class FeedbackEntryAdmin(admin.ModelAdmin):
    list_display = ["cycle", "author", "recipient", "status", "submitted_at", "acknowledged_at"]
    list_filter = ["status"]
    list_select_related = ["cycle__tandem", "author", "recipient"]
    readonly_fields = [
        "cycle",
        "author",
        "recipient",
        "status",
        "submitted_at",
        "acknowledged_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Appreciation)
class AppreciationAdmin(admin.ModelAdmin):
    list_display = ["tandem", "author", "recipient", "reaction", "created_at"]
    list_select_related = ["tandem", "author", "recipient"]
    readonly_fields = ["tandem", "author", "recipient", "decision", "action_item", "reacted_at"]
    raw_id_fields: ClassVar[list[str]] = []
