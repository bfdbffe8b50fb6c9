from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage and routing")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from inbox.arrival import register_arrival_hook
        from inbox.models import Team

        from .models import RoutingRule
        from .routing import routing_changed
        from .services import conversation_triage_on_arrival, conversations_triage_on_arrival

        register_arrival_hook(conversation_triage_on_arrival, many=conversations_triage_on_arrival)
        for model in (RoutingRule, Team):
            post_save.connect(routing_changed, sender=model, dispatch_uid=f"routing-{model.__name__}")
            post_delete.connect(routing_changed, sender=model, dispatch_uid=f"routing-del-{model.__name__}")
