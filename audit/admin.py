"""The audit log in the admin (read only), and the mixin that audits every change an admin makes."""

from django.contrib import admin
from django.db import models

from .models import AuditEntry
from .services import audit_record

# Field names whose values never enter the audit log: that they changed is recorded, not what to.
SECRET_FIELDS = {"password", "credentials", "key_hash", "key", "secret", "token", "public_key", "token_set"}


def _plain(value):
    """A form value as something JSON can hold and a person can read."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(item) for item in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def form_changes(form) -> dict:
    """{field: {"from": old, "to": new}} for each changed field; {field: "changed"} for secrets."""
    changes = {}
    if form is None:
        return changes
    for name in form.changed_data:
        if name in SECRET_FIELDS or "password" in name:
            changes[name] = "changed"
            continue
        old = form.initial.get(name)
        field = form.fields.get(name)
        if field is not None and hasattr(field, "queryset") and old is not None:
            # ModelChoice initial values are primary keys: show them as the objects they are.
            ids = old if isinstance(old, list | tuple) else [old]
            ids = [getattr(item, "pk", item) for item in ids]
            old = [str(o) for o in field.queryset.filter(pk__in=ids)]
            old = old if isinstance(form.initial.get(name), list | tuple) else (old[0] if old else None)
        changes[name] = {"from": _plain(old), "to": _plain(form.cleaned_data.get(name))}
    return changes


class AuditedAdminMixin:
    """Every add, change and delete in this admin becomes an audit entry: who, when, from where, and
    which fields changed (values of secrets left out). Django's own admin history is kept as well."""

    def construct_change_message(self, request, form, formsets, add=False):
        request._audit_changes = form_changes(form)
        inline_changes = []
        for formset in formsets or []:
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    inline_changes.append(
                        {"model": inline_form._meta.model._meta.label_lower, **form_changes(inline_form)}
                    )
        if inline_changes:
            request._audit_changes["inlines"] = inline_changes
        return super().construct_change_message(request, form, formsets, add)

    def _audit(self, request, obj, action, detail=None):
        audit_record(action=action, request=request, via="admin", obj=obj, detail=detail or {})

    def log_addition(self, request, obj, message):
        self._audit(
            request, obj, AuditEntry.Action.CREATED, {"fields": getattr(request, "_audit_changes", {})}
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        changes = getattr(request, "_audit_changes", None)
        if changes is None:
            # A change made without a form (the password form of a user, an admin action): the
            # admin's own message says what, without values.
            changes = {"message": str(message)[:500]}
        self._audit(request, obj, AuditEntry.Action.CHANGED, {"fields": changes})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, AuditEntry.Action.DELETED)
        return super().log_deletions(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only for admins; nobody edits or deletes an entry through the app."""

    list_display = ["created_at", "action", "actor", "ip_address", "via", "object_type", "object_repr"]
    list_filter = ["action", "via", "object_type"]
    search_fields = ["actor", "object_repr", "object_id", "ip_address"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
