"""Sending one queued reply through its account's adapter, at most once, and looking up a reply
whose outcome was lost before anything else happens to it."""

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from inbox.models import Account, Message
from inbox.services.accounts import account_poll_failed
from inbox.services.base import ServiceError
from inbox.services.outbox import (
    reply_mark_failed,
    reply_mark_not_found,
    reply_mark_sent,
    reply_mark_unknown,
    reply_start_sending,
)

from .base import (
    AuthFailed,
    ChannelError,
    OutcomeUnknown,
    OutgoingReply,
    RateLimited,
    ReplyRejected,
    TransientError,
)
from .registry import adapter_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Clocks differ: a lookup starts this long before the reply was queued.
LOOKUP_MARGIN = dt.timedelta(minutes=2)
# A lookup that could not be made (platform down, rate limited) is tried again after this long.
LOOKUP_RETRY_SECONDS = 60.0


class RetryLater(Exception):
    def __init__(self, attempts: int, *, not_before: dt.datetime | None = None):
        super().__init__(f"attempt {attempts} failed")
        self.attempts = attempts
        self.not_before = not_before


class CheckLater(Exception):
    """The reply's outcome is still unknown: look again in `seconds`. `too_early`: the lookup
    worked but the platform's read delay has not passed yet (else the lookup itself failed)."""

    def __init__(self, seconds: float, reason: str, *, too_early: bool = False):
        super().__init__(reason)
        self.seconds = max(1.0, seconds)
        self.too_early = too_early


def outgoing(message: Message) -> OutgoingReply:
    conversation = message.conversation
    return OutgoingReply(
        text=message.text,
        in_reply_to=message.in_reply_to_platform_id,
        thread_key=conversation.thread_key,
        is_private=conversation.is_private,
        recipient_id=conversation.contact.platform_user_id,
        kind=message.kind,
    )


def send_reply(message_id: int) -> str:
    """Send a queued reply. Safe to call twice: only a queued reply is taken, and only once."""
    message = reply_start_sending(message_id=message_id)
    if message is None:
        return "not queued"
    try:
        platform_id = adapter_for(message.account).send_reply(outgoing(message))
    except OutcomeUnknown as exc:
        # It may have been posted: never retried, looked up on the platform instead.
        logger.warning("Outcome of reply %s unknown: %s", message.pk, exc)
        reply_mark_unknown(message_id=message.pk, reason=str(exc))
        return "unknown"
    except (TransientError, RateLimited) as exc:
        # The request certainly did not post it (never left, or refused for now): retried.
        will_retry = message.send_attempts < MAX_ATTEMPTS
        reply_mark_failed(message_id=message.pk, error=str(exc), will_retry=will_retry)
        if will_retry:
            not_before = exc.retry_at if isinstance(exc, RateLimited) else None
            raise RetryLater(message.send_attempts, not_before=not_before) from exc
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


def reconcile_reply(message_id: int) -> str:
    """Look on the platform for a reply whose outcome is unknown: found → sent with its platform
    id; not there in a lookup made at least the platform's read delay after the outcome was lost →
    failed (safe to retry); else CheckLater. Safe twice: only an unknown reply is looked up, and
    each move is guarded."""
    message = (
        Message.objects.select_related("account", "conversation__contact")
        .filter(pk=message_id, send_status=Message.SendStatus.UNKNOWN)
        .first()
    )
    if message is None:
        return "not unknown"
    since = message.created_at - LOOKUP_MARGIN
    # Our other replies' posts are theirs, never this one's (the same text twice in one thread).
    exclude = frozenset(
        Message.objects.filter(
            account_id=message.account_id,
            direction=Message.Direction.OUTBOUND,
            sent_by__isnull=False,
            platform_id__isnull=False,
            created_at__gte=since,
        )
        .exclude(pk=message.pk)
        .values_list("platform_id", flat=True)
    )
    looked_at = timezone.now()
    try:
        adapter = adapter_for(message.account)
        platform_id = adapter.find_sent(outgoing(message), since=since, exclude=exclude)
    except RateLimited as exc:
        raise CheckLater((exc.retry_at - timezone.now()).total_seconds(), str(exc)) from exc
    except ChannelError as exc:
        logger.warning("Could not look up reply %s on %s: %s", message.pk, message.account, exc)
        raise CheckLater(LOOKUP_RETRY_SECONDS, str(exc)) from exc
    try:
        if platform_id:
            reply_mark_sent(message_id=message.pk, platform_id=platform_id)
            return "sent"
        due = (message.send_unknown_since or message.send_started_at or looked_at) + adapter.read_delay
        if looked_at < due:
            raise CheckLater((due - timezone.now()).total_seconds(), "not found yet", too_early=True)
        return "failed" if reply_mark_not_found(message_id=message.pk) else "not unknown"
    except ServiceError as exc:
        logger.warning("Reply %s was settled meanwhile: %s", message.pk, exc)
        return "not unknown"


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


def unknown_reply_ids() -> list[int]:
    """Replies whose outcome is unknown, to be looked up (again)."""
    unknown = Message.objects.filter(send_status=Message.SendStatus.UNKNOWN)
    return list(unknown.order_by("pk").values_list("pk", flat=True))
