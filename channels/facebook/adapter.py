"""The Facebook page adapter: polls feed, comments and Messenger since a cursor; sends replies.

Polling is the catch-up path next to the webhook: it looks back over recent posts for new
comments, so a missed webhook delivery loses nothing (ingest skips what it already has).

Account: ``handle`` is the page id; credentials hold ``page_token`` (and ``app_secret``,
``verify_token`` for the webhook). Config (optional): ``lookback_days`` (default 7),
``max_pages`` per listing and poll (default 10).
"""

import datetime as dt
import json
import logging

from django.utils import timezone

from inbox.platforms import ReplyRules

from ..base import (
    Adapter,
    AuthFailed,
    FetchResult,
    IncomingMessage,
    OutcomeUnknown,
    OutgoingReply,
    ReplyRejected,
)
from . import items as parse
from . import lookup
from .client import GraphClient
from .rules import MESSENGER_MAX_LENGTH, private_reply_target, reply_refusal

logger = logging.getLogger(__name__)

POST_FIELDS = "id,message,created_time,updated_time,from{id,name}"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},is_hidden"
CONVERSATION_FIELDS = (
    "id,updated_time,participants,messages.limit(50){id,message,created_time,from{id,name},to}"
)
PAGE_SIZE = 25
# Items of the last minute are fetched again next time: ingest de-duplicates, clocks differ.
OVERLAP = dt.timedelta(minutes=1)


class FacebookAdapter(Adapter):
    platform = "facebook"
    reply_rules = ReplyRules(
        max_length=MESSENGER_MAX_LENGTH, refusal=reply_refusal, private_reply=private_reply_target
    )
    # Graph's listings can lag behind a write by a while (conversations more than comments).
    default_read_delay = dt.timedelta(seconds=120)

    def __init__(self, account):
        super().__init__(account)
        token = (account.credentials or {}).get("page_token", "")
        if not token:
            raise AuthFailed("No page token stored for this account; connect it again.")
        self.client = GraphClient(token)
        self.page_id = account.handle
        config = account.config or {}
        self.lookback = dt.timedelta(days=int(config.get("lookback_days", 7)))
        self.max_pages = int(config.get("max_pages", 10))

    @property
    def slow_down_until(self) -> dt.datetime | None:
        return self.client.slow_down_until()

    # --- Reading ------------------------------------------------------------------------------

    def fetch(self, cursor: str) -> FetchResult:
        started = timezone.now()
        since = self._since(cursor) or started - self.lookback
        items: list[IncomingMessage] = []
        items += self._feed(since)
        items += self._messenger(since)
        items.sort(key=lambda item: item.created_at)
        next_since = int((started - OVERLAP).timestamp())
        return FetchResult(items=items, cursor=json.dumps({"since": next_since}))

    @staticmethod
    def _since(cursor: str) -> dt.datetime | None:
        try:
            return dt.datetime.fromtimestamp(int(json.loads(cursor)["since"]), tz=dt.UTC)
        except (ValueError, TypeError, KeyError):
            return None

    def _pages(self, path: str, **params):
        """Each page of a Graph listing, following the `after` cursor while `next` is given."""
        params = {"limit": PAGE_SIZE, **params}
        for _ in range(self.max_pages):
            page = self.client.get(path, **params)
            data = page.get("data")
            if not isinstance(data, list):
                logger.warning("Graph listing %s without data skipped", path.split("/")[-1])
                return
            yield data
            paging = page.get("paging") if isinstance(page.get("paging"), dict) else {}
            after = (
                (paging.get("cursors") or {}).get("after")
                if isinstance(paging.get("cursors"), dict)
                else None
            )
            if not paging.get("next") or not after:
                return
            params = {**params, "after": after}

    def _feed(self, since: dt.datetime) -> list[IncomingMessage]:
        found: list[IncomingMessage] = []
        # Posts of the look-back window: new comments come under old posts too.
        post_since = int(min(since, timezone.now() - self.lookback).timestamp())
        for posts in self._pages(f"{self.page_id}/feed", fields=POST_FIELDS, since=post_since):
            for post in posts:
                if not isinstance(post, dict) or not post.get("id"):
                    parse._skip("post", post)
                    continue
                visitor = parse.visitor_post(self.page_id, post)
                if visitor and visitor.created_at >= since:
                    found.append(visitor)
                found += self._comments(str(post["id"]), visitor is not None, since)
        return found

    def _comments(self, post_id: str, on_visitor_post: bool, since: dt.datetime) -> list[IncomingMessage]:
        found = []
        params = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "chronological",
            "since": int(since.timestamp()),
        }
        for comments in self._pages(f"{post_id}/comments", **params):
            for item in comments:
                if on_visitor_post:
                    thread_key = f"post:{post_id}"
                elif isinstance(item, dict) and item.get("id"):
                    parent = item.get("parent") if isinstance(item.get("parent"), dict) else {}
                    thread_key = f"comment:{parent.get('id') or item['id']}"
                else:
                    parse._skip("comment", item)
                    continue
                message = parse.comment(self.page_id, post_id, item, thread_key=thread_key)
                if message:
                    found.append(message)
        return found

    def _messenger(self, since: dt.datetime) -> list[IncomingMessage]:
        found = []
        listing = self._pages(
            f"{self.page_id}/conversations", platform="messenger", fields=CONVERSATION_FIELDS
        )
        for conversations in listing:
            for conversation in conversations:
                updated = (
                    parse.parse_time(conversation.get("updated_time"))
                    if isinstance(conversation, dict)
                    else None
                )
                if updated is not None and updated < since:
                    return found  # newest first: the rest is older
                psid = self._citizen(conversation)
                messages = conversation.get("messages") if isinstance(conversation, dict) else None
                data = messages.get("data") if isinstance(messages, dict) else None
                if not psid or not isinstance(data, list):
                    parse._skip("Messenger conversation", conversation)
                    continue
                for item in data:
                    message = parse.messenger_message(self.page_id, psid, item)
                    if message and message.created_at >= since:
                        found.append(message)
        return found

    def _citizen(self, conversation) -> str:
        if not isinstance(conversation, dict):
            return ""
        participants = conversation.get("participants")
        people = participants.get("data") if isinstance(participants, dict) else None
        for person in people if isinstance(people, list) else []:
            if isinstance(person, dict) and person.get("id") and str(person["id"]) != self.page_id:
                return str(person["id"])
        return ""

    # --- Writing ------------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> str:
        if reply.kind == "private_reply":
            # Private reply: a Messenger message to whoever wrote the comment (once, within 7 days).
            result = self.client.create(
                f"{self.page_id}/messages",
                recipient=json.dumps({"comment_id": reply.in_reply_to}),
                message=json.dumps({"text": reply.text}),
            )
            posted = result.get("message_id")
        elif self._is_messenger(reply):
            result = self.client.create(
                f"{self.page_id}/messages",
                recipient=json.dumps({"id": reply.recipient_id}),
                message=json.dumps({"text": reply.text}),
                messaging_type="RESPONSE",
            )
            posted = result.get("message_id")
        else:
            posted = self.client.create(f"{self._comment_target(reply)}/comments", message=reply.text).get(
                "id"
            )
        if not posted:
            raise OutcomeUnknown("Facebook accepted the reply but returned no id")
        return str(posted)

    def find_sent(self, reply: OutgoingReply, *, since: dt.datetime, exclude: frozenset[str]) -> str | None:
        if reply.kind == "private_reply" or self._is_messenger(reply):
            participant = "" if reply.kind == "private_reply" else reply.recipient_id
            return lookup.find_message(
                self.client, self.page_id, reply, participant=participant, since=since, exclude=exclude
            )
        target = self._comment_target(reply)
        return lookup.find_comment(self.client, self.page_id, target, reply, since=since, exclude=exclude)

    @staticmethod
    def _is_messenger(reply: OutgoingReply) -> bool:
        return reply.is_private or reply.thread_key.partition(":")[0] == "messenger"

    @staticmethod
    def _comment_target(reply: OutgoingReply) -> str:
        """A comment thread is answered under its top-level comment; a visitor post under itself
        (Facebook nests comments two levels deep only)."""
        kind, _, key = reply.thread_key.partition(":")
        target = key if kind in ("comment", "post") and key else reply.in_reply_to
        if not target:
            raise ReplyRejected("Nothing to reply to in this conversation.")
        return target

    def set_comment_hidden(self, comment_id: str, hidden: bool) -> None:
        result = self.client.post(comment_id, is_hidden="true" if hidden else "false")
        if result.get("success") is not True:
            raise ReplyRejected("Facebook did not confirm the change.")
