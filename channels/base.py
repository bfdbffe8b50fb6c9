"""The one small interface every platform adapter implements, and the faults it may raise."""

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from inbox.incoming import IncomingMessage
from inbox.models import Account
from inbox.platforms import ReplyRules

__all__ = [
    "Adapter",
    "AuthFailed",
    "ChannelError",
    "FetchResult",
    "IncomingMessage",
    "OutgoingReply",
    "RateLimited",
    "ReplyRejected",
    "TransientError",
]


@dataclass(frozen=True)
class FetchResult:
    items: list[IncomingMessage]
    cursor: str
    # Something an admin should know about this poll (a gap in what the platform returns, say).
    warning: str = ""


@dataclass(frozen=True)
class OutgoingReply:
    text: str
    in_reply_to: str  # platform id of the message being answered
    thread_key: str
    is_private: bool
    recipient_id: str  # the contact's platform user id
    kind: str = ""  # "private_reply": a private message answering the public comment in_reply_to


class ChannelError(Exception):
    """A platform fault. Subclasses tell the poller and the sender what to do next."""


class TransientError(ChannelError):
    """5xx, timeouts, connection errors: retry later with backoff."""


class RateLimited(ChannelError):
    def __init__(self, message: str, retry_at: dt.datetime):
        super().__init__(message)
        self.retry_at = retry_at


class AuthFailed(ChannelError):
    """Expired or revoked credentials: stop until an admin reconnects the account."""


class ReplyRejected(ChannelError):
    """The platform refused this reply for good (too long, deleted tweet, closed window...)."""


class Adapter:
    platform: ClassVar[str]
    reply_rules: ClassVar[ReplyRules]

    def __init__(self, account: Account):
        self.account = account

    @property
    def slow_down_until(self) -> dt.datetime | None:
        """After a fetch: when the platform's usage is near its limit, the time to poll again."""
        return None

    def fetch(self, cursor: str) -> FetchResult:
        """New items since `cursor`, oldest first, and the cursor to store with them."""
        raise NotImplementedError

    def send_reply(self, reply: OutgoingReply) -> str:
        """Post the reply; return the platform id of what was posted."""
        raise NotImplementedError
