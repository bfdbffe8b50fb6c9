"""Reads for citizens' photos and videos: one for a user, a conversation's, a case's."""

from ..models import Attachment
from ..permissions import visible_conversations
from ..workflow import AttachmentStatus


def attachment_for(*, user, attachment_id: int) -> Attachment | None:
    """A stored attachment of a conversation this user may see, or None."""
    return (
        Attachment.objects.filter(
            pk=attachment_id,
            status=AttachmentStatus.STORED,
            message__conversation__in=visible_conversations(user),
        )
        .select_related("message")
        .first()
    )


def conversation_photos(conversation) -> list[Attachment]:
    """The conversation's stored photos, oldest first: what the case form offers."""
    return list(
        Attachment.objects.filter(
            message__conversation=conversation, status=AttachmentStatus.STORED, kind=Attachment.Kind.IMAGE
        )
        .select_related("message")
        .order_by("message__created_at", "position")
    )


def case_attachments(*, user, case) -> list[Attachment]:
    """The photos registered with a case, from conversations this user may see."""
    return list(
        Attachment.objects.filter(
            case=case, status=AttachmentStatus.STORED, message__conversation__in=visible_conversations(user)
        )
        .select_related("message")
        .order_by("message__created_at", "position")
    )
