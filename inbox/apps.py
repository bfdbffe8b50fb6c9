from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .search_schema import search_index_ensure


def _search_index_ensure(sender, using, **kwargs):
    # Schema upkeep, not a domain side effect: SQLite drops the FTS triggers whenever a migration
    # rebuilds inbox_message, so they are checked after every migrate.
    search_index_ensure(connections[using])


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="inbox-search-index")
