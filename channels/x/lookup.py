"""Finding a reply the account may have posted, when X's answer to the post was lost.

A public reply is looked for in the account's own tweets since the send
(``GET /2/users/:id/tweets`` with ``start_time``): same text, replying to the same tweet. A DM in
the account's conversation with the citizen (``GET /2/dm_conversations/with/:id/dm_events``),
sent by the account, same text. A lookup that cannot see the whole window raises rather than
answering "not there".
"""

import datetime as dt

from ..base import ChannelError, OutgoingReply, same_text
from . import normalize
from .client import call

MAX_LOOKUP_PAGES = 5
TWEET_FIELDS = ["created_at", "referenced_tweets", "in_reply_to_user_id", "conversation_id"]
DM_FIELDS = ["id", "text", "event_type", "created_at", "sender_id", "dm_conversation_id"]


def _page(body) -> normalize.Page:
    try:
        return normalize.read_page(body)
    except normalize.Malformed as exc:
        raise ChannelError(f"Unreadable X API page while looking for a reply: {exc}") from exc


def _created(item: dict) -> dt.datetime | None:
    value = item.get("created_at")
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _replied_to(tweet: dict) -> set[str]:
    refs = tweet.get("referenced_tweets")
    return {
        str(ref.get("id"))
        for ref in (refs if isinstance(refs, list) else [])
        if isinstance(ref, dict) and ref.get("type") == "replied_to"
    }


def find_tweet(adapter, reply: OutgoingReply, *, since: dt.datetime, exclude: frozenset[str]) -> str | None:
    params = {
        "max_results": 100,
        "start_time": since,
        "tweet_fields": TWEET_FIELDS,
        "exclude": ["retweets"],
        "user_auth": adapter.read_user_auth,
    }
    for _ in range(MAX_LOOKUP_PAGES):
        page = _page(call(adapter.client.get_users_tweets, adapter.user_id, **params))
        for tweet in page.items:
            if not isinstance(tweet, dict) or str(tweet.get("id", "")) in exclude:
                continue
            if reply.in_reply_to in _replied_to(tweet) and same_text(reply.text, str(tweet.get("text", ""))):
                return str(tweet["id"])
        token = page.meta.get("next_token")
        if not token:
            return None
        params["pagination_token"] = token
    raise ChannelError(
        f"More than {MAX_LOOKUP_PAGES * 100} tweets since the send; cannot tell whether it was posted."
    )


def find_dm(adapter, reply: OutgoingReply, *, since: dt.datetime, exclude: frozenset[str]) -> str | None:
    params = {
        "participant_id": reply.recipient_id,
        "max_results": 100,
        "event_types": "MessageCreate",
        "dm_event_fields": DM_FIELDS,
        "user_auth": True,
    }
    for _ in range(MAX_LOOKUP_PAGES):
        page = _page(call(adapter.client.get_direct_message_events, **params))
        reached_older = False
        for event in page.items:
            if not isinstance(event, dict):
                continue
            created = _created(event)
            if created is not None and created < since:
                reached_older = True  # newest first: the rest is older than the send
                continue
            platform_id = f"dm-{event.get('id')}"
            if (
                platform_id not in exclude
                and str(event.get("sender_id", "")) == adapter.user_id
                and same_text(reply.text, str(event.get("text", "")))
            ):
                return platform_id
        token = page.meta.get("next_token")
        if reached_older or not token:
            return None
        params["pagination_token"] = token
    raise ChannelError(
        f"More than {MAX_LOOKUP_PAGES * 100} DM events since the send; cannot tell whether it was sent."
    )
