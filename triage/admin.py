"""Admin for the functional admin: routing rules in order, canned answers; triage is read-only, and
the nightly retrainings show their cross-validated figures next to those of the model they would
replace."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin
from inbox.admin import ReadOnlyAdmin

from . import learning
from .models import CannedAnswer, ConversationTriage, RoutingRule, TriageDecision, TriageModel
from .suggester.evaluate import headline


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


def _figure(field: str, measure: str, label):
    def column(obj: TriageModel) -> str:
        new = (obj.figures.get(field) or {}).get(measure)
        old = (obj.previous_figures.get(field) or {}).get(measure)
        if new is None:
            return "—"
        return f"{new:.3f}" if old is None else f"{new:.3f} ({old:.3f})"

    column.short_description = label
    return column


@admin.register(TriageModel)
class TriageModelAdmin(ReadOnlyAdmin):
    """Each retraining: its 5-fold cross-validated figures, with the model in use's in brackets."""

    list_display = [
        "created_at",
        "kept",
        "examples",
        "decisions",
        _figure("type", "macro_f1", _("type macro-F1")),
        _figure("category", "accuracy", _("category accuracy")),
        _figure("wijk", "accuracy", _("wijk accuracy")),
        _figure("urgent", "recall", _("urgent recall")),
        _figure("urgent", "precision", _("urgent precision")),
        _figure("escalate", "recall", _("escalate recall")),
        _figure("escalate", "precision", _("escalate precision")),
        "reason",
    ]
    list_filter = ["kept"]
    exclude = ["data"]

    def changelist_view(self, request, extra_context=None):
        # Which model suggests right now, and how it measured when it was trained.
        model = learning.current_suggester()
        figures = model.meta.get("cv")
        self.message_user(
            request,
            _("In use: %(which)s, trained on %(n)s examples (%(decisions)s from agents). %(figures)s")
            % {
                "which": _("a nightly retraining") if model.meta.get("decisions") else _("the shipped model"),
                "n": model.meta.get("examples", 0),
                "decisions": model.meta.get("decisions", 0),
                "figures": _("5-fold cross-validation: %(line)s") % {"line": headline(figures)}
                if figures
                else "",
            },
        )
        return super().changelist_view(request, extra_context)
