from django.contrib import admin

from apps.tandems.models import Goal, Invitation, Membership, Tandem


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(Tandem)
class TandemAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "created_at"]
    search_fields = ["name", "memberships__user__email"]
    inlines = [MembershipInline, GoalInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["tandem", "user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["tandem", "user"]
    raw_id_fields = ["tandem", "user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "tandem", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    list_select_related = ["tandem"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by", "email_sent_at"]
    raw_id_fields = ["tandem", "invited_by", "accepted_by"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "tandem", "status", "position"]
    list_filter = ["status"]
    list_select_related = ["tandem"]
