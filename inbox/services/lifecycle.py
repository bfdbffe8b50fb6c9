"""Closing and reopening a conversation; closing an answered one records its klantcontact."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines
from ..counting import changes_counted
from ..models import Conversation, Event
from ..permissions import require_holder
from ..workflow import State
from .base import conversation_lock, state_change
from .klantcontact import conversation_klantcontact_record


@transaction.atomic
def conversation_close(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = conversation_lock(conversation_id)
    if conversation.state == State.CLOSED:
        return conversation
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can close it.")
    )
    event = state_change(conversation, State.CLOSED, kind=Event.Kind.CLOSED, actor=user)
    conversation.assignee = None
    conversation.save()
    changes_counted(closed=[event])
    # An answered conversation is a klantcontact in Open Klant: saved here, registered after commit.
    conversation_klantcontact_record(conversation=conversation, user=user)
    return conversation


@transaction.atomic
def conversation_reopen(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = conversation_lock(conversation_id)
    state_change(conversation, State.OPEN, kind=Event.Kind.REOPENED, actor=user)
    conversation.assignee = user
    conversation.due_at = deadlines.due_at(timezone.now(), urgent=conversation.priority > 0)
    conversation.save()
    return conversation
