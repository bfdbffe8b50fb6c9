from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from inbox.arrival import register_late_arrival_hook
        from inbox.counting import register_count_hook

        from .services import snapshots_thaw
        from .services.tallies import tallies_count

        # A message fetched after its day ended changes that day's figures: thaw its snapshots.
        register_late_arrival_hook(snapshots_thaw)
        # Every change a day's figures count moves the hourly tallies in the same transaction.
        register_count_hook(tallies_count)
