"""Flagging a citizen's public post that exposes personal data (their BSN, phone number, address…),
so the queue shows it and the agent can hide it (Facebook) and advise the citizen."""

from ..models import Conversation, Event, Message
from ..personal_data import personal_data_kinds
from .base import event_build


def exposure_flag(*, conversation: Conversation, message: Message) -> list[Event]:
    """Called by ingest for each arriving message, before it is stored, the conversation locked and
    saved by the caller afterwards; returns the timeline entry to insert with the page's (ingest
    writes them in bulk). Private messages and our own posts are never flagged."""
    if message.direction != Message.Direction.INBOUND or conversation.is_private:
        return []
    kinds = personal_data_kinds(message.text)
    if not kinds:
        return []
    message.personal_data = kinds
    conversation.personal_data_exposed = True
    return [
        event_build(
            conversation, kind=Event.Kind.PERSONAL_DATA_EXPOSED, message=message.platform_id, kinds=kinds
        )
    ]


def exposure_recheck(*, conversation: Conversation) -> None:
    """After a post was hidden or shown again: flagged while any exposing post is still visible."""
    conversation.personal_data_exposed = (
        conversation.messages.filter(hidden=False).exclude(personal_data=[]).exists()
    )
