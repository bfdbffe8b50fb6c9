"""Team work around a conversation: internal notes, escalation to the adviser on duty and handing
back with advice, and forwarding to a wijkbureau."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ..incoming import storable_text
from ..models import Event, Team
from ..permissions import require_holder
from ..selectors.teamwork import adviser_on_duty
from ..workflow import State
from .base import ServiceError, conversation_lock, event_append, person_name, state_change
from .notifications import notify

NOTE_MAX_LENGTH = 4000


def _note_text(text: str, empty_message: str) -> str:
    text = storable_text(text or "").strip()[:NOTE_MAX_LENGTH]
    if not text:
        raise ServiceError(empty_message)
    return text


@transaction.atomic
def note_add(*, conversation_id: int, user: AbstractBaseUser, text: str) -> Event:
    """An internal note on the timeline; never sent to the citizen."""
    conversation = conversation_lock(conversation_id)
    text = _note_text(text, _("The note is empty."))
    event = event_append(conversation, kind=Event.Kind.NOTE, actor=user, note=text)
    conversation.save()  # bumps updated_at, so open pages refresh
    return event


@transaction.atomic
def conversation_escalate(*, conversation_id: int, user: AbstractBaseUser, question: str) -> Event:
    """Hand the conversation to the adviser on duty with the agent's question.

    With nobody on duty it goes to the comms team, unassigned, and the event says so.
    """
    conversation = conversation_lock(conversation_id)
    question = _note_text(question, _("Write your question for the adviser."))
    if conversation.state == State.ESCALATED:
        raise ServiceError(_("This conversation is already with the adviser."))
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can escalate it.")
    )
    comms = Team.objects.filter(kind=Team.Kind.COMMS).order_by("pk").first()
    if comms is None:
        raise ServiceError(_("There is no communications team to escalate to."))
    adviser = adviser_on_duty()
    from_team = conversation.team
    conversation.team = comms
    conversation.assignee = adviser
    event = state_change(
        conversation,
        State.ESCALATED,
        kind=Event.Kind.ESCALATED,
        actor=user,
        question=question,
        adviser=adviser.get_username() if adviser else "",
        adviser_name=person_name(adviser) if adviser else "",
        from_team=from_team.slug,
        team=comms.slug,
    )
    conversation.save()
    who = conversation.contact.name or conversation.contact.handle
    if adviser is not None:
        text = _("%(agent)s escalated a conversation with %(who)s to you: %(question)s")
        recipients = [adviser]
    else:
        text = _(
            "Nobody is on duty; %(agent)s escalated a conversation with %(who)s to the team: %(question)s"
        )
        recipients = list(comms.members.filter(is_active=True))
    notify(
        users=recipients,
        conversation=conversation,
        event=event,
        text=text % {"agent": person_name(user), "who": who, "question": question},
        email=True,
    )
    return event


@transaction.atomic
def escalation_hand_back(*, conversation_id: int, user: AbstractBaseUser, advice: str) -> Event:
    """The adviser gives the conversation back to the agent who escalated it, with advice as a note."""
    conversation = conversation_lock(conversation_id)
    advice = _note_text(advice, _("Write your advice for the agent."))
    if conversation.state != State.ESCALATED:
        raise ServiceError(_("This conversation is not with the adviser."))
    require_holder(
        user, conversation, refusal=_("%(name)s is handling this escalation; only they can hand it back.")
    )
    escalation = conversation.events.filter(kind=Event.Kind.ESCALATED).order_by("-created_at", "-pk").first()
    agent = escalation.actor if escalation else None
    back_to = Team.objects.filter(slug=escalation.data.get("from_team", "")).first() if escalation else None
    conversation.team = back_to or conversation.team
    conversation.assignee = agent
    event = state_change(
        conversation,
        State.OPEN,
        kind=Event.Kind.HANDED_BACK,
        actor=user,
        note=advice,
        to=agent.get_username() if agent else "",
        team=conversation.team.slug,
    )
    conversation.save()
    notify(
        users=[agent],
        conversation=conversation,
        event=event,
        text=_("%(adviser)s handed a conversation back to you: %(advice)s")
        % {"adviser": person_name(user), "advice": advice},
        email=True,
    )
    return event


@transaction.atomic
def conversation_forward(*, conversation_id: int, user: AbstractBaseUser, team_id: int, note: str) -> Event:
    """Move the conversation to a wijkbureau's queue, unassigned, with a note for them."""
    conversation = conversation_lock(conversation_id)
    note = _note_text(note, _("Write a note for the wijkbureau."))
    team = Team.objects.filter(pk=team_id, kind=Team.Kind.WIJKBUREAU).first()
    if team is None:
        raise ServiceError(_("Choose a wijkbureau."))
    if conversation.state == State.CLOSED:
        raise ServiceError(_("This conversation is closed; reopen it first."))
    if team.pk == conversation.team_id:
        raise ServiceError(_("This conversation is already with %(team)s.") % {"team": team.name})
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can forward it.")
    )
    from_team = conversation.team
    conversation.team = team
    conversation.assignee = None
    data = {"note": note, "from_team": from_team.slug, "team": team.slug, "team_name": team.name}
    if conversation.state in (State.ESCALATED, State.ANSWERED):
        event = state_change(conversation, State.OPEN, kind=Event.Kind.FORWARDED, actor=user, **data)
    else:
        event = event_append(conversation, kind=Event.Kind.FORWARDED, actor=user, **data)
    conversation.save()
    notify(
        users=list(team.members.filter(is_active=True)),
        conversation=conversation,
        event=event,
        text=_("%(agent)s forwarded a conversation to %(team)s: %(note)s")
        % {"agent": person_name(user), "team": team.name, "note": note},
        email=False,
    )
    return event
