"""Admin for the functional admin: teams and accounts are edited here; conversations are read-only.

Every change here is in the audit log (audit.admin.AuditedAdminMixin). Accounts are saved through
`account_connect`, tokens through `api_token_issue`, like the commands do.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from audit.admin import AuditedAdminMixin

from .models import Account, ApiToken, Contact, Conversation, Event, Team
from .services.accounts import account_connect
from .services.api_tokens import api_token_issue


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Account)
class AccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # An account is its platform and handle: changing either would be another account.
        identity = ["platform", "handle"] if obj is not None else []
        return [*identity, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        """Through the service the add_account command uses: saving is connecting (again)."""
        account, _created = account_connect(
            platform=obj.platform,
            handle=obj.handle,
            team_slug=obj.team.slug,  # a team the form has already found: never refused
            display_name=obj.display_name,
            poll_interval_seconds=obj.poll_interval_seconds,
            config=obj.config,
            replace_config=True,
            enabled=obj.enabled,
        )
        obj.pk = account.pk
        obj.refresh_from_db()


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
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Adding makes a new key, shown once on the page that follows; deleting revokes a token."""

    list_display = ["user", "name", "created_at", "last_used_at"]
    list_select_related = ["user"]
    fields = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = ["created_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = api_token_issue(
            user=obj.user, name=obj.name, issued_by=request.user, via="admin", request=request
        )
        obj.pk, obj.key_hash, obj.created_at = token.pk, token.key_hash, token.created_at
        obj._state.adding = False
        request._new_token_key = key

    def log_addition(self, request, obj, message):
        # api_token_issue has written the audit entry already; the admin's own history still gets one.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        """The key is shown on this one page and nowhere else (no message, no cookie, no log)."""
        key = getattr(request, "_new_token_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        messages.success(
            request, _("Token %(name)s for %(user)s created.") % {"name": obj.name, "user": obj.user}
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "key": key,
            "title": _("Copy the token now"),
        }
        return TemplateResponse(request, "admin/inbox/apitoken/created.html", context)


# --- Issue 5: the duty roster, edited by functional admins ---------------------------------------

from .models import DutyShift  # noqa: E402


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
