from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlantcontactenConfig(AppConfig):
    name = "klantcontacten"
    verbose_name = _("Contacts in Open Klant")
