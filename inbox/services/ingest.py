"""Ingest: platform items become messages in their conversations, with the poll cursor moved in
the same transaction. Idempotent: unique on account + platform id, known ids are skipped."""

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import deadlines
from ..arrival import arrival_hooks, late_arrival_hooks
from ..incoming import IncomingMessage, IngestResult, raw_json, storable_text
from ..models import Account, Contact, Conversation, Event, Message
from ..workflow import TODO_STATES, State
from .base import conversation_lock, event_append, state_change
from .case_links import cases_link_named
from .exposure import exposure_flag
from .media import attachments_register

logger = logging.getLogger(__name__)


@transaction.atomic
def messages_ingest(
    *, account_id: int, items: Sequence[IncomingMessage], cursor: str | None, warning: str = ""
) -> IngestResult:
    """Store new platform items and move the account's cursor, all in one transaction.

    Re-delivered items are skipped (unique on account + platform id), so a repeated poll after a
    crash creates nothing twice; a crash before commit leaves the old cursor, so nothing is lost.
    `cursor=None` (a webhook delivery) stores the items and leaves the account's poll state alone.
    """
    account = Account.objects.select_for_update().get(pk=account_id)
    ids = {item.platform_id for item in items}
    known = set(
        Message.objects.filter(account=account, platform_id__in=ids).values_list("platform_id", flat=True)
    )
    created = opened = skipped = 0
    seen: set[str] = set()
    for item in sorted(items, key=lambda i: i.created_at):
        if item.platform_id in known or item.platform_id in seen:
            continue
        seen.add(item.platform_id)
        conversation, is_new = _conversation_for(account, item)
        if conversation is None:
            skipped += 1
            continue
        message_store(account, conversation, item)
        created += 1
        opened += is_new
    result = IngestResult(
        created=created,
        duplicates=len(items) - created - skipped,
        conversations_opened=opened,
        skipped=skipped,
    )
    if cursor is None:
        return result
    now = timezone.now()
    account.cursor = cursor
    account.last_polled_at = now
    account.next_poll_at = now + dt.timedelta(seconds=account.poll_interval_seconds)
    account.poll_status = Account.PollStatus.OK
    account.poll_error = ""
    fields = ["cursor", "last_polled_at", "next_poll_at", "poll_status", "poll_error"]
    if warning:
        # Kept until an admin reconnects the account: a gap does not heal by itself.
        account.poll_warning = f"{timezone.localtime(now):%Y-%m-%d %H:%M}: {storable_text(warning)[:1900]}"
        fields.append("poll_warning")
    account.save(update_fields=fields)
    return result


def contact_for(account: Account, item: IncomingMessage) -> Contact:
    """The item's author as a contact on the account's platform, name and handle kept current."""
    handle, name = storable_text(item.author_handle)[:200], storable_text(item.author_name)[:500]
    contact, created = Contact.objects.get_or_create(
        platform=account.platform,
        platform_user_id=storable_text(item.author_id)[:100],
        defaults={"handle": handle, "name": name},
    )
    if not created and (contact.handle, contact.name) != (handle, name) and (handle or name):
        contact.handle, contact.name = handle or contact.handle, name or contact.name
        contact.save(update_fields=["handle", "name"])
    return contact


def _conversation_for(account: Account, item: IncomingMessage) -> tuple[Conversation | None, bool]:
    """The conversation an item joins: the one it replies to, else its thread's latest one."""
    conversation = None
    if item.in_reply_to:
        parent = (
            Message.objects.filter(account=account, platform_id=item.in_reply_to)
            .select_related("conversation")
            .first()
        )
        conversation = parent.conversation if parent else None
    if conversation is None:
        conversation = (
            Conversation.objects.filter(account=account, thread_key=item.thread_key).order_by("-pk").first()
        )
    reopen_after = timezone.now() - dt.timedelta(days=settings.INBOX_REOPEN_WINDOW_DAYS)
    if conversation is not None:
        conversation = conversation_lock(conversation.pk)
        if conversation.state != State.CLOSED or item.outbound or conversation.closed_at >= reopen_after:
            return conversation, False
    if item.outbound:
        # The account's own posts never open a conversation.
        return None, False
    conversation = Conversation.objects.create(
        account=account,
        contact=contact_for(account, item),
        thread_key=item.thread_key,
        is_private=item.is_private,
        team=account.team,
        due_at=deadlines.due_at(item.created_at),
        started_at=item.created_at,
        last_message_at=item.created_at,
    )
    arrived = _on_arrival(conversation, storable_text(item.text))
    event_append(conversation, kind=Event.Kind.CREATED, to_state=State.NEW, account=account.handle, **arrived)
    return conversation, True


def _on_arrival(conversation: Conversation, text: str) -> dict:
    """Run the registered arrival hooks (triage) and apply what they decide: urgent priority with
    its short deadline, and the team it is routed to. Returns the data for the first event."""
    data: dict = {}
    for hook in arrival_hooks():
        decision = hook(conversation, text)
        if decision.urgent:
            conversation.priority = 1
            conversation.due_at = deadlines.due_at(conversation.last_message_at, urgent=True)
        if decision.team is not None:
            conversation.team = decision.team
        data.update(decision.event_data)
    conversation.save()
    return data


def message_store(account: Account, conversation: Conversation, item: IncomingMessage) -> Message:
    """Store one item in its (locked) conversation and move the conversation on accordingly."""
    message = Message.objects.create(
        conversation=conversation,
        account=account,
        direction=Message.Direction.OUTBOUND if item.outbound else Message.Direction.INBOUND,
        platform_id=item.platform_id,
        in_reply_to_platform_id=storable_text(item.in_reply_to)[:100],
        kind=item.kind,
        text=storable_text(item.text),
        media=item.media,
        author_name=storable_text(item.author_name or item.author_handle)[:500],
        created_at=item.created_at,
        raw=raw_json(item.raw),
        send_status=Message.SendStatus.SENT if item.outbound else "",
    )
    conversation.last_message_at = max(conversation.last_message_at, item.created_at)
    if not item.outbound:
        # An earlier message of the thread fetched after a later one: the start is the earliest.
        conversation.started_at = min(conversation.started_at, item.created_at)
    if item.outbound:
        # Answered outside the inbox (the phone app, X web, Business Suite): our answer all the same,
        # so the conversation moves on and a colleague does not answer again.
        conversation.first_response_at = conversation.first_response_at or item.created_at
        outside = {"account": account.handle, "message": item.platform_id}
        if conversation.state in TODO_STATES:
            state_change(conversation, State.ANSWERED, kind=Event.Kind.ANSWERED_OUTSIDE, **outside)
        else:
            event_append(conversation, kind=Event.Kind.ANSWERED_OUTSIDE, **outside)
    elif conversation.state in (State.ANSWERED, State.CLOSED):
        kind = Event.Kind.REOPENED if conversation.state == State.CLOSED else Event.Kind.CITIZEN_WROTE
        state_change(conversation, State.OPEN, kind=kind, message=item.platform_id)
        conversation.due_at = deadlines.due_at(item.created_at, urgent=conversation.priority > 0)
    exposure_flag(conversation=conversation, message=message)
    conversation.save()
    if not item.outbound:
        # A message naming a known case number links its conversation to that case.
        cases_link_named(conversation=conversation, message=message)
        if item.media:
            attachments_register(message=message)  # fetched into our storage by a task after commit
    day = timezone.localdate(item.created_at)
    if day < timezone.localdate():
        # Fetched after its day ended (a poll catching up, a promoted search hit): that day's
        # frozen figures no longer hold.
        for hook in late_arrival_hooks():
            hook(day)
    return message
