"""What the inbox needs to know per platform, registered by channels/ so inbox stays platform-free."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReplyRules:
    max_length: int
    # How the platform counts characters (X weighs URLs and emoji differently).
    count: Callable[[str], int] = len
    # The same rules as data for the reply box's live counter (static/js/inbox.js), if not len().
    client_rules: dict | None = None


DEFAULT_RULES = ReplyRules(max_length=5000)
_rules: dict[str, ReplyRules] = {}


def register_reply_rules(platform: str, rules: ReplyRules) -> None:
    _rules[platform] = rules


def reply_rules(platform: str) -> ReplyRules:
    return _rules.get(platform, DEFAULT_RULES)
