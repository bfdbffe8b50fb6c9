"""How far a conversation's klantcontact got in Open Klant, and the moves allowed, as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from webcare.transitions import Transitions


class SyncState(models.TextChoices):
    PENDING = "pending", _("Waiting for Open Klant")
    PUSHING = "pushing", _("Being registered in Open Klant")
    # A write's outcome is not known (a timeout, a 5xx, a worker gone): looked up in Open Klant
    # (by its referentienummer) before anything is created again. Retried on its own.
    UNKNOWN = "unknown", _("Unknown, being checked")
    SYNCED = "synced", _("Registered in Open Klant")
    FAILED = "failed", _("Refused by Open Klant")


# A klantcontact is born pending when its conversation is closed (klantcontact_record).
SYNC_TRANSITIONS = Transitions(
    "klantcontact",
    {
        # A task takes it (klantcontact_push_start); a second task finds it taken and does nothing.
        SyncState.PENDING: {SyncState.PUSHING},
        SyncState.UNKNOWN: {SyncState.PUSHING},
        # Registered; refused; a write whose outcome is not known; a fault before anything was
        # written, or the conversation closed again meanwhile (back to pending, pushed again).
        SyncState.PUSHING: {SyncState.SYNCED, SyncState.FAILED, SyncState.UNKNOWN, SyncState.PENDING},
        # The conversation was reopened and closed again: its klantcontact is updated.
        SyncState.SYNCED: {SyncState.PENDING},
        # A person retries, or the conversation is closed again with more to register.
        SyncState.FAILED: {SyncState.PENDING},
    },
)
