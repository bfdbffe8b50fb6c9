"""What every inbox service shares: the refusals it raises, the conversation row lock, the timeline
event it appends (with the state change, checked against the workflow table), and the queue's copy of
a conversation's messages that it keeps current."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PREVIEW_LENGTH, Conversation, Event, Message
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


def event_build(conversation, *, kind, actor=None, from_state="", to_state="", **data) -> Event:
    """The next entry of the conversation's timeline, not saved yet (ingest inserts a page's in bulk).
    The caller saves the conversation in the same transaction: its last activity moves with it."""
    event = Event(
        conversation=conversation, actor=actor, kind=kind, from_state=from_state, to_state=to_state, data=data
    )
    conversation.last_activity_at = event.created_at
    return event


def event_append(conversation, *, kind, actor=None, from_state="", to_state="", **data) -> Event:
    """Append one entry to the conversation's timeline. Events are never edited or deleted."""
    event = event_build(
        conversation, kind=kind, actor=actor, from_state=from_state, to_state=to_state, **data
    )
    event.save(force_insert=True)
    return event


def state_move(conversation: Conversation, new_state: str) -> str:
    """Move a locked conversation to `new_state`, refused unless the workflow table allows it.
    Returns the old state; the caller records the event and saves in the same transaction."""
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
    return old_state


def state_change(conversation: Conversation, new_state: str, *, kind: str, actor=None, **data) -> Event:
    """Move a locked conversation to `new_state` (refused unless the workflow table allows it) and
    append the event saying so. The caller saves the conversation in the same transaction."""
    old_state = state_move(conversation, new_state)
    return event_append(
        conversation, kind=kind, actor=actor, from_state=old_state, to_state=new_state, **data
    )


def state_change_built(conversation: Conversation, new_state: str, *, kind: str, actor=None, **data) -> Event:
    """`state_change` with the event not saved yet (ingest inserts a page's events in bulk)."""
    old_state = state_move(conversation, new_state)
    return event_build(conversation, kind=kind, actor=actor, from_state=old_state, to_state=new_state, **data)


def message_counted(conversation: Conversation, message: Message) -> None:
    """Keep the queue's copy of the conversation's messages current for one new message: the count,
    and the newest inbound one's time and preview (by the platform's time, so a late-fetched older
    message does not replace it). The caller saves the conversation in the same transaction."""
    conversation.message_count += 1
    if message.direction == Message.Direction.INBOUND and (
        conversation.last_inbound_at is None or message.created_at >= conversation.last_inbound_at
    ):
        conversation.last_inbound_at = message.created_at
        conversation.preview = message.text[:PREVIEW_LENGTH]
    activity = max(message.received_at, conversation.last_activity_at or message.received_at)
    conversation.last_activity_at = activity
