"""The one small interface every platform adapter implements, and the faults it may raise."""

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings

from inbox.incoming import IncomingMessage
from inbox.models import Account
from inbox.platforms import ReplyRules

__all__ = [
    "Adapter",
    "AuthFailed",
    "ChannelError",
    "FetchResult",
    "IncomingMessage",
    "OutcomeUnknown",
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


class OutcomeUnknown(ChannelError):
    """A write reached the platform, but what it did is not known (a read timeout, a 5xx, a dropped
    connection, an answer without an id): it may have been posted. Never retried; looked up with
    `find_sent` instead. Not a TransientError on purpose: whoever retries those must not retry this."""


_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


def comparable_text(text: str) -> str:
    """A text as platforms hand it back, made comparable to what we sent: HTML entities decoded
    (X sends &amp;), links reduced to a marker (X shortens them to t.co), the @names X puts in
    front of a reply dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", html.unescape(text or ""))
    text = _URL.sub("<link>", text)
    text = " ".join(text.split())
    return _LEADING_MENTIONS.sub("", text)


def same_text(ours: str, theirs: str) -> bool:
    return comparable_text(ours) == comparable_text(theirs)


class Adapter:
    platform: ClassVar[str]
    reply_rules: ClassVar[ReplyRules]
    # How long after a write the platform's own reads may still not show it. A reply whose outcome
    # is unknown counts as not posted only when a lookup after this long does not find it.
    # INBOX_RECONCILE_AFTER_SECONDS overrides it (for all platforms, or per platform).
    default_read_delay: ClassVar[dt.timedelta] = dt.timedelta(seconds=60)

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

    @property
    def read_delay(self) -> dt.timedelta:
        delays = settings.INBOX_RECONCILE_AFTER_SECONDS
        seconds = delays.get(self.platform, delays.get("*"))
        return self.default_read_delay if seconds is None else dt.timedelta(seconds=seconds)
    def fetch(self, cursor: str) -> FetchResult:
        """Every page of one poll at once (for scripts and tests): all items, the last cursor."""
        items, last, warnings = [], FetchResult([], cursor), []
        for page in self.fetch_pages(cursor):
            items += page.items
            last = page
            warnings += [page.warning] if page.warning else []
        return FetchResult(items=items, cursor=last.cursor, warning=" ".join(warnings))

    def send_reply(self, reply: OutgoingReply) -> str:
        """Post the reply; return the platform id of what was posted.

        Raises OutcomeUnknown when the request may have been carried out (never a TransientError
        then), TransientError or RateLimited only when it certainly was not."""
        raise NotImplementedError

    def find_sent(self, reply: OutgoingReply, *, since: dt.datetime, exclude: frozenset[str]) -> str | None:
        """The platform id of this reply if the account posted it since `since`, else None.

        Looks at what the account itself posted (same text, same target); ids in `exclude` belong
        to other replies of ours and never match. Raises a ChannelError when it could not look."""
        raise NotImplementedError
