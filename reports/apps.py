from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from inbox.arrival import register_late_arrival_hook

        from .services import snapshots_thaw

        # A message fetched after its day ended changes that day's figures: thaw its snapshots.
        register_late_arrival_hook(snapshots_thaw)
