"""A case's statuses and its back-office sync states, and the transitions allowed between them, as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from webcare.transitions import Transitions


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the citizen")
    FORWARDED = "forwarded", _("Forwarded to another organisation")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")


CLOSED_STATUSES = (Status.RESOLVED, Status.REJECTED)

TRANSITIONS: dict[str, set[str]] = {
    Status.REGISTERED: {
        Status.IN_PROGRESS,
        Status.WAITING,
        Status.FORWARDED,
        Status.RESOLVED,
        Status.REJECTED,
    },
    Status.IN_PROGRESS: {Status.WAITING, Status.FORWARDED, Status.RESOLVED, Status.REJECTED},
    Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED},
    Status.FORWARDED: {Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED},
    # A citizen says it is not fixed after all: the case is taken up again, never a new number.
    Status.RESOLVED: {Status.IN_PROGRESS},
    Status.REJECTED: {Status.IN_PROGRESS},
}

STATUS_TRANSITIONS = Transitions("case", TRANSITIONS)


def allowed_next(status: str) -> list[str]:
    return STATUS_TRANSITIONS.allowed_next(status, Status.values)


def can_transition(old: str, new: str) -> bool:
    return STATUS_TRANSITIONS.allowed(old, new)


class SyncState(models.TextChoices):
    """How far a case got in the back office (Case.SyncState)."""

    LOCAL = "local", _("Kept here only")
    PENDING = "pending", _("Waiting for the back office")
    SYNCING = "syncing", _("Registering in the back office")
    SYNCED = "synced", _("Registered in the back office")
    FAILED = "failed", _("Back-office registration failed")


# A case is born local (the local backend: it never leaves) or pending (case_register).
SYNC_TRANSITIONS = Transitions(
    "back-office registration",
    {
        SyncState.LOCAL: set(),
        # A task takes it (case_backoffice_start); a second task finds it taken and does nothing.
        SyncState.PENDING: {SyncState.SYNCING},
        # The task's outcome; back to pending for a temporary fault the task retries, or when a
        # person retries an attempt gone quiet for CASES_SYNC_STALE_MINUTES (its worker died).
        SyncState.SYNCING: {SyncState.SYNCED, SyncState.PENDING, SyncState.FAILED},
        SyncState.SYNCED: set(),
        # A person retries (case_backoffice_retry).
        SyncState.FAILED: {SyncState.PENDING},
    },
)


class PushState(models.TextChoices):
    """How far a status change got in the back office (StatusPush.State)."""

    PENDING = "pending", _("Waiting for the back office")
    PUSHING = "pushing", _("Being sent to the back office")
    PUSHED = "pushed", _("Set in the back office")
    FAILED = "failed", _("Refused by the back office")
    # The back office has no statustype for this status (ZGW_STATUSTYPEN): nothing to send.
    SKIPPED = "skipped", _("Not kept in the back office")


# A status change of a case in a back office is born pending (case_register, case_status_change).
PUSH_TRANSITIONS = Transitions(
    "back-office status",
    {
        # The case's push task takes the oldest one (status_push_start); a second task finds it taken.
        PushState.PENDING: {PushState.PUSHING},
        # The outcome; back to pending for a temporary fault the task retries, or for an attempt
        # whose worker went quiet (the status is looked up before it is set, so that is safe).
        PushState.PUSHING: {PushState.PUSHED, PushState.PENDING, PushState.FAILED, PushState.SKIPPED},
        # A person retries (status_push_retry).
        PushState.FAILED: {PushState.PENDING},
        PushState.PUSHED: set(),
        PushState.SKIPPED: set(),
    },
)
