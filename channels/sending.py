"""Sending one queued reply through its account's adapter, at most once."""

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from inbox.models import Account, Message
from inbox.services.accounts import account_poll_failed
from inbox.services.outbox import reply_mark_failed, reply_mark_sent, reply_start_sending

from .base import AuthFailed, ChannelError, OutgoingReply, ReplyRejected, TransientError
from .registry import adapter_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class RetryLater(Exception):
    def __init__(self, attempts: int):
        super().__init__(f"attempt {attempts} failed")
        self.attempts = attempts


def send_reply(message_id: int) -> str:
    """Send a queued reply. Safe to call twice: only a queued reply is taken, and only once."""
    message = reply_start_sending(message_id=message_id)
    if message is None:
        return "not queued"
    conversation = message.conversation
    reply = OutgoingReply(
        text=message.text,
        in_reply_to=message.in_reply_to_platform_id,
        thread_key=conversation.thread_key,
        is_private=conversation.is_private,
        recipient_id=conversation.contact.platform_user_id,
        kind=message.kind,
    )
    try:
        platform_id = adapter_for(message.account).send_reply(reply)
    except TransientError as exc:
        will_retry = message.send_attempts < MAX_ATTEMPTS
        reply_mark_failed(message_id=message.pk, error=str(exc), will_retry=will_retry)
        if will_retry:
            raise RetryLater(message.send_attempts) from exc
        return "failed"
    except AuthFailed as exc:
        # The token is gone: the account needs reconnecting, and polling stops until it is.
        logger.error("Credentials of %s rejected while sending: %s", message.account, exc)
        reply_mark_failed(message_id=message.pk, error=str(exc))
        account_poll_failed(
            account_id=message.account_id,
            status=Account.PollStatus.NEEDS_RECONNECT,
            error=str(exc),
            retry_at=None,
        )
        return "failed"
    except (ReplyRejected, ChannelError) as exc:
        # A 4xx is not retried blindly: a person reads the reason and decides.
        logger.warning("Reply %s refused: %s", message.pk, exc)
        reply_mark_failed(message_id=message.pk, error=str(exc))
        return "failed"
    reply_mark_sent(message_id=message.pk, platform_id=platform_id)
    return "sent"


def pending_reply_ids(*, include_fresh: bool = False) -> list[int]:
    """Queued replies that no task seems to be handling: never tried, or a retry long overdue."""
    queued = Message.objects.filter(send_status=Message.SendStatus.QUEUED)
    if not include_fresh:
        now = timezone.now()
        queued = queued.filter(
            Q(send_started_at__isnull=True, received_at__lt=now - dt.timedelta(minutes=1))
            | Q(send_started_at__lt=now - dt.timedelta(minutes=15))
        )
    return list(queued.order_by("pk").values_list("pk", flat=True))
