"""Who is typing a reply on which conversation: short-lived markers in Django's cache.

Not domain state (nothing to audit), so no model and no event: a marker simply expires when the
browser stops sending keystroke pings.
"""

import time

from django.conf import settings
from django.core.cache import cache


def _key(conversation_id: int) -> str:
    return f"inbox:typing:{conversation_id}"


def typing_mark(*, conversation_id: int, user) -> None:
    now = time.time()
    seconds = settings.INBOX_TYPING_SECONDS
    markers = {uid: m for uid, m in (cache.get(_key(conversation_id)) or {}).items() if m[1] > now}
    markers[user.pk] = (user.get_full_name() or user.get_username(), now + seconds)
    cache.set(_key(conversation_id), markers, seconds)


def typing_clear(*, conversation_id: int, user) -> None:
    markers = cache.get(_key(conversation_id)) or {}
    if markers.pop(user.pk, None) is not None:
        cache.set(_key(conversation_id), markers, settings.INBOX_TYPING_SECONDS)


def typing_others(*, conversation_id: int, user) -> list[str]:
    """Names of the others typing on this conversation right now."""
    now = time.time()
    markers = cache.get(_key(conversation_id)) or {}
    return sorted(name for uid, (name, until) in markers.items() if uid != user.pk and until > now)
