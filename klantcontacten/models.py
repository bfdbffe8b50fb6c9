"""A conversation's klantcontact: what is to be registered in Open Klant, how far it got, and its
own timeline. The conversation is the inbox's; this app keeps only its id (it does not know the inbox).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow import SyncState


class Klantcontact(models.Model):
    SyncState = SyncState  # its transitions are data (workflow.SYNC_TRANSITIONS)

    # The inbox's conversation (inbox.Conversation.pk): one klantcontact per conversation.
    conversation_id = models.BigIntegerField(_("conversation"), unique=True)
    # The ContactRecord as of the latest close (records.py); `version` counts the closes.
    record = models.JSONField(_("record"))
    version = models.PositiveIntegerField(_("version"), default=1)
    pushed_version = models.PositiveIntegerField(_("pushed version"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=SyncState.choices, default=SyncState.PENDING)
    # Open Klant's uuid of the klantcontact, kept as soon as it is known.
    remote_uuid = models.CharField(_("Open Klant uuid"), max_length=36, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "updated_at"], name="klantcontact_state_idx")]
        verbose_name = _("klantcontact")
        verbose_name_plural = _("klantcontacten")

    def __str__(self):
        return f"klantcontact of conversation {self.conversation_id}: {self.state}"

    @property
    def referentienummer(self) -> str:
        """Ours to give and unique in Open Klant (digits only, at most 10): how a klantcontact whose
        registration had an unknown outcome is found again before anything is created twice."""
        prefix = settings.KLANTINTERACTIES_REFERENTIE_PREFIX
        return f"{prefix}{self.pk:0{10 - len(prefix)}d}"


class KlantcontactEvent(models.Model):
    """One entry of a klantcontact's timeline. Never edited or deleted."""

    class Kind(models.TextChoices):
        QUEUED = "queued", _("Queued for Open Klant")
        UPDATE_QUEUED = "update_queued", _("Closed again: update queued")
        REGISTERED = "registered", _("Registered in Open Klant")
        UPDATED = "updated", _("Updated in Open Klant")
        FAILED = "failed", _("Open Klant refused it")
        RETRIED = "retried", _("Sent to Open Klant again")

    klantcontact = models.ForeignKey(
        Klantcontact, verbose_name=_("klantcontact"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("klantcontact event")
        verbose_name_plural = _("klantcontact events")

    def __str__(self):
        return f"{self.kind} on {self.klantcontact_id}"
