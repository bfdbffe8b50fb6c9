"""Triage on arrival, the agents' decisions on suggestions, and routing. One timeline event each."""

import logging
import threading

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from inbox import deadlines
from inbox.models import Conversation, Event, Team
from inbox.services import ServiceError

from .models import FIELDS, Category, ConversationTriage, MessageType, RoutingRule, TriageDecision
from .suggester.model import MODEL_FILE, WIJKEN, Example, Suggester, Suggestion
from .suggester.text import padded

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict = {}


def base_suggester() -> Suggester:
    """The shipped model (data/model.json), loaded once per process."""
    with _lock:
        if "base" not in _cache:
            _cache["base"] = Suggester.from_file(MODEL_FILE)
        return _cache["base"]


def current_suggester() -> Suggester:
    """The shipped model plus every decision the agents made so far (rebuilt when one is added)."""
    key = tuple(TriageDecision.objects.aggregate(n=Count("pk"), last=Max("pk")).values())
    with _lock:
        if _cache.get("key") == key and "current" in _cache:
            return _cache["current"]
    examples = [
        Example(text=t.text, to=t.to or None, labels=dict(t.decided))
        for t in ConversationTriage.objects.filter(decisions__isnull=False)
        .distinct()
        .only("text", "to", "decided")
    ]
    suggester = base_suggester().with_examples(examples) if examples else base_suggester()
    with _lock:
        _cache["key"], _cache["current"] = key, suggester
    return suggester


def _event(conversation, *, kind, actor=None, **data) -> Event:
    return Event.objects.create(conversation=conversation, actor=actor, kind=kind, data=data)


# --- Routing ------------------------------------------------------------------------------------


def _keyword_matches(keywords: str, text: str) -> bool:
    haystack = padded(text)
    phrases = [padded(k).strip() for k in keywords.split(",")]
    return any(phrase and f" {phrase} " in haystack for phrase in phrases)


def routing_match(
    *, conversation: Conversation, category: str, wijk: str | None, text: str
) -> RoutingRule | None:
    """The first enabled rule, in order, whose filled-in conditions all hold."""
    for rule in RoutingRule.objects.filter(enabled=True).select_related("team").order_by("position", "pk"):
        if rule.account_id and rule.account_id != conversation.account_id:
            continue
        if rule.category and rule.category != category:
            continue
        if rule.wijk and rule.wijk != (wijk or ""):
            continue
        if rule.keyword and not _keyword_matches(rule.keyword, text):
            continue
        return rule
    return None


def default_team(conversation: Conversation) -> Team:
    """Without a matching rule the KCC handles it, whichever account it came in on."""
    return (
        Team.objects.filter(slug="kcc").first()
        or Team.objects.filter(kind=Team.Kind.KCC).order_by("pk").first()
        or conversation.account.team
    )


# --- On arrival ---------------------------------------------------------------------------------


def conversation_triage_on_arrival(*, conversation: Conversation, text: str) -> dict:
    """Suggest type, category, urgent, escalate and wijk for a new conversation and route it.

    Runs inside ingest's transaction, on the conversation it just created (which ingest saves),
    before ingest writes the "conversation started" event: what this returns goes into that
    event's data, so the timeline shows the suggestions and the routing from the first entry.
    An urgent suggestion makes it priority 1 with the short deadline; the agent can undo that.
    """
    to = conversation.account.handle
    try:
        suggestion = current_suggester().suggest(text, to=to)
    except Exception:  # a broken model file must not stop messages from coming in
        logger.exception(
            "Triage failed for conversation %s; it is routed without suggestions", conversation.pk
        )
        suggestion = Suggestion(type="", category="", urgent=False, escalate=False, wijk=None)
    ConversationTriage.objects.create(
        conversation=conversation,
        text=text[:10000],
        to=to[:200],
        suggested=suggestion.as_dict(),
        reasons=suggestion.reasons,
    )
    if suggestion.urgent:
        conversation.priority = 1
        conversation.due_at = deadlines.due_at(conversation.last_message_at, urgent=True)
    rule = routing_match(
        conversation=conversation, category=suggestion.category, wijk=suggestion.wijk, text=text
    )
    conversation.team = rule.team if rule else default_team(conversation)
    conversation.save()
    return {
        "triage": suggestion.as_dict(),
        "routed_to": conversation.team.name,
        "routing_rule": rule.name if rule else "",
    }


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

    The decision is stored as a training example, so later suggestions learn from it. Deciding
    on urgent also sets the conversation's priority and deadline.
    """
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    value = _clean_value(field, value)
    triage = ConversationTriage.objects.select_for_update().filter(conversation=conversation).first()
    if triage is None:
        raise ServiceError(_("This conversation has no triage suggestions."))
    previous = triage.value(field)
    suggested = triage.suggested.get(field)
    corrected = value != previous
    triage.decided = {**triage.decided, field: value}
    triage.save(update_fields=["decided", "updated_at"])
    TriageDecision.objects.create(
        triage=triage, field=field, suggested=suggested, value=value, corrected=value != suggested, actor=user
    )
    if field == "urgent" and bool(conversation.priority > 0) != value:
        conversation.priority = 1 if value else 0
        conversation.due_at = deadlines.due_at(conversation.last_message_at, urgent=value)
    kind = Event.Kind.TRIAGE_CORRECTED if corrected else Event.Kind.TRIAGE_CONFIRMED
    _event(conversation, kind=kind, actor=user, field=field, old=previous, new=value)
    conversation.save()
    return triage
