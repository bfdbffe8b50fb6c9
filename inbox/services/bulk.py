"""Bulk answers: the conversations of a calamity cluster, each answered in its own thread."""

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Conversation, Platform
from ..platforms import reply_rules
from .base import ServiceError
from .lifecycle import conversation_close
from .outbox import reply_queue


class IdenticalReplies(ServiceError):
    """Several threads of one account on a platform that refuses identical posts got the same text."""

    def __init__(self, message: str, conversation_ids: list[int]):
        super().__init__(message)
        self.conversation_ids = conversation_ids


def _identical_on_refusing_platforms(texts: Mapping[int, str]) -> tuple[list[int], set[str]]:
    """The conversations whose text another one of the same account would post too, on a platform
    that refuses identical posts (all but the first would be refused there), and those platforms."""
    accounts = Conversation.objects.filter(pk__in=list(texts)).values_list(
        "pk", "account_id", "account__platform"
    )
    by_text: dict[tuple[int, str], list[int]] = {}
    platform_of = {}
    for pk, account_id, platform in accounts:
        if reply_rules(platform).refuses_duplicates:
            by_text.setdefault((account_id, " ".join(texts[pk].split()).casefold()), []).append(pk)
            platform_of[pk] = platform
    identical = sorted(pk for ids in by_text.values() if len(ids) > 1 for pk in ids)
    return identical, {platform_of[pk] for pk in identical}


def cluster_answer(
    *,
    conversation_ids: Sequence[int],
    user: AbstractBaseUser,
    text: str,
    close: bool,
    texts: Mapping[int, str] | None = None,
) -> list[tuple[int, str]]:
    """Answer many conversations, each with its own reply in its own thread through the outbox.

    `text` is the answer for all; `texts` gives a conversation a text of its own (the agent varies
    it per thread). Refused before anything is queued when two threads of one account would get the
    same text on a platform that refuses identical posts (IdenticalReplies). Then conversation by
    conversation, each in its own transaction with its own events, so one that is refused (someone
    else holds it, the text is too long for its channel) does not stop the rest.
    Returns (conversation id, error or "") per conversation.
    """
    texts = texts or {}
    chosen = {pk: (texts.get(pk) or "").strip() or text for pk in conversation_ids}
    identical, platforms = _identical_on_refusing_platforms(chosen)
    if identical:
        raise IdenticalReplies(
            _(
                "%(platform)s refuses identical posts: give these conversations a text of their own "
                "(%(ids)s). Nothing was sent."
            )
            % {
                "platform": ", ".join(sorted(str(Platform(p).label) for p in platforms)),
                "ids": ", ".join(f"#{pk}" for pk in identical),
            },
            identical,
        )
    results = []
    for conversation_id, reply_text in chosen.items():
        try:
            with transaction.atomic():
                reply_queue(conversation_id=conversation_id, user=user, text=reply_text)
                if close:
                    conversation_close(conversation_id=conversation_id, user=user)
        except ServiceError as exc:
            results.append((conversation_id, str(exc)))
        else:
            results.append((conversation_id, ""))
    return results
