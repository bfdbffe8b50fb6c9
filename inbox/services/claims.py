"""Claiming: one person at a time works a conversation; "take next" is safe under concurrency; the
holder hands it to a colleague, and a colleague takes over from someone who is away."""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..models import QUEUE_ORDER, Conversation, Event
from ..permissions import can_work_on, require_holder, take_over_allows, visible_teams
from ..selectors.conversation import holder_is_away
from ..workflow import TAKE_NEXT_STATES, State
from .base import (
    AlreadyClaimed,
    NotAllowed,
    ServiceError,
    conversation_lock,
    event_append,
    person_name,
    state_change,
)
from .notifications import notify

# What a claim changes (it moves a conversation from new or open, never from closed).
CLAIM_FIELDS = ("assignee", "state", "last_activity_at", "updated_at")


@transaction.atomic
def conversation_claim(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    """Become the one working on the conversation; refused while someone else holds it."""
    return _claim_locked(conversation_lock(conversation_id), user)


def _claim_locked(conversation: Conversation, user: AbstractBaseUser) -> Conversation:
    """Claim a conversation this transaction has locked."""
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
    conversation.save(update_fields=CLAIM_FIELDS)
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
def conversation_take_next(*, user: AbstractBaseUser) -> Conversation | None:
    """Claim the most urgent unassigned conversation the user may see.

    Rows another agent is taking right now are skipped rather than waited for, so two agents
    pressing "take next" at once never get the same conversation. PostgreSQL walks the free index
    and locks the first row it can: nothing is sorted while locking, and claimed rows leave the index.
    The row is read whole as it is locked: a claim is one read, one insert and one update.
    """
    teams = visible_teams(user)
    if teams == []:
        return None
    sql, params = _next_free_statement(None if teams is None else tuple(sorted(teams)))
    conversation = next(iter(Conversation.objects.raw(sql, params)), None)
    if conversation is None:
        return None
    return _claim_locked(conversation, user)


@lru_cache(maxsize=256)
def _next_free_statement(teams: tuple[int, ...] | None) -> tuple[str, tuple]:
    """The statement that locks the next free conversation of these teams (of all without), compiled
    once per process: building and compiling the query took as long as running it, and with twenty
    agents pressing "take next" at once it was the interpreter they queued for (ADR 0014)."""
    candidates = (
        Conversation.objects.all() if teams is None else Conversation.objects.filter(team_id__in=teams)
    )
    locked = free_in_queue_order(candidates).select_for_update(skip_locked=True, of=("self",))[:1]
    return locked.query.sql_with_params()


@transaction.atomic
def conversation_assign(*, conversation_id: int, user: AbstractBaseUser, assignee_id: int) -> Conversation:
    """Hand the conversation to a colleague who may work on it: by whoever the holder rule lets act
    (the holder, anyone while nobody holds it, an admin). The colleague is told."""
    conversation = conversation_lock(conversation_id)
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can hand it over.")
    )
    assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None or not can_work_on(assignee, conversation):
        raise ServiceError(_("Choose a colleague who may work on this conversation."))
    if assignee.pk == conversation.assignee_id:
        raise ServiceError(
            _("%(name)s is already working on this conversation.") % {"name": person_name(assignee)}
        )
    previous = conversation.assignee
    conversation.assignee = assignee
    data = {"to": assignee.get_username(), "to_name": person_name(assignee)}
    if previous is not None:
        data.update({"previous": previous.get_username(), "previous_name": person_name(previous)})
    if conversation.state == State.NEW:
        event = state_change(conversation, State.OPEN, kind=Event.Kind.ASSIGNED, actor=user, **data)
    else:
        event = event_append(conversation, kind=Event.Kind.ASSIGNED, actor=user, **data)
    conversation.save()
    if assignee.pk != user.pk:
        who = conversation.contact.name or conversation.contact.handle
        notify(
            users=[assignee],
            conversation=conversation,
            event=event,
            text=_("%(name)s handed you a conversation with %(who)s.")
            % {"name": person_name(user), "who": who},
            email=False,
        )
    return conversation


@transaction.atomic
def conversation_take_over(*, conversation_id: int, user: AbstractBaseUser) -> Conversation:
    """Become the holder of a conversation a colleague holds, where TAKE_OVER_RULE allows it (they are
    away, or an admin steps in). The colleague is told; the timeline says from whom."""
    conversation = conversation_lock(conversation_id)
    if conversation.assignee_id is None or conversation.assignee_id == user.pk:
        raise ServiceError(_("Nobody else is working on this conversation; claim it instead."))
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    previous = conversation.assignee
    away = holder_is_away(conversation)
    if not take_over_allows(user, conversation, holder_away=away):
        if not can_work_on(user, conversation):
            raise NotAllowed(_("Your role may not work on conversations."))
        raise AlreadyClaimed(
            _("%(name)s is still working on this conversation; ask them to hand it over.")
            % {"name": person_name(previous)}
        )
    conversation.assignee = user
    event = event_append(
        conversation,
        kind=Event.Kind.TAKEN_OVER,
        actor=user,
        previous=previous.get_username(),
        previous_name=person_name(previous),
        away=away,
    )
    conversation.save()
    notify(
        users=[previous],
        conversation=conversation,
        event=event,
        text=_("%(name)s took over a conversation you were working on.") % {"name": person_name(user)},
        email=False,
    )
    return conversation
