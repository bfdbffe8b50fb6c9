from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Logins, failed logins, logouts and lockouts are framework events: the audit log listens to
        # Django's and django-axes' own signals for them (audit/receivers.py).
        from . import receivers

        receivers.connect()
