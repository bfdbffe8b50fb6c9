"""Finding a reply the page may have posted, when Graph's answer to the post was lost.

A comment reply is looked for among the replies of what it answered (``GET /{id}/comments``
since the send), written by the page, same text. A Messenger message or private reply among the
page's recent conversations (``GET /{page-id}/conversations``, newest first, with their latest
messages), sent by the page, same text. A lookup that cannot see the whole window raises rather
than answering "not there".
"""

import datetime as dt

from ..base import ChannelError, OutgoingReply, same_text
from .items import parse_time

COMMENT_FIELDS = "id,message,created_time,from{id,name}"
MESSAGES_PER_CONVERSATION = 25
CONVERSATION_FIELDS = f"id,updated_time,participants,messages.limit({MESSAGES_PER_CONVERSATION}){{id,message,created_time,from}}"
MAX_LOOKUP_PAGES = 5


def _listing(client, path: str, **params):
    """Each page's items of a Graph listing; raises when a page is unreadable or there are too many."""
    params = {"limit": 100, **params}
    for _ in range(MAX_LOOKUP_PAGES):
        page = client.get(path, **params)
        data = page.get("data")
        if not isinstance(data, list):
            raise ChannelError("Unreadable Graph listing while looking for a reply")
        yield data
        paging = page.get("paging") if isinstance(page.get("paging"), dict) else {}
        cursors = paging.get("cursors") if isinstance(paging.get("cursors"), dict) else {}
        if not paging.get("next") or not cursors.get("after"):
            return
        params = {**params, "after": cursors["after"]}
    raise ChannelError("Too many items since the send; cannot tell whether the reply was posted.")


def _by_page(item, page_id: str) -> bool:
    author = item.get("from") if isinstance(item, dict) else None
    return isinstance(author, dict) and str(author.get("id", "")) == page_id


def find_comment(client, page_id: str, target: str, reply: OutgoingReply, *, since, exclude) -> str | None:
    for comments in _listing(
        client, f"{target}/comments", fields=COMMENT_FIELDS, filter="toplevel", since=int(since.timestamp())
    ):
        for comment in comments:
            if not _by_page(comment, page_id) or str(comment.get("id", "")) in exclude:
                continue
            created = parse_time(comment.get("created_time"))
            if (created is None or created >= since) and same_text(
                reply.text, str(comment.get("message", ""))
            ):
                return str(comment["id"])
    return None


def find_message(
    client, page_id: str, reply: OutgoingReply, *, participant: str, since: dt.datetime, exclude
) -> str | None:
    """`participant`: only conversations with this person (a Messenger thread); "" for any (a private
    reply opens a conversation whose person id the comment did not tell us)."""
    for conversations in _listing(
        client, f"{page_id}/conversations", platform="messenger", fields=CONVERSATION_FIELDS
    ):
        for conversation in conversations:
            if not isinstance(conversation, dict):
                continue
            updated = parse_time(conversation.get("updated_time"))
            if updated is not None and updated < since:
                return None  # newest first: nothing after this changed since the send
            if participant and participant not in _participants(conversation):
                continue
            messages = conversation.get("messages") if isinstance(conversation.get("messages"), dict) else {}
            data = messages.get("data") if isinstance(messages.get("data"), list) else []
            for message in data:
                created = parse_time(message.get("created_time")) if isinstance(message, dict) else None
                if not _by_page(message, page_id) or str(message.get("id", "")) in exclude:
                    continue
                if (created is None or created >= since) and same_text(
                    reply.text, str(message.get("message", ""))
                ):
                    return str(message["id"])
            oldest = parse_time(data[-1].get("created_time")) if data and isinstance(data[-1], dict) else None
            if len(data) >= MESSAGES_PER_CONVERSATION and oldest is not None and oldest >= since:
                raise ChannelError(
                    "Too many Messenger messages since the send; cannot tell whether it was sent."
                )
    return None


def _participants(conversation: dict) -> set[str]:
    participants = conversation.get("participants")
    people = participants.get("data") if isinstance(participants, dict) else None
    return {str(p.get("id")) for p in (people if isinstance(people, list) else []) if isinstance(p, dict)}
