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
