"""An agent's decision on a triage suggestion, as the inbox records it: on the timeline, and for
urgent, the conversation's priority and deadline. Triage keeps the decision itself (its own rows)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import deadlines
from ..models import Event
from .base import conversation_lock, event_append


@transaction.atomic
def conversation_triage_decided(
    *, conversation_id: int, user: AbstractBaseUser, field: str, old, new, corrected: bool
) -> Event:
    conversation = conversation_lock(conversation_id)
    if field == "urgent" and bool(conversation.priority > 0) != new:
        conversation.priority = 1 if new else 0
        conversation.due_at = deadlines.due_at(conversation.last_message_at, urgent=new)
    kind = Event.Kind.TRIAGE_CORRECTED if corrected else Event.Kind.TRIAGE_CONFIRMED
    event = event_append(conversation, kind=kind, actor=user, field=field, old=old, new=new)
    conversation.save()
    return event
