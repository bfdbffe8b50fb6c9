"""What the inbox needs to know per platform, registered by channels/ so inbox stays platform-free."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReplyRules:
    max_length: int
    # How the platform counts characters (X weighs URLs and emoji differently).
    count: Callable[[str], int] = len
    # Why a reply cannot be sent in a conversation right now ("" when it can), e.g. Messenger's
    # 24-hour window. Called with the conversation; shown in the reply box and enforced on queueing.
    refusal: Callable[[Any], str] | None = None

    def refusal_for(self, conversation) -> str:
        return self.refusal(conversation) if self.refusal else ""


DEFAULT_RULES = ReplyRules(max_length=5000)
_rules: dict[str, ReplyRules] = {}


def register_reply_rules(platform: str, rules: ReplyRules) -> None:
    _rules[platform] = rules


def reply_rules(platform: str) -> ReplyRules:
    return _rules.get(platform, DEFAULT_RULES)


# Comment moderation (hide/unhide), registered by channels/ for platforms that have it.
# Called with (account, platform id of the comment, hidden); raises on failure with a message.
_comment_hiders: dict[str, Callable[[Any, str, bool], None]] = {}


def register_comment_hider(platform: str, hider: Callable[[Any, str, bool], None]) -> None:
    _comment_hiders[platform] = hider


def comment_hider(platform: str) -> Callable[[Any, str, bool], None] | None:
    return _comment_hiders.get(platform)
