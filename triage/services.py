"""Triage on arrival, the agents' decisions on suggestions, and routing. One timeline event each."""

import logging
import threading

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from inbox.arrival import ArrivalDecision, arrival_memo
from inbox.models import Conversation, Team
from inbox.services.base import ServiceError
from inbox.services.suggestions import conversation_triage_decided

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


# --- Routing ------------------------------------------------------------------------------------


def _keyword_matches(keywords: str, text: str) -> bool:
    haystack = padded(text)
    phrases = [padded(k).strip() for k in keywords.split(",")]
    return any(phrase and f" {phrase} " in haystack for phrase in phrases)


def routing_match(
    *, conversation: Conversation, category: str, wijk: str | None, text: str
) -> RoutingRule | None:
    """The first enabled rule, in order, whose filled-in conditions all hold. The rules are read once
    per page of arrivals (inbox's arrival memo), afresh for the next page."""
    for rule in arrival_memo("triage.routing_rules", _enabled_rules):
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


def _enabled_rules() -> list[RoutingRule]:
    return list(RoutingRule.objects.filter(enabled=True).select_related("team").order_by("position", "pk"))


def _kcc_team() -> Team | None:
    return (
        Team.objects.filter(slug="kcc").first()
        or Team.objects.filter(kind=Team.Kind.KCC).order_by("pk").first()
    )


def default_team(conversation: Conversation) -> Team:
    """Without a matching rule the KCC handles it, whichever account it came in on."""
    return arrival_memo("triage.kcc_team", _kcc_team) or conversation.account.team


# --- On arrival ---------------------------------------------------------------------------------


def conversation_triage_on_arrival(
    conversation: Conversation, text: str, *, rows: list | None = None
) -> ArrivalDecision:
    """Inbox's arrival hook: suggest type, category, urgent, escalate and wijk for a new conversation
    and pick its team by the routing rules.

    Runs inside ingest's transaction on the conversation it just created. Triage keeps its own
    row (the suggestions; added to `rows` instead of saved, when given); inbox applies the decision
    (an urgent one gets priority 1 and the short deadline, the agent can undo that) and puts it in
    the "conversation started" event's data, so the timeline shows the suggestions and the routing
    from the first entry.
    """
    to = conversation.account.handle
    try:
        suggestion = arrival_memo("triage.suggester", current_suggester).suggest(text, to=to)
    except Exception:  # a broken model file must not stop messages from coming in
        logger.exception(
            "Triage failed for conversation %s; it is routed without suggestions", conversation.pk
        )
        suggestion = Suggestion(type="", category="", urgent=False, escalate=False, wijk=None)
    triage = ConversationTriage(
        conversation=conversation,
        text=text[:10000],
        to=to[:200],
        suggested=suggestion.as_dict(),
        reasons=suggestion.reasons,
    )
    triage.save() if rows is None else rows.append(triage)
    rule = routing_match(
        conversation=conversation, category=suggestion.category, wijk=suggestion.wijk, text=text
    )
    team = rule.team if rule else default_team(conversation)
    return ArrivalDecision(
        urgent=suggestion.urgent,
        team=team,
        event_data={
            "triage": suggestion.as_dict(),
            "routed_to": team.name,
            "routing_rule": rule.name if rule else "",
        },
    )


def conversations_triage_on_arrival(arrivals) -> list[ArrivalDecision]:
    """The arrival hook for a page of new conversations at once: the same decisions, the triage rows
    inserted together (inbox calls it with the page's (conversation, text) pairs)."""
    rows: list[ConversationTriage] = []
    decisions = [conversation_triage_on_arrival(c, text, rows=rows) for c, text in arrivals]
    ConversationTriage.objects.bulk_create(rows)
    return decisions


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

    The decision is stored as a training example, so later suggestions learn from it. The inbox
    records it on the timeline (and, for urgent, sets the conversation's priority and deadline).
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
    return triage
