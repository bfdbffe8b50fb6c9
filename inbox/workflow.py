"""The conversation's states and the transitions allowed between them, as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    # With the communications adviser on duty (or the comms team when nobody is on duty).
    ESCALATED = "escalated", _("Escalated")


# Work still to be done: what the queue shows and what counts as backlog.
TODO_STATES = (State.NEW, State.OPEN, State.ESCALATED)

TRANSITIONS: dict[str, set[str]] = {
    State.NEW: {State.OPEN, State.ANSWERED, State.CLOSED, State.ESCALATED},
    State.OPEN: {State.NEW, State.ANSWERED, State.CLOSED, State.ESCALATED},
    # The citizen wrote again after our answer, or an agent picks it up again.
    State.ANSWERED: {State.OPEN, State.CLOSED, State.ESCALATED},
    State.CLOSED: {State.OPEN},
    # The adviser answers the citizen, hands it back to the agent with advice, or closes it.
    State.ESCALATED: {State.OPEN, State.ANSWERED, State.CLOSED},
}


class TransitionNotAllowed(Exception):
    def __init__(self, old: str, new: str):
        super().__init__(f"A conversation cannot go from {old!r} to {new!r}.")
        self.old, self.new = old, new


def check_transition(old: str, new: str) -> None:
    if new not in TRANSITIONS.get(old, set()):
        raise TransitionNotAllowed(old, new)
