"""Klantcontacten are read here; they change through closing conversations and the retry, never by editing rows."""

from django.contrib import admin

from .models import Klantcontact, KlantcontactEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Klantcontact)
class KlantcontactAdmin(ReadOnly):
    list_display = ["conversation_id", "state", "referentienummer", "remote_uuid", "attempts", "updated_at"]
    list_filter = ["state"]
    search_fields = ["conversation_id", "remote_uuid"]


@admin.register(KlantcontactEvent)
class KlantcontactEventAdmin(ReadOnly):
    list_display = ["klantcontact", "kind", "actor", "created_at"]
    list_filter = ["kind"]
