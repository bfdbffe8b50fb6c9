"""Graph API and webhook items turned into normalized messages. Malformed items become None.

Threads: a visitor post and everything under it is one conversation (``post:<post id>``); under
the page's own posts each top-level comment with its replies is one (``comment:<comment id>``);
Messenger is one conversation per citizen (``messenger:<page-scoped id>``).
"""

import datetime as dt
import logging

from inbox.incoming import IncomingMessage
from inbox.models import Conversation

logger = logging.getLogger(__name__)


def parse_time(value) -> dt.datetime | None:
    """Graph times are "2020-02-19T23:05:53+0000"; webhooks use Unix seconds or milliseconds."""
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            seconds = value / 1000 if value > 10**11 else value
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        if isinstance(value, str):
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _person(value) -> tuple[str, str]:
    if isinstance(value, dict) and value.get("id"):
        return str(value["id"]), str(value.get("name") or "")
    return "", ""


def _one_attachment(entry) -> list[dict]:
    """One Graph attachment as media entries: a post's or comment's (media_type, media.image.src,
    media.source; an album's subattachments), a Messenger message's (image_data, video_data), or a
    Messenger webhook's (type, payload.url)."""
    if not isinstance(entry, dict):
        return []
    subs = entry.get("subattachments")
    if isinstance(subs, dict) and isinstance(subs.get("data"), list):
        return [m for sub in subs["data"] for m in _one_attachment(sub)]
    media = entry.get("media") if isinstance(entry.get("media"), dict) else {}
    image = media.get("image") if isinstance(media.get("image"), dict) else {}
    kind = str(entry.get("media_type") or entry.get("type") or "").lower()
    alt = str(entry.get("description") or "") if kind == "photo" and entry.get("description") else ""
    found = []
    if isinstance(entry.get("image_data"), dict) and entry["image_data"].get("url"):
        found.append({"type": "photo", "url": str(entry["image_data"]["url"]), "alt": ""})
    elif isinstance(entry.get("video_data"), dict) and entry["video_data"].get("url"):
        found.append({"type": "video", "url": str(entry["video_data"]["url"]), "alt": ""})
    elif isinstance(entry.get("payload"), dict) and entry["payload"].get("url") and kind in ("image", "video"):
        found.append({"type": "photo" if kind == "image" else "video", "url": str(entry["payload"]["url"]), "alt": ""})
    elif kind in ("video", "video_inline", "video_autoplay") and media.get("source"):
        found.append({"type": "video", "url": str(media["source"]), "alt": alt})
    elif image.get("src") and kind in ("photo", "sticker", "animated_image_share", "video", "video_inline", "album"):
        found.append({"type": "photo", "url": str(image["src"]), "alt": alt})
    return found


def attachments_of(item: dict) -> list[dict]:
    """The photos and videos attached to a post, comment or Messenger message, for the inbox to fetch."""
    entries = []
    many = item.get("attachments")
    if isinstance(many, dict):
        many = many.get("data")
    if isinstance(many, list):
        entries.extend(many)
    if isinstance(item.get("attachment"), dict):
        entries.append(item["attachment"])
    return [m for entry in entries for m in _one_attachment(entry)][:10]


def _skip(what: str, item) -> None:
    item_id = item.get("id") if isinstance(item, dict) else None
    logger.warning("Skipped a malformed Facebook %s (id %r)", what, item_id)


def visitor_post(page_id: str, post) -> IncomingMessage | None:
    """A post on the page by someone else; the page's own posts are never questions (None)."""
    if not isinstance(post, dict):
        _skip("post", post)
        return None
    created = parse_time(post.get("created_time"))
    author_id, author_name = _person(post.get("from"))
    if not post.get("id") or created is None:
        _skip("post", post)
        return None
    if author_id == page_id or not author_id:
        return None
    return IncomingMessage(
        platform_id=str(post["id"]),
        thread_key=f"post:{post['id']}",
        author_id=author_id,
        author_handle="",
        author_name=author_name,
        text=str(post.get("message") or ""),
        created_at=created,
        kind="post",
        media=attachments_of(post),
        raw=post,
    )


def comment_thread_key(account_id: int, post_id: str, comment_id: str, parent_id: str) -> str:
    """Under a visitor post: the post's conversation. Under the page's posts: the top-level comment."""
    if Conversation.objects.filter(account_id=account_id, thread_key=f"post:{post_id}").exists():
        return f"post:{post_id}"
    root = parent_id if parent_id and parent_id != post_id else comment_id
    return f"comment:{root}"


def comment(page_id: str, post_id: str, item, *, thread_key: str) -> IncomingMessage | None:
    """A comment or a reply to one (``parent``). The page's own comments are outbound."""
    if not isinstance(item, dict):
        _skip("comment", item)
        return None
    created = parse_time(item.get("created_time"))
    if not item.get("id") or created is None:
        _skip("comment", item)
        return None
    author_id, author_name = _person(item.get("from"))
    parent = item.get("parent") if isinstance(item.get("parent"), dict) else {}
    parent_id = str(parent.get("id") or "")
    return IncomingMessage(
        platform_id=str(item["id"]),
        thread_key=thread_key,
        author_id=author_id or f"unknown:{thread_key}",
        author_handle="",
        author_name=author_name,
        text=str(item.get("message") or ""),
        created_at=created,
        kind="comment_reply" if parent_id else "comment",
        in_reply_to=parent_id or post_id,
        outbound=author_id == page_id,
        media=attachments_of(item),
        raw=item,
    )


def messenger_message(page_id: str, psid: str, item) -> IncomingMessage | None:
    """One Messenger message of the conversation with `psid`; the page's own are outbound."""
    if not isinstance(item, dict):
        _skip("Messenger message", item)
        return None
    created = parse_time(item.get("created_time"))
    if not item.get("id") or created is None or not psid:
        _skip("Messenger message", item)
        return None
    author_id, author_name = _person(item.get("from"))
    outbound = author_id == page_id
    return IncomingMessage(
        platform_id=str(item["id"]),
        thread_key=f"messenger:{psid}",
        author_id=psid,
        author_handle="",
        author_name=author_name,
        text=str(item.get("message") or ""),
        created_at=created,
        kind="messenger",
        outbound=outbound,
        is_private=True,
        media=attachments_of(item),
        raw=item,
    )
