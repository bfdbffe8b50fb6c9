from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage and routing")

    def ready(self):
        from inbox.arrival import register_arrival_hook

        from .services import conversation_triage_on_arrival, conversations_triage_on_arrival

        register_arrival_hook(conversation_triage_on_arrival, many=conversations_triage_on_arrival)
