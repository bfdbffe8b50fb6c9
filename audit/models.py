"""The audit log: who did what, when and from where, for logins and every admin change. Append-only."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted; that never happens through the app."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are never changed.")

    def delete(self):
        raise AppendOnly("Audit entries are never deleted.")


class AuditEntry(models.Model):
    """One thing that happened. No foreign keys: an entry outlives the account and object it names,
    and names no citizen (a contact is "contact #id", never by name or handle)."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGOUT = "logout", _("Logged out")
        LOCKED_OUT = "locked_out", _("Locked out")
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        CREDENTIALS_CHANGED = "credentials_changed", _("Credentials changed")
        TOKEN_CREATED = "token_created", _("API token created")
        CONTACT_EXPORTED = "contact_exported", _("Personal data exported")
        CONTACT_ERASED = "contact_erased", _("Personal data erased")
        RETENTION_RUN = "retention_run", _("Retention run")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices, db_index=True)
    actor_id = models.IntegerField(null=True, blank=True)
    # The username at the time ("" for nobody known, e.g. a failed login's unknown name is in detail).
    actor = models.CharField(_("who"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    # How it came in: web (the screens), admin, api, sso, command, task.
    via = models.CharField(_("via"), max_length=20, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # What changed: field names with old → new for ordinary fields, only the names for secrets.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are never deleted.")
