"""What the inbox needs to know per platform, registered by channels/ so inbox stays platform-free."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReplyRules:
    max_length: int
    # How the platform counts characters (X weighs URLs and emoji differently).
    count: Callable[[str], int] = len
    # The same rules as data for the reply box's live counter (static/js/inbox.js), if not len().
    client_rules: dict | None = None
    # Why a reply cannot be sent in a conversation right now ("" when it can), e.g. Messenger's
    # 24-hour window. Called with the conversation; shown in the reply box and enforced on queueing.
    refusal: Callable[[Any], str] | None = None
    # The platform id of the public comment a private reply would answer ("" when none may be sent),
    # e.g. Facebook's private reply to a comment within 7 days.
    private_reply: Callable[[Any], str] | None = None
    # The platform refuses a post identical to one the account made recently (X does), so one text
    # cannot answer several of its threads.
    refuses_duplicates: bool = False

    def refusal_for(self, conversation) -> str:
        return self.refusal(conversation) if self.refusal else ""

    def private_reply_target(self, conversation) -> str:
        return self.private_reply(conversation) if self.private_reply else ""


DEFAULT_RULES = ReplyRules(max_length=5000)
_rules: dict[str, ReplyRules] = {}


def register_reply_rules(platform: str, rules: ReplyRules) -> None:
    _rules[platform] = rules


def reply_rules(platform: str) -> ReplyRules:
    return _rules.get(platform, DEFAULT_RULES)


class PlatformRefused(Exception):
    """A platform call made for the inbox failed; the message is fit to show the agent."""


@dataclass(frozen=True)
class CommentModeration:
    """Hiding a public comment on the platform: which message kinds can be hidden, and how.

    `set_hidden(account, platform_id, hidden)` makes the platform call and raises
    PlatformRefused on failure.
    """

    kinds: frozenset[str]
    set_hidden: Callable[[Any, str, bool], None]


_moderation: dict[str, CommentModeration] = {}


def register_comment_moderation(platform: str, moderation: CommentModeration) -> None:
    _moderation[platform] = moderation


def comment_moderation(platform: str) -> CommentModeration | None:
    return _moderation.get(platform)
