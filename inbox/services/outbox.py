"""The reply outbox: a reply is saved queued, handed to a task after commit, and moves through
its send status (SEND_TRANSITIONS) by guarded conditional updates only, so it is never posted twice.

A send whose outcome was lost (a timeout, a 5xx, a worker that died) becomes unknown and is looked up
on the platform (`channels.tasks.reconcile_reply`): found → sent, not there after the platform's
read delay → failed, and only a failed reply can be retried.
"""

import datetime as dt
import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..counting import changes_counted
from ..incoming import storable_text
from ..models import Conversation, Event, Message
from ..permissions import require_holder
from ..personal_data import personal_data_find
from ..placeholders import placeholders_fill, placeholders_left
from ..platforms import reply_rules
from ..workflow import SEND_TRANSITIONS, TODO_STATES, SendStatus, State
from .base import (
    OutdatedThread,
    PersonalDataInPublicReply,
    ReplyInvalid,
    ServiceError,
    conversation_lock,
    event_append,
    message_counted,
    state_change,
)

logger = logging.getLogger(__name__)

SEND_REPLY_TASK = "channels.tasks.send_reply"
RECONCILE_REPLY_TASK = "channels.tasks.reconcile_reply"


def _send_status_move(message_id: int, *, expected: str, new: str, **changes) -> bool:
    """The one way a reply's send status changes: UPDATE … WHERE send_status = expected."""
    return SEND_TRANSITIONS.apply(
        Message.objects.filter(pk=message_id), field="send_status", expected=expected, new=new, **changes
    )


@transaction.atomic
def reply_queue(
    *,
    conversation_id: int,
    user: AbstractBaseUser,
    text: str,
    private: bool = False,
    last_seen_message_id: int | None = None,
    confirmed_newer: bool = False,
    confirmed_personal_data: bool = False,
) -> Message:
    """Save a reply as queued and have a task send it after commit.

    `private`: answer a public comment with a private message, where the platform allows it.
    `last_seen_message_id`: the newest message the writer saw when they began writing; if the
    citizen wrote after it, the reply is refused (it may no longer fit) unless the writer confirms
    they read the new message (`confirmed_newer`); the writer keeps their text either way.
    Placeholders are filled from the conversation as it is now; one left unfilled refuses the reply.
    A PUBLIC reply that names personal data (BSN, phone, e-mail, IBAN, postcode and house number,
    licence plate) is refused unless the writer confirms it (`confirmed_personal_data`); the
    refusal says whether it can go as a private message instead.
    """
    conversation = conversation_lock(conversation_id)
    if last_seen_message_id is not None and not confirmed_newer:
        newer = conversation.messages.filter(direction=Message.Direction.INBOUND, pk__gt=last_seen_message_id)
        if newer.exists():
            raise OutdatedThread(
                _(
                    "The citizen wrote again while you were writing. Read the new message first; "
                    "your text has been kept and was not sent."
                )
            )
    text = placeholders_fill(storable_text(text).strip(), conversation=conversation, user=user)
    rules = reply_rules(conversation.account.platform)
    if not text:
        raise ReplyInvalid(_("The reply is empty."))
    if left := placeholders_left(text):
        raise ReplyInvalid(
            _(
                "The reply still contains %(placeholders)s. Fill it in (register the case first for {zaaknummer}) or remove it; nothing was sent."
            )
            % {"placeholders": ", ".join(left)}
        )
    length = rules.count(text)
    if length > rules.max_length:
        raise ReplyInvalid(
            _("The reply is %(length)d characters; this channel allows %(max)d.")
            % {"length": length, "max": rules.max_length}
        )
    if conversation.state == State.CLOSED:
        raise ReplyInvalid(_("This conversation is closed; reopen it first."))
    if refusal := rules.refusal_for(conversation):
        raise ReplyInvalid(refusal)
    private_target = rules.private_reply_target(conversation) if private else ""
    if private and not private_target:
        raise ReplyInvalid(_("A private reply is not possible in this conversation (any more)."))
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can reply.")
    )
    if not (conversation.is_private or private_target or confirmed_personal_data):
        if findings := personal_data_find(text):
            raise PersonalDataInPublicReply(
                _(
                    "This public reply contains personal data (%(kinds)s); everyone can read it. "
                    "Send it as a private message, remove it, or confirm that it may be public."
                )
                % {"kinds": ", ".join(dict.fromkeys(str(f.label) for f in findings))},
                findings=findings,
                private_possible=bool(rules.private_reply_target(conversation)),
            )
    if conversation.assignee_id is None:
        conversation.assignee = user
        event_append(conversation, kind=Event.Kind.CLAIMED, actor=user)
    last_inbound = (
        conversation.messages.filter(direction=Message.Direction.INBOUND).order_by("-created_at").first()
    )
    message = Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction=Message.Direction.OUTBOUND,
        in_reply_to_platform_id=private_target or (last_inbound.platform_id if last_inbound else ""),
        kind="private_reply" if private_target else "",
        text=text,
        author_name=user.get_full_name() or user.get_username(),
        sent_by=user,
        created_at=timezone.now(),
        send_status=SendStatus.QUEUED,
    )
    message_counted(conversation, message)
    if conversation.state in TODO_STATES:
        state_change(
            conversation, State.ANSWERED, kind=Event.Kind.REPLY_QUEUED, actor=user, message=message.pk
        )
    else:
        event_append(conversation, kind=Event.Kind.REPLY_QUEUED, actor=user, message=message.pk)
    conversation.save()
    transaction.on_commit(lambda: enqueue_send(message.pk))
    return message


def enqueue_send(message_id: int) -> None:
    """Hand a queued reply to the sending task; if the broker is down, send_pending catches up."""
    try:
        current_app.signature(SEND_REPLY_TASK, args=(message_id,)).apply_async()
    except Exception:
        logger.exception("Could not enqueue reply %s; send_pending will pick it up", message_id)


def enqueue_reconcile(message_id: int) -> None:
    """Have a reply whose outcome is unknown looked up on the platform; send_pending is the net."""
    try:
        current_app.signature(RECONCILE_REPLY_TASK, args=(message_id,)).apply_async()
    except Exception:
        logger.exception("Could not enqueue the lookup of reply %s; send_pending will pick it up", message_id)


def reply_start_sending(*, message_id: int) -> Message | None:
    """Move a queued reply to sending; None when it is not queued (sent already, or being sent)."""
    moved = _send_status_move(
        message_id,
        expected=SendStatus.QUEUED,
        new=SendStatus.SENDING,
        send_started_at=timezone.now(),
        send_attempts=F("send_attempts") + 1,
    )
    if not moved:
        return None
    return Message.objects.select_related("account", "conversation").get(pk=message_id)


@transaction.atomic
def reply_mark_sent(*, message_id: int, platform_id: str) -> Message:
    """The platform posted the reply: it said so while sending, or the reply was found there when
    its outcome was unknown (reply_reconciled on the timeline)."""
    message = Message.objects.select_for_update().get(pk=message_id)
    if not SEND_TRANSITIONS.allowed(message.send_status, SendStatus.SENT):
        # Only a reply being sent or being looked up can become sent. Anything else means the
        # platform has a post for a reply we no longer treat as pending: a person must look.
        logger.error("Reply %s is %s but was posted as %s", message.pk, message.send_status, platform_id)
        raise ServiceError(f"Reply {message.pk} is {message.send_status}; it cannot become sent.")
    conversation = conversation_lock(message.conversation_id)
    now = timezone.now()
    changes = {"send_error": "", "platform_id": platform_id, "created_at": now}
    read_back = _read_back_copy(message, platform_id)
    detail = {"platform_id": platform_id}
    if read_back is not None:
        # A poll read our reply back before we knew it was posted: that copy is this reply, so it
        # gives way (keeping the platform's time), and the thread shows the reply once.
        changes["created_at"] = read_back.created_at
        detail["read_back"] = read_back.pk
        read_back.delete()
        _uncounted(conversation, read_back)
    reconciled = message.send_status == SendStatus.UNKNOWN
    if not _send_status_move(message.pk, expected=message.send_status, new=SendStatus.SENT, **changes):
        raise ServiceError(f"Reply {message.pk} is {message.send_status}; it cannot become sent.")
    conversation.first_response_at = conversation.first_response_at or changes["created_at"]
    conversation.last_message_at = max(conversation.last_message_at, changes["created_at"])
    event_append(
        conversation,
        kind=Event.Kind.REPLY_RECONCILED if reconciled else Event.Kind.REPLY_SENT,
        message=message.pk,
        **detail,
    )
    conversation.save()
    message.refresh_from_db()
    # The read-back copy was counted as a reply sent at its time: this reply takes its place.
    changes_counted(
        messages_added=[message],
        messages_removed=[read_back] if read_back is not None else [],
        conversations=[conversation],
    )
    return message


def _uncounted(conversation: Conversation, removed: Message) -> None:
    """The queue's message count without a removed read-back copy (outbound: no preview changes)."""
    if removed.conversation_id == conversation.pk:
        conversation.message_count = max(conversation.message_count - 1, 0)
    else:
        Conversation.objects.filter(pk=removed.conversation_id, message_count__gt=0).update(
            message_count=F("message_count") - 1, updated_at=timezone.now()
        )


def _read_back_copy(message: Message, platform_id: str) -> Message | None:
    """The message a poll stored for this platform id, if any: only our own post read back (outbound,
    nobody's reply in the inbox) may be one; anything else holding the id is a refusal."""
    holder = (
        Message.objects.select_for_update()
        .filter(account_id=message.account_id, platform_id=platform_id)
        .exclude(pk=message.pk)
        .first()
    )
    if holder is None:
        return None
    if holder.direction != Message.Direction.OUTBOUND or holder.sent_by_id is not None:
        raise ServiceError(f"Platform id {platform_id} already belongs to message {holder.pk}.")
    return holder


@transaction.atomic
def reply_mark_unknown(*, message_id: int, reason: str) -> Message | None:
    """A reply being sent may or may not have been posted: unknown, and looked up on the platform
    after commit. None (and nothing written) when the reply is no longer being sent."""
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = conversation_lock(message.conversation_id)
    reason = storable_text(reason)[:2000]
    moved = _send_status_move(
        message.pk,
        expected=SendStatus.SENDING,
        new=SendStatus.UNKNOWN,
        send_error=reason,
        send_unknown_since=timezone.now(),
    )
    if not moved:
        logger.warning(
            "Reply %s is %s, not sending; it is not marked unknown", message.pk, message.send_status
        )
        return None
    event_append(conversation, kind=Event.Kind.REPLY_UNKNOWN, message=message.pk, error=reason)
    conversation.save()
    transaction.on_commit(lambda: enqueue_reconcile(message.pk))
    message.refresh_from_db()
    return message


@transaction.atomic
def reply_mark_not_found(*, message_id: int) -> Message | None:
    """A reply whose outcome was unknown is not on the platform, looked up after its read delay:
    failed, and safe to send again. None (and nothing written) when it is no longer unknown."""
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = conversation_lock(message.conversation_id)
    error = _("Not found on the platform; sending it again is safe.")
    if not _send_status_move(
        message.pk, expected=SendStatus.UNKNOWN, new=SendStatus.FAILED, send_error=error
    ):
        logger.warning("Reply %s is %s, not unknown; not marked not found", message.pk, message.send_status)
        return None
    event_append(conversation, kind=Event.Kind.REPLY_FAILED, message=message.pk, error=error, reconciled=True)
    conversation.save()
    message.refresh_from_db()
    return message


@transaction.atomic
def reply_mark_failed(*, message_id: int, error: str, will_retry: bool = False) -> Message | None:
    """Record a failed attempt of a reply being sent: back to queued when the task retries, else
    failed for a person. None (and nothing written) when the reply is no longer being sent."""
    message = Message.objects.select_for_update().get(pk=message_id)
    conversation = conversation_lock(message.conversation_id)
    send_error = storable_text(error)[:2000]
    new = SendStatus.QUEUED if will_retry else SendStatus.FAILED
    if not _send_status_move(message.pk, expected=SendStatus.SENDING, new=new, send_error=send_error):
        logger.warning(
            "Reply %s is %s, not sending; its failure is not recorded", message.pk, message.send_status
        )
        return None
    if not will_retry:
        event_append(conversation, kind=Event.Kind.REPLY_FAILED, message=message.pk, error=send_error)
    conversation.save()
    message.refresh_from_db()
    return message


@transaction.atomic
def reply_retry(*, message_id: int, user: AbstractBaseUser) -> Message:
    """A person sends a failed reply again."""
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.send_status == SendStatus.UNKNOWN:
        raise ServiceError(
            _(
                "This reply may already have been posted; it is being checked on the platform. "
                "It can be sent again only once it is known not to be there."
            )
        )
    if message.send_status != SendStatus.FAILED:
        raise ServiceError(_("Only a failed reply can be retried."))
    conversation = conversation_lock(message.conversation_id)
    _send_status_move(message.pk, expected=SendStatus.FAILED, new=SendStatus.QUEUED)
    event_append(conversation, kind=Event.Kind.REPLY_RETRIED, actor=user, message=message.pk)
    conversation.save()
    transaction.on_commit(lambda: enqueue_send(message.pk))
    message.refresh_from_db()
    return message


def replies_stale_sending_unknown() -> int:
    """Replies stuck in 'sending' (a worker died mid-call) may or may not be posted: their outcome
    becomes unknown and they are looked up on the platform, never sent again blindly."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.INBOX_SENDING_STALE_SECONDS)
    stale = Message.objects.filter(send_status=SendStatus.SENDING, send_started_at__lt=cutoff)
    moved = 0
    for message_id in list(stale.values_list("pk", flat=True)):
        reason = _("Sending was interrupted; looking on the platform whether it was posted.")
        moved += reply_mark_unknown(message_id=message_id, reason=reason) is not None
    return moved
