"""Moderation: recording that a public comment was hidden or shown again on the platform."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import Event, Message
from .base import conversation_lock, event_append
from .exposure import exposure_recheck


@transaction.atomic
def comment_hidden_record(*, message_id: int, user: AbstractBaseUser, hidden: bool) -> Message:
    """Record that a comment was hidden (or shown again) on the platform; the call is made first."""
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = conversation_lock(message.conversation_id)
    message.hidden = hidden
    message.save(update_fields=["hidden"])
    event_append(
        conversation,
        kind=Event.Kind.COMMENT_HIDDEN if hidden else Event.Kind.COMMENT_SHOWN,
        actor=user,
        message=message.pk,
        platform_id=message.platform_id,
    )
    exposure_recheck(conversation=conversation)
    conversation.save()
    return message
