"""X API v2 payloads (tweets, DM events) to normalized IncomingMessages.

Everything here is untrusted: an item that cannot be read is logged and skipped, and the rest of
its page still comes through. Retweets are dropped; the account's own posts come back marked
``outbound`` so they join their thread as our answer and never open a conversation.
"""

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from inbox.incoming import IncomingMessage

logger = logging.getLogger(__name__)


class Malformed(ValueError):
    pass


@dataclass
class Page:
    """One page of a v2 response: its items and the lookups its `includes` provide."""

    items: list[dict]
    users: dict[str, dict] = field(default_factory=dict)
    media: dict[str, dict] = field(default_factory=dict)
    places: dict[str, dict] = field(default_factory=dict)
    tweets: dict[str, dict] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def _index(entries, key: str) -> dict[str, dict]:
    if not isinstance(entries, list):
        return {}
    return {str(e[key]): e for e in entries if isinstance(e, dict) and key in e}


def read_page(body) -> Page:
    """The parts of a response body; a body that is not a v2 response at all raises Malformed."""
    if not isinstance(body, dict):
        raise Malformed(f"response body is a {type(body).__name__}, not an object")
    data = body.get("data", [])
    if data is None:
        data = []
    if not isinstance(data, list):
        raise Malformed("response 'data' is not a list")
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    if body.get("errors"):
        # Partial errors (a referenced tweet was deleted, say) do not spoil the page.
        logger.info("X API partial errors: %s", str(body["errors"])[:500])
    return Page(
        items=data,
        users=_index(includes.get("users"), "id"),
        media=_index(includes.get("media"), "media_key"),
        places=_index(includes.get("places"), "id"),
        tweets=_index(includes.get("tweets"), "id"),
        meta=meta,
    )


def _id(value, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).isdigit():
        raise Malformed(f"{what} is not an id: {str(value)[:40]!r}")
    return str(value)


def _text(value) -> str:
    if not isinstance(value, str):
        raise Malformed(f"text is a {type(value).__name__}")
    return value


def _created_at(value) -> dt.datetime:
    if not isinstance(value, str):
        raise Malformed("created_at missing")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Malformed(f"created_at unreadable: {value[:40]!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _references(tweet: dict) -> dict[str, str]:
    refs = tweet.get("referenced_tweets") or []
    if not isinstance(refs, list):
        raise Malformed("referenced_tweets is not a list")
    return {
        str(ref.get("type")): _id(ref.get("id"), "referenced tweet id")
        for ref in refs
        if isinstance(ref, dict)
    }


def _video_url(item: dict) -> str:
    """The MP4 variant of a video or GIF with the highest bitrate (X lists several sizes)."""
    variants = item.get("variants") if isinstance(item.get("variants"), list) else []
    mp4 = [
        v for v in variants if isinstance(v, dict) and v.get("content_type") == "video/mp4" and v.get("url")
    ]
    if not mp4:
        return ""
    best = max(mp4, key=lambda v: v.get("bit_rate") if isinstance(v.get("bit_rate"), int) else 0)
    return str(best["url"])


def _media(keys, page: Page) -> list[dict]:
    """Photos (url), videos and GIFs (their MP4, with the still as preview) with the alt text."""
    media = []
    for key in keys if isinstance(keys, list) else []:
        item = page.media.get(str(key))
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type", ""))
        preview = str(item.get("preview_image_url") or "")
        if kind in ("video", "animated_gif"):
            url = _video_url(item)
            if not url:  # no playable variant listed: the still is all we can keep
                kind, url = "photo", preview
        else:
            url = str(item.get("url") or preview)
        entry = {"type": kind, "url": url, "alt": str(item.get("alt_text") or "")}
        if preview and preview != url:
            entry["preview"] = preview
        media.append(entry)
    return media


def is_retweet(tweet: dict) -> bool:
    try:
        return "retweeted" in _references(tweet)
    except Malformed:
        return False


def with_replied_to(page: Page, *, account_user_id: str) -> list:
    """The page's own tweets, each after the citizen's tweet it replies to where `includes.tweets`
    has it (oldest last, as X pages are newest first): the thread forms even when that tweet never
    came in as a mention (it did not name the account, or it is older than our cursor)."""
    items = []
    for tweet in page.items:
        items.append(tweet)
        try:
            parent = (
                page.tweets.get(_references(tweet).get("replied_to", "")) if isinstance(tweet, dict) else None
            )
        except Malformed:
            parent = None
        if isinstance(parent, dict) and str(parent.get("author_id", "")) != str(account_user_id):
            items.append(parent)
    return items


def tweet_to_incoming(tweet, page: Page, *, account_user_id: str) -> IncomingMessage | None:
    """A mention or reply as a message; None for a retweet. Raises Malformed for an unreadable item."""
    if not isinstance(tweet, dict):
        raise Malformed(f"item is a {type(tweet).__name__}")
    tweet_id = _id(tweet.get("id"), "tweet id")
    references = _references(tweet)
    if "retweeted" in references:
        return None
    author_id = _id(tweet.get("author_id"), "author_id")
    author = page.users.get(author_id, {})
    conversation_id = tweet.get("conversation_id")
    thread_key = _id(conversation_id, "conversation_id") if conversation_id else tweet_id
    in_reply_to = references.get("replied_to", "")
    place = (
        page.places.get(str((tweet.get("geo") or {}).get("place_id", "")), {})
        if isinstance(tweet.get("geo"), dict)
        else {}
    )
    raw = {"tweet": tweet, "author": author}
    if place:
        raw["place"] = place
    if "quoted" in references and references["quoted"] in page.tweets:
        raw["quoted"] = page.tweets[references["quoted"]]
    return IncomingMessage(
        platform_id=tweet_id,
        thread_key=thread_key,
        in_reply_to=in_reply_to,
        author_id=author_id,
        author_handle=str(author.get("username", "")),
        author_name=str(author.get("name", "")),
        text=_text(tweet.get("text")),
        created_at=_created_at(tweet.get("created_at")),
        kind="reply" if in_reply_to else ("quote" if "quoted" in references else "mention"),
        outbound=author_id == str(account_user_id),
        media=_media((tweet.get("attachments") or {}).get("media_keys"), page)
        if isinstance(tweet.get("attachments"), dict)
        else [],
        raw=raw,
    )


def dm_thread_key(citizen_id: str) -> str:
    # One conversation per citizen, whatever X's dm_conversation_id looks like.
    return f"dm:{citizen_id}"


def dm_to_incoming(event, page: Page, *, account_user_id: str) -> IncomingMessage | None:
    """A direct message as a message; None for events that are not messages (joins, leaves)."""
    if not isinstance(event, dict):
        raise Malformed(f"item is a {type(event).__name__}")
    event_id = _id(event.get("id"), "dm event id")
    if event.get("event_type", "MessageCreate") != "MessageCreate":
        return None
    sender_id = _id(event.get("sender_id"), "sender_id")
    outbound = sender_id == str(account_user_id)
    citizen_id = sender_id
    if outbound:
        participants = [p for p in str(event.get("dm_conversation_id", "")).split("-") if p]
        others = [p for p in participants if p != str(account_user_id)]
        if len(others) != 1:
            raise Malformed("our own DM without a one-to-one dm_conversation_id")
        citizen_id = _id(others[0], "participant id")
    sender = page.users.get(sender_id, {})
    return IncomingMessage(
        platform_id=f"dm-{event_id}",
        thread_key=dm_thread_key(citizen_id),
        author_id=sender_id,
        author_handle=str(sender.get("username", "")),
        author_name=str(sender.get("name", "")),
        text=_text(event.get("text")),
        created_at=_created_at(event.get("created_at")),
        kind="dm",
        outbound=outbound,
        is_private=True,
        media=_media(
            (event.get("attachments") or {}).get("media_keys")
            if isinstance(event.get("attachments"), dict)
            else [],
            page,
        ),
        raw={"dm_event": event, "sender": sender},
    )


def normalize_page(page: Page, convert, *, account_user_id: str, what: str) -> list[IncomingMessage]:
    """Every readable item of a page; unreadable ones are logged and skipped."""
    items = []
    for position, entry in enumerate(page.items):
        try:
            item = convert(entry, page, account_user_id=account_user_id)
        except Malformed as exc:
            ident = entry.get("id") if isinstance(entry, dict) else None
            # The item itself goes into the log, so nothing is lost without a trace.
            logger.warning(
                "Skipped malformed X %s #%d (id %r): %s. Item: %s",
                what,
                position,
                str(ident)[:40],
                exc,
                json.dumps(entry, default=str)[:2000],
            )
            continue
        if item is not None:
            items.append(item)
    return items
