"""Reads for one conversation: finding it for a user, its thread, its timeline and the contact's history."""

from ..models import Conversation, Event, Message
from ..permissions import visible_conversations


def conversation_get(*, user, conversation_id: int) -> Conversation | None:
    return (
        visible_conversations(user)
        .select_related("account", "contact", "team", "assignee", "case")
        .filter(pk=conversation_id)
        .first()
    )


def conversation_thread(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.select_related("sent_by").order_by("created_at", "pk"))


def conversation_timeline(conversation: Conversation) -> list[Event]:
    return list(conversation.events.select_related("actor").order_by("created_at", "pk"))


def contact_history(*, user, conversation: Conversation) -> list[Conversation]:
    """The contact's other conversations, newest first, that this user may see."""
    return list(
        visible_conversations(user)
        .filter(contact_id=conversation.contact_id)
        .exclude(pk=conversation.pk)
        .select_related("account")
        .order_by("-last_message_at")[:20]
    )
