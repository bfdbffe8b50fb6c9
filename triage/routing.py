"""The routing rules: which team a conversation goes to, given its account, text, category and wijk."""

from inbox.arrival import arrival_memo
from inbox.models import Conversation, Team

from .models import RoutingRule
from .suggester.text import padded


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


def routed_team(
    *, conversation: Conversation, category: str, wijk: str | None, text: str
) -> tuple[Team, RoutingRule | None]:
    rule = routing_match(conversation=conversation, category=category, wijk=wijk, text=text)
    return (rule.team if rule else default_team(conversation)), rule
