"""Cases (zaken): a number for every registered report, its status, contacts and own timeline.

This app does not know the inbox: the conversations of a case point here (inbox.Conversation.case).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow import PushState, Status, SyncState


class Category(models.TextChoices):
    AFVAL = "afval", _("Waste")
    GLADHEID = "gladheid", _("Ice and gritting")
    VERLICHTING = "verlichting", _("Street lighting")
    WEGEN = "wegen", _("Roads and pavements")
    GROEN = "groen", _("Trees and greenery")
    VERKEER_PARKEREN = "verkeer_parkeren", _("Traffic and parking")
    OVERLAST = "overlast", _("Nuisance")
    WATER_RIOOL = "water_riool", _("Water and sewers")
    DIENSTVERLENING = "dienstverlening", _("Municipal services")
    EVENEMENTEN = "evenementen", _("Events")
    BELEID_POLITIEK = "beleid_politiek", _("Policy and politics")
    OVERIG = "overig", _("Other")


class CaseNumberCounter(models.Model):
    """The last number handed out in a year; its row is locked while a case is registered."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Case(models.Model):
    SyncState = SyncState  # its transitions are data, next to the status table (workflow.py)

    number = models.CharField(_("case number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # Who reported it, as known on the channel it came by (the inbox's contact, copied).
    contact_name = models.CharField(_("contact name"), max_length=500, blank=True)
    contact_platform = models.CharField(_("contact channel"), max_length=20, blank=True)
    contact_handle = models.CharField(_("contact handle"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # The back office: which backend, its reference (the zaak URL for ZGW) and how far we got.
    backend = models.CharField(_("back office"), max_length=20, default="local")
    backend_reference = models.CharField(_("back-office reference"), max_length=1000, blank=True)
    sync_state = models.CharField(
        _("back-office state"), max_length=10, choices=SyncState.choices, default=SyncState.LOCAL
    )
    sync_error = models.TextField(_("back-office error"), blank=True)
    sync_attempts = models.PositiveSmallIntegerField(_("back-office attempts"), default=0)
    sync_started_at = models.DateTimeField(_("back-office sync started"), null=True, blank=True)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="case_unique_sequence")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.number


class StatusPush(models.Model):
    """One status change of a case on its way to the back office (a ZGW `status`), sent in order.

    Saved with the change it reports, before any call; the back office's status URL is kept once
    it exists. Changes the back office itself reported (source "backoffice") are not sent back.
    """

    State = PushState  # its transitions are data (workflow.PUSH_TRANSITIONS)

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="status_pushes"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    changed_at = models.DateTimeField(_("changed at"))  # datumStatusGezet, to the second
    note = models.CharField(_("note"), max_length=1000, blank=True)
    state = models.CharField(
        _("push state"), max_length=10, choices=PushState.choices, default=PushState.PENDING
    )
    reference = models.CharField(_("back-office reference"), max_length=1000, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("pushed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["state", "changed_at"], name="status_push_state_idx")]
        verbose_name = _("status in the back office")
        verbose_name_plural = _("statuses in the back office")

    def __str__(self):
        return f"{self.status} of {self.case_id}: {self.state}"


class ManualContact(models.Model):
    """A contact about a case outside social media, logged by hand."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        COUNTER = "counter", _("Counter")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="manual_contacts"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    text = models.TextField(_("what was said"))
    happened_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["happened_at", "id"]
        verbose_name = _("manual contact")
        verbose_name_plural = _("manual contacts")

    def __str__(self):
        return f"{self.channel} on {self.case}"


class CaseEvent(models.Model):
    """One entry of a case's own timeline. Never edited or deleted."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Case registered")
        CONVERSATION_LINKED = "conversation_linked", _("Conversation linked")
        CONTACT_LOGGED = "contact_logged", _("Contact logged")
        STATUS_CHANGED = "status_changed", _("Status changed")
        CITIZEN_NOTIFIED = "citizen_notified", _("Citizen told about the status")
        BACKOFFICE_REGISTERED = "backoffice_registered", _("Registered in the back office")
        BACKOFFICE_FAILED = "backoffice_failed", _("Back-office registration failed")
        BACKOFFICE_RETRIED = "backoffice_retried", _("Back-office registration retried")
        STATUS_PUSHED = "status_pushed", _("Status set in the back office")
        STATUS_PUSH_FAILED = "status_push_failed", _("Back office refused the status")
        STATUS_PUSH_RETRIED = "status_push_retried", _("Status sent to the back office again")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.kind} on {self.case_id}"
