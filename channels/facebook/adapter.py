"""The Facebook page adapter: polls feed, comments and Messenger since a cursor; sends replies.

Polling is the catch-up path next to the webhook: it looks back over recent posts for new
comments, so a missed webhook delivery loses nothing (ingest skips what it already has).

Account: ``handle`` is the page id; credentials hold ``page_token`` (and ``app_secret``,
``verify_token`` for the webhook). Config (optional): ``lookback_days`` (default 7),
``max_pages`` per listing and poll (default 10; a walk cut off there continues next poll).
"""

import datetime as dt
import json
import logging
from collections.abc import Iterator

from django.utils import timezone

from inbox.platforms import ReplyRules

from ..base import (
    Adapter,
    AuthFailed,
    ChannelError,
    FetchResult,
    IncomingMessage,
    OutcomeUnknown,
    OutgoingReply,
    RateLimited,
    ReplyRejected,
    TransientError,
)
from . import items as parse
from . import lookup
from .client import GraphClient
from .rules import MESSENGER_MAX_LENGTH, private_reply_target, reply_refusal

logger = logging.getLogger(__name__)

# Attachments come along: photos and videos are fetched into the inbox's own storage (inbox/media.py).
POST_FIELDS = (
    "id,message,created_time,updated_time,from{id,name},attachments{media_type,type,media,description,subattachments}"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},is_hidden,attachment{type,media,description}"
CONVERSATION_FIELDS = (
    "id,updated_time,participants,"
    "messages.limit(50){id,message,created_time,from{id,name},to,attachments{mime_type,image_data,video_data}}"
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

    def fetch_pages(self, cursor: str) -> Iterator[FetchResult]:
        """A page per page of posts (with their new comments), then per page of Messenger
        conversations. While the walk is under way the cursor keeps the ``since`` it uses and
        ``walk``: when it started and where it got to (``feed`` or ``messenger``, Graph's
        ``after`` cursor); only its last page moves ``since`` on, to when the walk started."""
        state = self._state(cursor)
        walk = state.get("walk") if isinstance(state.get("walk"), dict) else {}
        if not isinstance(walk.get("started"), int):
            walk = {"started": int(timezone.now().timestamp())}
        started = dt.datetime.fromtimestamp(walk["started"], tz=dt.UTC)
        since = self._since(state) or started - self.lookback

        def pending(**where) -> str:
            return json.dumps(
                {"since": int(since.timestamp()), "walk": {"started": walk["started"], **where}}
            )

        if "messenger" not in walk:
            after = None
            for found, after in self._feed(since, walk.get("feed")):
                yield FetchResult(items=found, cursor=pending(feed=after) if after else pending(messenger=""))
            if after:
                return  # max_pages of posts this poll: the next one goes on from there
        for found, after in self._messenger(since, walk.get("messenger") or None):
            if after:
                yield FetchResult(items=found, cursor=pending(messenger=after))
            else:
                next_since = int((started - OVERLAP).timestamp())
                yield FetchResult(items=found, cursor=json.dumps({"since": next_since}))

    @staticmethod
    def _state(cursor: str) -> dict:
        try:
            state = json.loads(cursor)
        except (ValueError, TypeError):
            return {}
        return state if isinstance(state, dict) else {}

    @staticmethod
    def _since(state: dict) -> dt.datetime | None:
        try:
            return dt.datetime.fromtimestamp(int(state["since"]), tz=dt.UTC)
        except (ValueError, TypeError, KeyError):
            return None

    def _pages(self, path: str, after: str | None = None, **params):
        """Each page of a Graph listing as (data, after), following `after` while `next` is given;
        after is None on the last page. A stored `after` Graph refuses starts the listing over."""
        params = {"limit": PAGE_SIZE, **params}
        for _ in range(self.max_pages):
            try:
                page = self.client.get(path, **({**params, "after": after} if after else params))
            except (RateLimited, AuthFailed, TransientError):
                raise
            except ChannelError as exc:
                if not after or "after" in params:
                    raise
                logger.info("Graph refused a stored paging cursor (%s); the listing starts over", exc)
                page = self.client.get(path, **params)
            data = page.get("data")
            if not isinstance(data, list):
                logger.warning("Graph listing %s without data skipped", path.split("/")[-1])
                yield [], None
                return
            paging = page.get("paging") if isinstance(page.get("paging"), dict) else {}
            after = (
                (paging.get("cursors") or {}).get("after")
                if isinstance(paging.get("cursors"), dict)
                else None
            )
            if not paging.get("next") or not after:
                yield data, None
                return
            yield data, str(after)
            params = {**params, "after": after}

    def _feed(self, since: dt.datetime, after: str | None):
        """Per page of posts of the look-back window: visitor posts and new comments, and the
        `after` of the next page of posts (None at the end). New comments come under old posts too."""
        post_since = int(min(since, timezone.now() - self.lookback).timestamp())
        for posts, next_after in self._pages(
            f"{self.page_id}/feed", after, fields=POST_FIELDS, since=post_since
        ):
            found: list[IncomingMessage] = []
            for post in posts:
                if not isinstance(post, dict) or not post.get("id"):
                    parse._skip("post", post)
                    continue
                visitor = parse.visitor_post(self.page_id, post)
                if visitor and visitor.created_at >= since:
                    found.append(visitor)
                found += self._comments(str(post["id"]), visitor is not None, since)
            yield sorted(found, key=lambda item: item.created_at), next_after

    def _comments(self, post_id: str, on_visitor_post: bool, since: dt.datetime) -> list[IncomingMessage]:
        found = []
        params = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "chronological",
            "since": int(since.timestamp()),
        }
        for comments, _ in self._pages(f"{post_id}/comments", **params):
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

    def _messenger(self, since: dt.datetime, after: str | None):
        """Per page of Messenger conversations (newest first): their new messages, and the `after`
        of the next page, None once the walk reached conversations older than `since`."""
        listing = self._pages(
            f"{self.page_id}/conversations", after, platform="messenger", fields=CONVERSATION_FIELDS
        )
        for conversations, next_after in listing:
            found: list[IncomingMessage] = []
            for conversation in conversations:
                updated = (
                    parse.parse_time(conversation.get("updated_time"))
                    if isinstance(conversation, dict)
                    else None
                )
                if updated is not None and updated < since:
                    next_after = None  # newest first: the rest is older
                    break
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
            yield sorted(found, key=lambda item: item.created_at), next_after
            if next_after is None:
                return

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
