"""Flagging a citizen's public post that exposes personal data (their BSN, phone number, address…),
so the queue shows it and the agent can hide it (Facebook) and advise the citizen."""

from ..models import Conversation, Event, Message
from ..personal_data import personal_data_kinds
from .base import event_append


def exposure_flag(*, conversation: Conversation, message: Message) -> None:
    """Called by ingest for each stored message, inside its transaction, the conversation locked
    and saved by the caller afterwards. Private messages and our own posts are never flagged."""
    if message.direction != Message.Direction.INBOUND or conversation.is_private:
        return
    kinds = personal_data_kinds(message.text)
    if not kinds:
        return
    Message.objects.filter(pk=message.pk).update(personal_data=kinds)
    message.personal_data = kinds
    conversation.personal_data_exposed = True
    event_append(conversation, kind=Event.Kind.PERSONAL_DATA_EXPOSED, message=message.pk, kinds=kinds)


def exposure_recheck(*, conversation: Conversation) -> None:
    """After a post was hidden or shown again: flagged while any exposing post is still visible."""
    conversation.personal_data_exposed = (
        conversation.messages.filter(hidden=False).exclude(personal_data=[]).exists()
    )
