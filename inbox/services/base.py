"""What every inbox service shares: the refusals it raises, the conversation row lock, and the
timeline event it appends (with the state change, checked against the workflow table)."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Conversation, Event
from ..workflow import State, TransitionNotAllowed, check_transition


class ServiceError(Exception):
    """A refusal with a message fit to show the user."""


class NotAllowed(ServiceError):
    """The user's role may not do this at all."""


class AlreadyClaimed(ServiceError):
    """Someone else holds the conversation."""


class StateConflict(ServiceError):
    """The conversation is no longer in a state that allows this (a double click, or a colleague
    who was quicker)."""


class ReplyInvalid(ServiceError):
    pass


class OutdatedThread(ServiceError):
    pass


class PersonalDataInPublicReply(ServiceError):
    """A public reply names personal data (a BSN, a phone number, ...): refused until the writer
    confirms, or sends it privately where the platform allows."""

    def __init__(self, message: str, *, findings, private_possible: bool):
        super().__init__(message)
        self.findings = findings
        self.private_possible = private_possible


def person_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def conversation_lock(conversation_id: int) -> Conversation:
    """The conversation, locked for the rest of the transaction (select_for_update)."""
    return Conversation.objects.select_for_update().get(pk=conversation_id)


def event_append(conversation, *, kind, actor=None, from_state="", to_state="", **data) -> Event:
    """Append one entry to the conversation's timeline. Events are never edited or deleted."""
    return Event.objects.create(
        conversation=conversation, actor=actor, kind=kind, from_state=from_state, to_state=to_state, data=data
    )


def state_change(conversation: Conversation, new_state: str, *, kind: str, actor=None, **data) -> Event:
    """Move a locked conversation to `new_state` (refused unless the workflow table allows it) and
    append the event saying so. The caller saves the conversation in the same transaction."""
    old_state = conversation.state
    try:
        check_transition(old_state, new_state)
    except TransitionNotAllowed as exc:
        raise StateConflict(
            _("This conversation is %(state)s now; that step is not possible any more.")
            % {"state": State(old_state).label.lower()}
        ) from exc
    conversation.state = new_state
    if new_state == State.CLOSED:
        conversation.closed_at = timezone.now()
    elif old_state == State.CLOSED:
        conversation.closed_at = None
    return event_append(
        conversation, kind=kind, actor=actor, from_state=old_state, to_state=new_state, **data
    )
