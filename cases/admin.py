"""Cases are read here; they change through the screens and the API (services), never by editing rows."""

from django.contrib import admin

from .models import Case, CaseEvent, ManualContact, StatusPush


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ["number", "status", "category", "location", "sync_state", "created_at"]
    list_filter = ["status", "category", "sync_state"]
    search_fields = ["number", "location", "description"]


@admin.register(ManualContact)
class ManualContactAdmin(ReadOnly):
    list_display = ["case", "channel", "happened_at", "recorded_by"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnly):
    list_display = ["case", "kind", "actor", "created_at"]
    list_filter = ["kind"]


@admin.register(StatusPush)
class StatusPushAdmin(ReadOnly):
    list_display = ["case", "status", "changed_at", "state", "attempts", "pushed_at"]
    list_filter = ["state", "status"]
