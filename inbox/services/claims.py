"""Claiming: one person at a time works a conversation; "take next" is safe under concurrency."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..models import QUEUE_ORDER, Conversation, Event
from ..permissions import require_holder
from ..workflow import TAKE_NEXT_STATES, State
from .base import AlreadyClaimed, ServiceError, conversation_lock, event_append, person_name, state_change


@transaction.atomic
def conversation_claim(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    """Become the one working on the conversation; refused while someone else holds it."""
    conversation = conversation_lock(conversation_id)
    if conversation.assignee_id == user.pk:
        return conversation
    require_holder(user, conversation, refusal=_("%(name)s is already working on this conversation."))
    if conversation.assignee_id is not None:
        # Claiming is for what nobody holds, whoever asks; handing over is another step.
        raise AlreadyClaimed(
            _("%(name)s is already working on this conversation.")
            % {"name": person_name(conversation.assignee)}
        )
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    conversation.assignee = user
    if conversation.state == State.NEW:
        state_change(conversation, State.OPEN, kind=Event.Kind.CLAIMED, actor=user)
    else:
        event_append(conversation, kind=Event.Kind.CLAIMED, actor=user)
    conversation.save()
    return conversation


@transaction.atomic
def conversation_release(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    conversation = conversation_lock(conversation_id)
    if conversation.assignee_id is None:
        return conversation
    require_holder(
        user, conversation, refusal=_("Only the person working on this conversation can release it.")
    )
    previous = conversation.assignee.get_username()
    conversation.assignee = None
    event_append(conversation, kind=Event.Kind.RELEASED, actor=user, previous=previous)
    conversation.save()
    return conversation


def free_in_queue_order(candidates: QuerySet) -> QuerySet:
    """What "take next" may hand out of `candidates`, in queue order: exactly the condition and the
    order of the partial index `conv_queue_free_idx`, so reading it is walking that index."""
    return candidates.filter(assignee__isnull=True, state__in=TAKE_NEXT_STATES).order_by(*QUEUE_ORDER)


@transaction.atomic
def conversation_take_next(*, user: AbstractBaseUser, candidates: QuerySet) -> Conversation | None:
    """Claim the most urgent unassigned conversation of `candidates` (a queryset the user may see).

    Rows another agent is taking right now are skipped rather than waited for, so two agents
    pressing "take next" at once never get the same conversation. PostgreSQL walks the free index
    and locks the first row it can: nothing is sorted while locking, and claimed rows leave the index.
    """
    conversation = (
        free_in_queue_order(candidates).select_for_update(skip_locked=True, of=("self",)).only("pk").first()
    )
    if conversation is None:
        return None
    return conversation_claim(conversation_id=conversation.pk, user=user)
