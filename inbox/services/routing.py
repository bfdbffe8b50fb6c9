"""Re-routing: moving a conversation to the team the routing rules now pick, after an agent corrected
what it is about. Who decides the rules is not the inbox's business (triage asks); where a person
put the conversation (forwarded, escalated, handed back) stays as they left it."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import Event, Team
from ..workflow import State
from .base import conversation_lock, event_append

# Events that mean a person chose the team: the rules no longer move the conversation.
PLACED_BY_HAND = (Event.Kind.FORWARDED, Event.Kind.ESCALATED, Event.Kind.HANDED_BACK)


@transaction.atomic
def conversation_reroute(
    *, conversation_id: int, user: AbstractBaseUser, team_id: int, rule: str = "", because: dict | None = None
) -> Event | None:
    """Move the conversation to `team_id`, recording one "re-routed" event (from and to which team,
    by which rule, because of which correction). Who holds it stays the same.

    Changes nothing and returns None when it is already with that team, is closed or with the
    adviser, or was put where it is by hand.
    """
    conversation = conversation_lock(conversation_id)
    team = Team.objects.get(pk=team_id)
    if team.pk == conversation.team_id or conversation.state in (State.CLOSED, State.ESCALATED):
        return None
    if conversation.events.filter(kind__in=PLACED_BY_HAND).exists():
        return None
    from_team = conversation.team
    conversation.team = team
    event = event_append(
        conversation,
        kind=Event.Kind.REROUTED,
        actor=user,
        from_team=from_team.slug,
        team=team.slug,
        team_name=team.name,
        rule=rule,
        **(because or {}),
    )
    conversation.save()
    return event
