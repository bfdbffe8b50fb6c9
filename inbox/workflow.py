"""The inbox's status tables, as data: a conversation's state, a reply's send status and an
attachment's copy into our own storage."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from webcare.transitions import TransitionNotAllowed, Transitions

__all__ = [
    "ATTACHMENT_TRANSITIONS",
    "SEND_TRANSITIONS",
    "TAKE_NEXT_STATES",
    "TODO_STATES",
    "TRANSITIONS",
    "AttachmentStatus",
    "SendStatus",
    "State",
    "TransitionNotAllowed",
]


class State(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    # With the communications adviser on duty (or the comms team when nobody is on duty).
    ESCALATED = "escalated", _("Escalated")


# Work still to be done: what the queue shows and what counts as backlog.
TODO_STATES = (State.NEW, State.OPEN, State.ESCALATED)
# What "take next" hands out, when nobody holds it: an escalation waits for the adviser.
TAKE_NEXT_STATES = (State.NEW, State.OPEN)

TRANSITIONS: dict[str, set[str]] = {
    State.NEW: {State.OPEN, State.ANSWERED, State.CLOSED, State.ESCALATED},
    State.OPEN: {State.NEW, State.ANSWERED, State.CLOSED, State.ESCALATED},
    # The citizen wrote again after our answer, or an agent picks it up again.
    State.ANSWERED: {State.OPEN, State.CLOSED, State.ESCALATED},
    State.CLOSED: {State.OPEN},
    # The adviser answers the citizen, hands it back to the agent with advice, or closes it.
    State.ESCALATED: {State.OPEN, State.ANSWERED, State.CLOSED},
}
CONVERSATION_STATES = Transitions("conversation", TRANSITIONS)


def check_transition(old: str, new: str) -> None:
    CONVERSATION_STATES.check(old, new)


class SendStatus(models.TextChoices):
    """Where a reply is in the outbox. Inbound messages have none ("")."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The platform may or may not have posted it (a timeout, a 5xx, a worker killed mid-send):
    # looked up on the platform before anything else happens, never retried blindly.
    UNKNOWN = "unknown", _("Unknown, being checked")


SEND_TRANSITIONS = Transitions(
    "reply",
    {
        SendStatus.QUEUED: {SendStatus.SENDING},
        # Sent; refused for good; a transient fault the task retries (back to queued); or not known.
        SendStatus.SENDING: {SendStatus.SENT, SendStatus.FAILED, SendStatus.QUEUED, SendStatus.UNKNOWN},
        # Only after it was looked up on the platform: found, or not there after its read delay.
        SendStatus.UNKNOWN: {SendStatus.SENT, SendStatus.FAILED},
        # A person retries.
        SendStatus.FAILED: {SendStatus.QUEUED},
        SendStatus.SENT: set(),
    },
)


class AttachmentStatus(models.TextChoices):
    """Where a citizen's photo or video is in being copied into our own storage."""

    PENDING = "pending", _("Being fetched")
    STORED = "stored", _("Stored")
    # Too large, not a photo or video, unreadable, or the platform no longer has it.
    REFUSED = "refused", _("Not stored")


ATTACHMENT_TRANSITIONS = Transitions(
    "attachment",
    {
        AttachmentStatus.PENDING: {AttachmentStatus.STORED, AttachmentStatus.REFUSED},
        AttachmentStatus.STORED: set(),
        AttachmentStatus.REFUSED: set(),
    },
)
