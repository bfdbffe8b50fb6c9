"""The agent's workspace's own rows: a person's keyboard shortcuts, and the photos and videos citizens
attach, copied into our own storage. Re-exported by inbox.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow import AttachmentStatus


class ShortcutPreference(models.Model):
    """One person's keyboard shortcuts: off altogether, or keys of their own (WCAG 2.1.4)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("keyboard shortcuts on"), default=True)
    keys = models.JSONField(_("keys"), default=dict, blank=True)  # action → key, only where changed

    class Meta:
        verbose_name = _("keyboard shortcut setting")
        verbose_name_plural = _("keyboard shortcut settings")

    def __str__(self):
        return str(self.user)


class Attachment(models.Model):
    """A photo or video a citizen attached, copied into our storage by a task (inbox/media.py); the position
    (latitude, longitude) is where the photo was taken, from its EXIF GPS data."""

    Status = AttachmentStatus

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        VIDEO = "video", _("Video")
        OTHER = "other", _("File")

    message = models.ForeignKey("inbox.Message", on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    platform_url = models.URLField(_("platform URL"), max_length=2000)  # kept, never shown to the browser
    alt = models.TextField(_("alt text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to="attachments/%Y/%m/", blank=True)
    thumbnail = models.FileField(upload_to="attachments/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The case this photo was registered with ("foto bij de melding"); cases/ does not know of it.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message_id", "position"]
        constraints = [models.UniqueConstraint(fields=["message", "position"], name="attachment_position")]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.kind} {self.position} of {self.message_id}"


class SavedQueueView(models.Model):
    """A view of the queue a person saved under a name of their own: a filter and, for a team view,
    the team. Shown beside the standard views, for that person only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    filter_name = models.CharField(_("view"), max_length=20)
    team_slug = models.SlugField(_("team"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_queue_view_unique_name")]
        verbose_name = _("saved queue view")
        verbose_name_plural = _("saved queue views")

    def __str__(self):
        return f"{self.user} / {self.name}"
