"""The one small interface every platform adapter implements, and the faults it may raise."""

import datetime as dt
from collections.abc import Iterator
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
    """One page of a poll: its items and the cursor that lets the next poll continue after it."""

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

    def fetch_pages(self, cursor: str) -> Iterator[FetchResult]:
        """New items since `cursor`, a page at a time as they arrive from the platform.

        Each page's cursor covers that page and every one before it: stored with the page's items,
        it makes the next poll continue after that page, so a poll that fails half-way keeps what
        it fetched. Only the last page's cursor moves past the whole walk.
        """
        raise NotImplementedError

    def fetch(self, cursor: str) -> FetchResult:
        """Every page of one poll at once (for scripts and tests): all items, the last cursor."""
        items, last, warnings = [], FetchResult([], cursor), []
        for page in self.fetch_pages(cursor):
            items += page.items
            last = page
            warnings += [page.warning] if page.warning else []
        return FetchResult(items=items, cursor=last.cursor, warning=" ".join(warnings))

    def send_reply(self, reply: OutgoingReply) -> str:
        """Post the reply; return the platform id of what was posted."""
        raise NotImplementedError
