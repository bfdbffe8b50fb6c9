"""Triage on arrival, the agents' decisions on suggestions, and routing. One timeline event each."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from inbox.arrival import ArrivalDecision
from inbox.models import Conversation
from inbox.services.base import ServiceError
from inbox.services.routing import conversation_reroute
from inbox.services.suggestions import conversation_triage_decided

from . import learning
from .models import FIELDS, Category, ConversationTriage, MessageType, TriageDecision
from .routing import routed_team
from .suggester.model import WIJKEN, Suggestion

logger = logging.getLogger(__name__)
# A correction of these re-routes the conversation by the routing rules.
ROUTING_FIELDS = ("category", "wijk")


def routing_values(current: dict, uncertain: list) -> tuple[str, str | None]:
    """The category and wijk routing acts on: a guess the suggester was unsure of counts as unknown."""
    category = current.get("category") or ""
    return ("" if "category" in uncertain else category), current.get("wijk")


# --- On arrival ---------------------------------------------------------------------------------


def conversation_triage_on_arrival(conversation: Conversation, text: str) -> ArrivalDecision:
    """Inbox's arrival hook: suggest type, category, urgent, escalate and wijk for a new conversation
    and pick its team by the routing rules.

    Runs inside ingest's transaction on the conversation it just created. Triage keeps its own
    row (the suggestions); inbox applies the decision (an urgent one gets priority 1 and the short
    deadline, the agent can undo that) and puts it in the "conversation started" event's data, so
    the timeline shows the suggestions and the routing from the first entry.
    """
    return conversations_triage_on_arrival([(conversation, text)])[0]


def conversations_triage_on_arrival(arrivals) -> list[ArrivalDecision]:
    """The arrival hook for a page of new conversations at once (inbox calls it with the page's
    (conversation, text) pairs): the same decisions as one at a time, the texts of each account
    suggested for together. The triage rows go back with the decisions: ingest inserts them with
    the page's conversations (which have no id yet)."""
    suggestions = _suggestions(arrivals)
    rows = [
        ConversationTriage(
            conversation=conversation,
            text=text[:10000],
            to=conversation.account.handle[:200],
            suggested=suggestion.as_dict(),
            reasons=suggestion.reasons,
        )
        for (conversation, text), suggestion in zip(arrivals, suggestions, strict=True)
    ]
    return [
        _decision(conversation, text, suggestion, row)
        for (conversation, text), suggestion, row in zip(arrivals, suggestions, rows, strict=True)
    ]


_NONE = Suggestion(type="", category="", urgent=False, escalate=False, wijk=None)


def _suggestions(arrivals) -> list[Suggestion]:
    """A suggestion per arrival; the texts addressed to one account in one call of the model."""
    by_to: dict[str, list[int]] = {}
    for i, (conversation, _text) in enumerate(arrivals):
        by_to.setdefault(conversation.account.handle, []).append(i)
    found: list[Suggestion] = [_NONE] * len(arrivals)
    for to, indices in by_to.items():
        try:
            suggester = learning.current_suggester()
            many = suggester.suggest_many([arrivals[i][1] for i in indices], to=to)
        except Exception:
            # One text the model chokes on must not cost the others their suggestions: one at a time.
            many = [_suggestion_or_none(arrivals[i][0], arrivals[i][1], to) for i in indices]
        for i, suggestion in zip(indices, many, strict=True):
            found[i] = suggestion
    return found


def _suggestion_or_none(conversation: Conversation, text: str, to: str) -> Suggestion:
    try:
        return learning.current_suggester().suggest(text, to=to)
    except Exception:  # a broken model file must not stop messages from coming in
        logger.exception(
            "Triage failed for a new conversation in thread %s; it is routed without suggestions",
            conversation.thread_key,
        )
        return _NONE


def _decision(
    conversation: Conversation, text: str, suggestion: Suggestion, row: ConversationTriage
) -> ArrivalDecision:
    category, wijk = routing_values(suggestion.as_dict(), suggestion.reasons.get("uncertain", []))
    team, rule = routed_team(conversation=conversation, category=category, wijk=wijk, text=text)
    return ArrivalDecision(
        urgent=suggestion.urgent,
        team=team,
        event_data={
            "triage": suggestion.as_dict(),
            "routed_to": team.name,
            "routing_rule": rule.name if rule else "",
        },
        rows=(row,),
    )


# --- Agents' decisions --------------------------------------------------------------------------


def field_choices(field: str) -> list[tuple]:
    if field == "type":
        return list(MessageType.choices)
    if field == "category":
        return list(Category.choices)
    if field == "wijk":
        return [("", _("None / unknown")), *[(w, w) for w in WIJKEN]]
    return [(True, _("Yes")), (False, _("No"))]


def _clean_value(field: str, value):
    if field not in FIELDS:
        raise ServiceError(_("Unknown triage field."))
    if field in ("urgent", "escalate"):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ServiceError(_("Choose yes or no."))
    value = "" if value is None else str(value)
    allowed = [str(code) for code, _label in field_choices(field)]
    if value not in allowed:
        raise ServiceError(_("That is not one of the choices."))
    return (value or None) if field == "wijk" else value


@transaction.atomic
def triage_decide(*, conversation_id: int, user: AbstractBaseUser, field: str, value) -> ConversationTriage:
    """Confirm (same value) or correct (another value) one suggested field.

    The decision is stored as a training example (the nightly retraining learns from it). The inbox
    records it on the timeline (and, for urgent, sets the conversation's priority and deadline). A
    changed category or wijk re-routes the conversation by the routing rules, unless a person put it
    where it is (the inbox decides that, and records the move).
    """
    value = _clean_value(field, value)
    triage = ConversationTriage.objects.select_for_update().filter(conversation_id=conversation_id).first()
    if triage is None:
        raise ServiceError(_("This conversation has no triage suggestions."))
    previous = triage.value(field)
    suggested = triage.suggested.get(field)
    triage.decided = {**triage.decided, field: value}
    triage.save(update_fields=["decided", "updated_at"])
    TriageDecision.objects.create(
        triage=triage, field=field, suggested=suggested, value=value, corrected=value != suggested, actor=user
    )
    conversation_triage_decided(
        conversation_id=conversation_id,
        user=user,
        field=field,
        old=previous,
        new=value,
        corrected=value != previous,
    )
    if field in ROUTING_FIELDS and value != previous:
        category, wijk = routing_values(
            triage.current, [f for f in triage.reasons.get("uncertain", []) if f not in triage.decided]
        )
        conversation = Conversation.objects.select_related("account").get(pk=conversation_id)
        team, rule = routed_team(conversation=conversation, category=category, wijk=wijk, text=triage.text)
        conversation_reroute(
            conversation_id=conversation_id,
            user=user,
            team_id=team.pk,
            rule=rule.name if rule else "",
            because={"field": field, "old": previous, "new": value},
        )
    return triage
