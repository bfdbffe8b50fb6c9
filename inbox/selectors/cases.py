"""Reads that join conversations to cases: a case's conversations, and what a registration starts from."""

from ..models import Conversation, Message
from ..permissions import visible_conversations


def case_conversations(*, user, case) -> list[Conversation]:
    """The conversations about a case on any channel that this user may see, latest first."""
    return list(
        visible_conversations(user)
        .filter(case=case)
        .select_related("account", "contact", "assignee")
        .order_by("-last_message_at", "-pk")
    )


def conversation_prefill_text(conversation: Conversation) -> str:
    """The citizen's words so far: what the registration form starts from."""
    texts = conversation.messages.filter(direction=Message.Direction.INBOUND).order_by("created_at", "pk")
    return "\n".join(texts.values_list("text", flat=True)[:5])[:5000]
