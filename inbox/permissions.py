"""Who may see and work on which conversations. Views and the API both ask here."""

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Conversation, Role
from .services.base import AlreadyClaimed, NotAllowed
from .workflow import State

WORKING_ROLES = {Role.AGENT, Role.ADVISER, Role.WIJKBUREAU, Role.ADMIN}
SEE_ALL_ROLES = {Role.AGENT, Role.ADVISER, Role.MANAGER, Role.ADMIN}


def roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_webcare_roles"):
        user._webcare_roles = _roles_of(user, user.groups.values_list("name", flat=True))
    return user._webcare_roles


def _roles_of(user, group_names) -> set[str]:
    names = set(group_names)
    if user.is_superuser:
        names.add(Role.ADMIN)
    return names


def roles_known(user, *, group_names, team_ids) -> None:
    """Hand over a user's group names and team ids read with the user (security.backends), so
    `roles` and the team checks need no query of their own."""
    user._webcare_roles = _roles_of(user, group_names)
    user._webcare_team_ids = list(team_ids)


def can_use_inbox(user) -> bool:
    return bool(roles(user))


def can_work(user) -> bool:
    return bool(roles(user) & WORKING_ROLES)


def _team_ids(user) -> list[int]:
    if not hasattr(user, "_webcare_team_ids"):
        user._webcare_team_ids = list(user.teams.values_list("pk", flat=True))
    return user._webcare_team_ids


def visible_conversations(user, queryset: QuerySet | None = None) -> QuerySet:
    """Everything for the KCC, advisers, managers and admins; wijkbureau staff see only their team's."""
    queryset = Conversation.objects.all() if queryset is None else queryset
    teams = visible_teams(user)
    return queryset if teams is None else queryset.filter(team_id__in=teams)


def visible_teams(user) -> list[int] | None:
    """The teams whose conversations the user may see: None for every team (the KCC, advisers,
    managers, admins), their own teams' ids for wijkbureau staff, none without a role."""
    user_roles = roles(user)
    if user_roles & SEE_ALL_ROLES:
        return None
    if Role.WIJKBUREAU in user_roles:
        return _team_ids(user)
    return []


def can_view_conversation(user, conversation: Conversation) -> bool:
    user_roles = roles(user)
    if user_roles & SEE_ALL_ROLES:
        return True
    return Role.WIJKBUREAU in user_roles and conversation.team_id in _team_ids(user)


def can_work_on(user, conversation: Conversation) -> bool:
    return can_work(user) and can_view_conversation(user, conversation)


# --- Escalation -----------------------------------------------------------------------

ESCALATION_VIEW_ROLES = {Role.ADVISER, Role.MANAGER, Role.ADMIN}
ADVISER_ROLES = {Role.ADVISER, Role.ADMIN}


def can_see_escalations(user) -> bool:
    return bool(roles(user) & ESCALATION_VIEW_ROLES)


def can_hand_back(user, conversation: Conversation) -> bool:
    return bool(roles(user) & ADVISER_ROLES) and can_work_on(user, conversation)


def can_view_case(user, case) -> bool:
    """Cases are seen by everyone who sees all conversations; wijkbureau staff only see cases that one
    of their team's conversations is about."""
    user_roles = roles(user)
    if user_roles & SEE_ALL_ROLES:
        return True
    return Role.WIJKBUREAU in user_roles and case.conversations.filter(team_id__in=_team_ids(user)).exists()


# --- The holder rule ----------------------------------------------------------------------------
# Who may act on a conversation (reply, close, release, escalate, forward, hand back, register a
# case) given who holds it. One table, asked by views, the API and every service that acts.


class Holder(models.TextChoices):
    NOBODY = "nobody", "nobody holds it"
    YOU = "you", "you hold it"
    SOMEONE_ELSE = "someone_else", "someone else holds it"


HOLDER_RULE: dict[str, dict[str, bool]] = {
    Role.AGENT: {Holder.NOBODY: True, Holder.YOU: True, Holder.SOMEONE_ELSE: False},
    Role.ADVISER: {Holder.NOBODY: True, Holder.YOU: True, Holder.SOMEONE_ELSE: False},
    Role.WIJKBUREAU: {Holder.NOBODY: True, Holder.YOU: True, Holder.SOMEONE_ELSE: False},
    # A functional admin may step in for a colleague who is away (release, close, forward, ...).
    Role.ADMIN: {Holder.NOBODY: True, Holder.YOU: True, Holder.SOMEONE_ELSE: True},
    # Managers read everything and change nothing.
    Role.MANAGER: {Holder.NOBODY: False, Holder.YOU: False, Holder.SOMEONE_ELSE: False},
}


def holder_state(user, conversation: Conversation) -> str:
    if conversation.assignee_id is None:
        return Holder.NOBODY
    return Holder.YOU if conversation.assignee_id == user.pk else Holder.SOMEONE_ELSE


def holder_allows(user, conversation: Conversation) -> bool:
    """True when one of the user's roles may act on the conversation as it is held now."""
    state = holder_state(user, conversation)
    return any(HOLDER_RULE.get(role, {}).get(state, False) for role in roles(user))


def holder_q(user) -> Q:
    """The holder rule as a filter: the conversations the user's roles may act on as they are held."""
    allowed = {state for role in roles(user) for state, ok in HOLDER_RULE.get(role, {}).items() if ok}
    held = {
        Holder.NOBODY: Q(assignee__isnull=True),
        Holder.YOU: Q(assignee=user.pk),
        Holder.SOMEONE_ELSE: Q(assignee__isnull=False) & ~Q(assignee=user.pk),
    }
    condition = Q(pk__in=[])
    for state in allowed:
        condition |= held[state]
    return condition


# --- Taking over a colleague's claim --------------------------------------------------------------
# Who may become the holder of a conversation a colleague holds, by role and by whether that colleague
# is still at it. "Away": they have not touched it (no event of theirs, no typing) for
# INBOX_CLAIM_AWAY_MINUTES since it became theirs, or their account is switched off. A functional
# admin may step in at any time (as HOLDER_RULE lets them act); colleagues only for someone away,
# and an escalation only among advisers, who are the ones who answer it.


class HolderPresence(models.TextChoices):
    PRESENT = "present", "the holder is at it"
    AWAY = "away", "the holder is away"
    AWAY_ESCALATED = "away_escalated", "an adviser holds an escalation and is away"


TAKE_OVER_RULE: dict[str, dict[str, bool]] = {
    Role.AGENT: {
        HolderPresence.PRESENT: False,
        HolderPresence.AWAY: True,
        HolderPresence.AWAY_ESCALATED: False,
    },
    Role.ADVISER: {
        HolderPresence.PRESENT: False,
        HolderPresence.AWAY: True,
        HolderPresence.AWAY_ESCALATED: True,
    },
    Role.WIJKBUREAU: {
        HolderPresence.PRESENT: False,
        HolderPresence.AWAY: True,
        HolderPresence.AWAY_ESCALATED: False,
    },
    Role.ADMIN: {
        HolderPresence.PRESENT: True,
        HolderPresence.AWAY: True,
        HolderPresence.AWAY_ESCALATED: True,
    },
    Role.MANAGER: {
        HolderPresence.PRESENT: False,
        HolderPresence.AWAY: False,
        HolderPresence.AWAY_ESCALATED: False,
    },
}


def take_over_allows(user, conversation: Conversation, *, holder_away: bool) -> bool:
    """True when one of the user's roles may take the conversation over from the colleague holding it."""
    if holder_state(user, conversation) != Holder.SOMEONE_ELSE or not can_work_on(user, conversation):
        return False
    if not holder_away:
        presence = HolderPresence.PRESENT
    elif conversation.state == State.ESCALATED:
        presence = HolderPresence.AWAY_ESCALATED
    else:
        presence = HolderPresence.AWAY
    return any(TAKE_OVER_RULE.get(role, {}).get(presence, False) for role in roles(user))


def require_holder(user, conversation: Conversation, *, refusal: str) -> None:
    """Refuse unless the holder rule lets `user` act. `refusal` names the holder as %(name)s."""
    if holder_allows(user, conversation):
        return
    if holder_state(user, conversation) == Holder.SOMEONE_ELSE and can_work(user):
        holder = conversation.assignee
        raise AlreadyClaimed(refusal % {"name": holder.get_full_name() or holder.get_username()})
    raise NotAllowed(_("Your role may not work on conversations."))
