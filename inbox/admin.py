"""Admin for the functional admin: teams and accounts are edited here; conversations are read-only."""

from django.contrib import admin

from .models import Account, ApiToken, Contact, Conversation, Event, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "team", "enabled", "poll_status", "last_polled_at", "next_poll_at"]
    list_filter = ["platform", "enabled", "poll_status"]
    # Credentials are never shown: they are set with the add_account command.
    fields = [
        "platform",
        "handle",
        "display_name",
        "team",
        "enabled",
        "poll_interval_seconds",
        "config",
        "poll_status",
        "poll_error",
        "last_polled_at",
        "next_poll_at",
        "cursor",
    ]
    readonly_fields = ["poll_status", "poll_error", "last_polled_at", "next_poll_at", "cursor"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Conversations change only through the inbox's services, so their history stays whole."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "handle", "platform", "created_at"]
    search_fields = ["name", "handle"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "kind", "actor", "from_state", "to_state", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "contact", "account", "state", "team", "assignee", "due_at", "last_message_at"]
    list_filter = ["state", "team", "account"]
    list_select_related = ["contact", "account", "team", "assignee"]
    inlines = [EventInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = ["key_hash", "created_at", "last_used_at"]


# --- Issue 5: the duty roster, edited by functional admins ---------------------------------------

from .models import DutyShift  # noqa: E402


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["adviser", "starts_at", "ends_at", "note"]
    list_filter = ["adviser"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "adviser":
            from django.contrib.auth import get_user_model

            from .models import Role

            kwargs["queryset"] = get_user_model().objects.filter(groups__name=Role.ADVISER, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
