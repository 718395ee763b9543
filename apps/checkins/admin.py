from django.contrib import admin

from apps.checkins.models import (
    ActionItem,
    AgendaComment,
    AgendaItem,
    CalendarFeed,
    CheckInSeries,
    Occurrence,
    Retro,
    TalkingPoint,
)

# PrivateNote is deliberately not here: only its author ever reads it, operators included.


@admin.register(CheckInSeries)
class CheckInSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "tandem", "rule", "start_date", "local_time", "timezone", "active"]
    list_filter = ["active"]
    search_fields = ["title", "tandem__name"]
    list_select_related = ["tandem"]
    raw_id_fields = ["tandem", "previous"]
    # Timing fields change together through the services (the rule, first and last date must
    # agree), so the operator sees them but does not edit them here.
    readonly_fields = ["rule", "start_date", "last_date", "local_time", "timezone"]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["series", "original_start", "status", "moved_to"]
    list_filter = ["status"]
    list_select_related = ["series"]
    raw_id_fields = ["series"]
    date_hierarchy = "original_start"


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "occurrence", "author", "resolved", "position"]
    list_filter = ["kind", "resolved"]
    search_fields = ["text"]
    list_select_related = ["occurrence__series", "author"]
    raw_id_fields = ["occurrence", "author", "carried_from", "decision"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "tandem", "owner", "due_date", "status", "kept"]
    list_filter = ["status", "kept"]
    search_fields = ["text"]
    list_select_related = ["tandem", "owner"]
    raw_id_fields = ["tandem", "occurrence", "owner", "created_by"]


@admin.register(Retro)
class RetroAdmin(admin.ModelAdmin):
    list_display = ["occurrence", "member", "effectiveness"]
    list_filter = ["effectiveness"]
    list_select_related = ["occurrence__series", "member"]
    raw_id_fields = ["occurrence", "member"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "updated_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token_hash"]


@admin.register(TalkingPoint)
class TalkingPointAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "series", "position", "added_at", "retired_at"]
    list_filter = ["kind"]
    list_select_related = ["series"]
    raw_id_fields = ["series", "author"]
    # Versions are history: a change is a new version through the services.
    readonly_fields = ["added_at", "retired_at"]


@admin.register(AgendaComment)
class AgendaCommentAdmin(admin.ModelAdmin):
    list_display = ["text", "item", "author", "created_at"]
    list_select_related = ["item", "author"]
    raw_id_fields = ["item", "author"]
