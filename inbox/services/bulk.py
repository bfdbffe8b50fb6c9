"""Bulk answers: one text to the conversations of a calamity cluster, each in its own thread."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .base import ServiceError
from .lifecycle import conversation_close
from .outbox import reply_queue


def cluster_answer(
    *, conversation_ids: Sequence[int], user: AbstractBaseUser, text: str, close: bool
) -> list[tuple[int, str]]:
    """One text to many conversations: each gets its own reply in its own thread through the outbox.

    Conversation by conversation, each in its own transaction with its own events, so one that is
    refused (someone else holds it, the text is too long for its channel) does not stop the rest.
    Returns (conversation id, error or "") per conversation.
    """
    results = []
    for conversation_id in conversation_ids:
        try:
            with transaction.atomic():
                reply_queue(conversation_id=conversation_id, user=user, text=text)
                if close:
                    conversation_close(conversation_id=conversation_id, user=user)
        except ServiceError as exc:
            results.append((conversation_id, str(exc)))
        else:
            results.append((conversation_id, ""))
    return results
