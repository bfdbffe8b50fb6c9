"""Admin for the functional admin: routing rules in order, canned answers; triage is read-only."""

from django.contrib import admin

from audit.admin import AuditedAdminMixin
from inbox.admin import ReadOnlyAdmin

from .models import CannedAnswer, ConversationTriage, RoutingRule, TriageDecision


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["position", "name", "enabled", "account", "category", "wijk", "keyword", "team"]
    list_display_links = ["name"]
    list_editable = ["position", "enabled"]
    list_select_related = ["account", "team"]
    ordering = ["position", "pk"]


@admin.register(CannedAnswer)
class CannedAnswerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "category", "enabled"]
    list_filter = ["enabled", "category"]
    search_fields = ["title", "text", "keywords"]


@admin.register(ConversationTriage)
class ConversationTriageAdmin(ReadOnlyAdmin):
    list_display = ["conversation", "suggested", "decided", "created_at"]


@admin.register(TriageDecision)
class TriageDecisionAdmin(ReadOnlyAdmin):
    list_display = ["triage", "field", "suggested", "value", "corrected", "actor", "created_at"]
    list_filter = ["field", "corrected"]
