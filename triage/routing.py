"""The routing rules: which team a conversation goes to, given its account, text, category and wijk.

Each process holds the enabled rules and the KCC team until they change: saving or deleting a rule
or a team bumps a version in Django's cache (at once and again after the commit), and a process that
finds another version there reads them again, as it does after HOLD_SECONDS whatever the cache
says (an announcement lost while Redis was away costs a minute at most). Only a cache that every
process shares (Redis) can tell them so; with a process's own (local memory: the embedded default,
whose worker is a process of its own) they are read for every page of arrivals, as when the cache
cannot be reached.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from inbox.arrival import arrival_memo
from inbox.models import Conversation, Team

from .models import RoutingRule
from .suggester.text import padded

VERSION_KEY = "triage:routing-version"
HOLD_SECONDS = 60
# The version the rules were read at, when, and what was read: (version, time, rules, kcc team).
_held: tuple = (None, 0.0, [], None)


def _keyword_matches(keywords: str, text: str) -> bool:
    haystack = padded(text)
    phrases = [padded(k).strip() for k in keywords.split(",")]
    return any(phrase and f" {phrase} " in haystack for phrase in phrases)


def routing_match(
    *, conversation: Conversation, category: str, wijk: str | None, text: str
) -> RoutingRule | None:
    """The first enabled rule, in order, whose filled-in conditions all hold. The rules are read once
    per process until they change (see above)."""
    for rule in _routing_table()[0]:
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


def _routing_table() -> tuple[list[RoutingRule], Team | None]:
    """The enabled rules in order and the KCC team: looked at once per page of arrivals."""
    return arrival_memo("triage.routing", _held_or_read)


def _held_or_read() -> tuple[list[RoutingRule], Team | None]:
    global _held
    if not _cache_shared():
        return _read()
    # A Redis that is away answers None (webcare/env.py, redis_cache): the rules are read.
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    held_version, read_at, rules, kcc = _held
    if version is None or version != held_version or abs(time.time() - read_at) > HOLD_SECONDS:
        # The version is read before the rules: a change committed in between bumps it again.
        rules, kcc = _read()
        _held = (version, time.time(), rules, kcc)
    return rules, kcc


def _read() -> tuple[list[RoutingRule], Team | None]:
    rules = list(RoutingRule.objects.filter(enabled=True).select_related("team").order_by("position", "pk"))
    kcc = (
        Team.objects.filter(slug="kcc").first()
        or Team.objects.filter(kind=Team.Kind.KCC).order_by("pk").first()
    )
    return rules, kcc


def _cache_shared() -> bool:
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def routing_changed(**_signal) -> None:
    """A rule or a team was saved or deleted: every process reads the rules again, now (for what
    this transaction still does) and after the commit (what another process read in between)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def default_team(conversation: Conversation) -> Team:
    """Without a matching rule the KCC handles it, whichever account it came in on."""
    return _routing_table()[1] or conversation.account.team


def routed_team(
    *, conversation: Conversation, category: str, wijk: str | None, text: str
) -> tuple[Team, RoutingRule | None]:
    rule = routing_match(conversation=conversation, category=category, wijk=wijk, text=text)
    return (rule.team if rule else default_team(conversation)), rule
