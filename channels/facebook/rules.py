"""Facebook's reply rules: Messenger's 24-hour standard messaging window (platform knowledge)."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inbox.models import Message

MESSENGER_MAX_LENGTH = 2000  # Send API text limit; comments allow more, Messenger is the stricter
MESSENGER_WINDOW = dt.timedelta(hours=24)
PRIVATE_REPLY_WINDOW = dt.timedelta(days=7)


def reply_refusal(conversation) -> str:
    """Why a reply cannot be sent in this conversation now, or "" when it can.

    A page may answer a Messenger conversation with a standard message only within 24 hours of
    the citizen's last message.
    """
    if not conversation.is_private:
        return ""
    last = (
        Message.objects.filter(conversation=conversation, direction=Message.Direction.INBOUND)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None or timezone.now() - last <= MESSENGER_WINDOW:
        return ""
    return _(
        "Messenger only allows an answer within 24 hours of the citizen's last message "
        "(%(when)s), so this reply cannot be sent. Alternatives: answer publicly under a comment "
        "of theirs, or send them a private reply to a comment they posted in the last 7 days."
    ) % {"when": date_format(timezone.localtime(last), "j N H:i")}


def private_reply_target(conversation) -> str:
    """The citizen's latest comment in this thread that may still get a private reply, or "".

    Facebook allows one private reply per comment, within 7 days of it.
    """
    if conversation.is_private:
        return ""
    latest = (
        Message.objects.filter(
            conversation=conversation,
            direction=Message.Direction.INBOUND,
            kind__in=("comment", "comment_reply"),
            created_at__gte=timezone.now() - PRIVATE_REPLY_WINDOW,
        )
        .order_by("-created_at")
        .values_list("platform_id", flat=True)
        .first()
    )
    if not latest:
        return ""
    answered = (
        Message.objects.filter(
            conversation=conversation, kind="private_reply", in_reply_to_platform_id=latest
        )
        .exclude(send_status=Message.SendStatus.FAILED)
        .exists()
    )
    return "" if answered else latest
