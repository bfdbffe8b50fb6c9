"""Teamwork's own rows: the advisers' duty roster, notifications, and who is typing a reply.
Re-exported by inbox.models."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DutyShift(models.Model):
    """One stretch of time in which a communications adviser is on duty (the roster)."""

    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("adviser"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="duty_shift_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")

    def __str__(self):
        return f"{self.adviser} {self.starts_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """Something a person should look at (an escalation for them, advice handed back)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey("inbox.Event", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.user}: {self.text[:40]}"


class TypingMarker(models.Model):
    """Someone is typing a reply on a conversation until `until` (refreshed by pings while typing).

    Not history: rows are overwritten and expire. A table rather than a per-process cache, so every
    web process sees the same markers.
    """

    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="typing_marker_unique")]

    def __str__(self):
        return f"{self.user} typing on {self.conversation_id}"
