"""Who is typing a reply on which conversation: short-lived markers, refreshed by keystroke pings.

Not domain state (nothing to audit), so no event: a marker simply expires when the browser stops
sending pings.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import TypingMarker


def typing_mark(*, conversation_id: int, user) -> None:
    until = timezone.now() + dt.timedelta(seconds=settings.INBOX_TYPING_SECONDS)
    TypingMarker.objects.update_or_create(
        conversation_id=conversation_id, user=user, defaults={"until": until}
    )


def typing_others(*, conversation_id: int, user) -> list[str]:
    """Names of the others typing on this conversation right now."""
    markers = (
        TypingMarker.objects.filter(conversation_id=conversation_id, until__gt=timezone.now())
        .exclude(user=user)
        .select_related("user")
    )
    return sorted(m.user.get_full_name() or m.user.get_username() for m in markers)
