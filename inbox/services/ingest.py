"""Ingest: platform items become messages in their conversations, with the poll cursor moved in
the same transaction. Idempotent: unique on account + platform id, known ids are skipped.

A poll page is ingested as a whole (ADR 0014): its known ids, threads, conversations and contacts
are looked up in one query each, its new conversations are triaged together, and its messages and
timeline events are inserted in bulk; the per-item rules (threading, reopening, answered outside
the inbox) are the same as for one item (`message_store`, which monitoring uses).
"""

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .. import deadlines
from ..arrival import arrival_decide, late_arrival_hooks
from ..counting import changes_counted
from ..incoming import IncomingMessage, IngestResult, raw_json, storable_text
from ..models import Account, Contact, Conversation, Event, Message
from ..workflow import TODO_STATES, State
from .base import event_build, message_counted, state_change_built
from .case_links import cases_link_named
from .exposure import exposure_flag
from .media import attachments_register

logger = logging.getLogger(__name__)

# What ingest may change on a conversation: written for the whole page in one statement.
_CONVERSATION_FIELDS = [
    "state",
    "priority",
    "team",
    "due_at",
    "first_response_at",
    "closed_at",
    "last_message_at",
    "started_at",
    "message_count",
    "last_inbound_at",
    "preview",
    "last_activity_at",
    "personal_data_exposed",
    "updated_at",
]


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
    page = _Page(account)
    fresh = page.fresh_items(items)
    page.resolve(fresh)
    page.decide_arrivals()
    for item in fresh:
        conversation = page.target.get(item.platform_id)
        if conversation is not None:
            page.store(conversation, item)
    page.write()
    result = IngestResult(
        created=len(page.messages),
        duplicates=len(items) - len(page.messages) - page.skipped,
        conversations_opened=len(page.opened),
        skipped=page.skipped,
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


@dataclass
class _Page:
    """One page of items on their way in: what they join, and the rows to write."""

    account: Account
    # platform id → the conversation the item goes to (only items that are stored).
    target: dict[str, Conversation] = field(default_factory=dict)
    # The items that open a conversation, with the conversation they open: inserted once, in `write`,
    # with everything the page and triage decided for it.
    opened: list[tuple[IncomingMessage, Conversation]] = field(default_factory=list)
    # The conversations already stored that the page changes (by id): updated in one statement.
    touched: dict[int, Conversation] = field(default_factory=dict)
    # Rows arrival hooks made for the new conversations (triage's), inserted right after them.
    arrival_rows: list = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    skipped: int = 0
    _parents: dict[str, int] = field(default_factory=dict)

    def fresh_items(self, items: Sequence[IncomingMessage]) -> list[IncomingMessage]:
        """The items not stored yet, oldest first, each once. One query answers both "is it known"
        and "which conversation holds the message it replies to"."""
        ids = {item.platform_id for item in items}
        wanted = ids | {item.in_reply_to for item in items if item.in_reply_to}
        stored = dict(
            Message.objects.filter(account=self.account, platform_id__in=wanted).values_list(
                "platform_id", "conversation_id"
            )
        )
        self._parents = stored
        fresh, seen = [], set()
        for item in sorted(items, key=lambda i: i.created_at):
            if item.platform_id in stored or item.platform_id in seen:
                continue
            seen.add(item.platform_id)
            fresh.append(item)
        return fresh

    def resolve(self, fresh: list[IncomingMessage]) -> None:
        """Decide for each item which conversation it joins, or that it opens one (or is skipped):
        the one it replies to, else its thread's latest one; a closed one only within the reopen
        window (the account's own posts join a closed one; they never open a conversation)."""
        threads = {item.thread_key for item in fresh}
        parents = {self._parents[i.in_reply_to] for i in fresh if i.in_reply_to in self._parents}
        # The page's threads and the conversations its replies answer in, locked in one statement and
        # in id order, so two pages touching the same conversations never deadlock.
        locked = {
            c.pk: c
            for c in Conversation.objects.select_for_update()
            .filter(Q(account=self.account, thread_key__in=threads) | Q(pk__in=parents))
            .order_by("pk")
        }
        by_thread: dict[str, Conversation] = {}
        for conversation in locked.values():  # in id order: each thread's latest one stays
            if conversation.account_id == self.account.pk and conversation.thread_key in threads:
                by_thread[conversation.thread_key] = conversation
        reopen_after = timezone.now() - dt.timedelta(days=settings.INBOX_REOPEN_WINDOW_DAYS)
        for item in fresh:
            conversation = self.target.get(item.in_reply_to) if item.in_reply_to else None
            if conversation is None and item.in_reply_to in self._parents:
                conversation = locked.get(self._parents[item.in_reply_to])
            if conversation is None:
                conversation = by_thread.get(item.thread_key)
            if conversation is not None and (
                conversation.state != State.CLOSED or item.outbound or conversation.closed_at >= reopen_after
            ):
                self.target[item.platform_id] = conversation
                continue
            if item.outbound:
                self.skipped += 1
                continue
            conversation = Conversation(
                account=self.account,
                thread_key=item.thread_key,
                is_private=item.is_private,
                team_id=self.account.team_id,
                due_at=deadlines.due_at(item.created_at),
                started_at=item.created_at,
                last_message_at=item.created_at,
            )
            self.opened.append((item, conversation))
            self.target[item.platform_id] = by_thread[item.thread_key] = conversation

    def decide_arrivals(self) -> None:
        """Give the new conversations their contacts and apply what triage decides for them (they are
        saved in `write`, once, after the page's messages have moved them on)."""
        if not self.opened:
            return
        contacts = contacts_for(self.account, [item for item, _ in self.opened])
        for item, conversation in self.opened:
            conversation.contact = contacts[storable_text(item.author_id)[:100]]
        arrivals = [(conversation, storable_text(item.text)) for item, conversation in self.opened]
        for (conversation, _text), decisions in zip(arrivals, arrival_decide(arrivals), strict=True):
            data: dict = {}
            for decision in decisions:
                if decision.urgent:
                    conversation.priority = 1
                    conversation.due_at = deadlines.due_at(conversation.last_message_at, urgent=True)
                if decision.team is not None:
                    conversation.team = decision.team
                data.update(decision.event_data)
                self.arrival_rows += decision.rows
            self.events.append(
                event_build(
                    conversation,
                    kind=Event.Kind.CREATED,
                    to_state=State.NEW,
                    account=self.account.handle,
                    **data,
                )
            )

    def store(self, conversation: Conversation, item: IncomingMessage) -> None:
        message = message_for(self.account, conversation, item)
        self.messages.append(message)
        self.events += message_arrived(self.account, conversation, item, message)
        if conversation.pk is not None:
            self.touched[conversation.pk] = conversation

    def write(self) -> None:
        """The new conversations in one insert, as the page left them, with the arrival hooks' rows;
        every message and event in one insert each; the conversations stored before in one update
        (case links last: they save their conversation and write on the case)."""
        now = timezone.now()
        opened = [conversation for _, conversation in self.opened]
        for conversation in [*opened, *self.touched.values()]:
            conversation.updated_at = now
        Conversation.objects.bulk_create(opened)
        rows_by_model: dict[type, list] = {}
        for row in self.arrival_rows:
            rows_by_model.setdefault(type(row), []).append(row)
        for model, rows in rows_by_model.items():
            model.objects.bulk_create(rows)
        Message.objects.bulk_create(self.messages)
        Event.objects.bulk_create(self.events)
        rows_update(Conversation, list(self.touched.values()), _CONVERSATION_FIELDS)
        changes_counted(messages_added=self.messages, conversations=[*opened, *self.touched.values()])
        for message in self.messages:
            if message.direction == Message.Direction.INBOUND:
                # A message naming a known case number links its conversation to that case.
                cases_link_named(conversation=message.conversation, message=message)
                if message.media:
                    attachments_register(message=message)  # fetched into our storage after commit
        days_ended({timezone.localdate(message.created_at) for message in self.messages})


def rows_update(model, objects: list, names: list[str]) -> None:
    """Write these fields of these saved objects of one model in one statement. On PostgreSQL an
    UPDATE … FROM VALUES (Django's bulk_update builds a CASE per field and row, which costs more to
    compile than to run); elsewhere bulk_update."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, names)
        return
    fields = [model._meta.get_field(name) for name in names]
    pk = model._meta.pk
    columns = [pk, *fields]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in columns) + ")"
    params = [_prepared(field, getattr(obj, field.attname)) for obj in objects for field in columns]
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    names_sql = ", ".join(quote(f.column) for f in columns)
    # Only names from the model's own meta go into the text; every value is a parameter.
    sql = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(objects))}) "  # noqa: S608
        f"AS v({names_sql}) WHERE {table}.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Values the database driver sends as they are: Django's own preparation of these returns them
# unchanged on PostgreSQL, at a cost that was a third of a page's update (ADR 0014).
_PLAIN_TYPES = frozenset({int, str, bool, float, type(None)})


def _prepared(field, value):
    """A value as the field would prepare it for saving: plain values and aware datetimes as they
    are, anything else (a naive datetime, a lazy string, a choices member) through the field."""
    kind = type(value)
    if kind in _PLAIN_TYPES or (kind is dt.datetime and value.tzinfo is not None):
        return value
    return field.get_db_prep_save(value, connection)


def contacts_for(account: Account, items: Sequence[IncomingMessage]) -> dict[str, Contact]:
    """The items' authors as contacts on the account's platform (by platform user id), created where
    new, name and handle kept current. A few queries, however many items."""
    wanted: dict[str, tuple[str, str]] = {}
    for item in items:
        handle, name = storable_text(item.author_handle)[:200], storable_text(item.author_name)[:500]
        wanted[storable_text(item.author_id)[:100]] = (handle, name)
    platform = account.platform
    found = {
        c.platform_user_id: c for c in Contact.objects.filter(platform=platform, platform_user_id__in=wanted)
    }
    missing = [uid for uid in wanted if uid not in found]
    if missing:
        # Another poll (a webhook, the same person on another account) may add one at the same time.
        Contact.objects.bulk_create(
            [
                Contact(platform=platform, platform_user_id=uid, handle=wanted[uid][0], name=wanted[uid][1])
                for uid in missing
            ],
            ignore_conflicts=True,
        )
        found |= {
            c.platform_user_id: c
            for c in Contact.objects.filter(platform=platform, platform_user_id__in=missing)
        }
    changed = []
    for uid, (handle, name) in wanted.items():
        contact = found[uid]
        if (contact.handle, contact.name) != (handle, name) and (handle or name):
            contact.handle, contact.name = handle or contact.handle, name or contact.name
            changed.append(contact)
    if changed:
        rows_update(Contact, changed, ["handle", "name"])
    return found


def contact_for(account: Account, item: IncomingMessage) -> Contact:
    """The item's author as a contact on the account's platform, name and handle kept current."""
    return contacts_for(account, [item])[storable_text(item.author_id)[:100]]


def message_for(account: Account, conversation: Conversation, item: IncomingMessage) -> Message:
    """The message an item becomes, not saved yet."""
    return Message(
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


def days_ended(days: set) -> None:
    """Messages whose platform day had ended before they were fetched (a poll catching up, a promoted
    search hit): those days' frozen figures no longer hold. Once per day, however many messages."""
    today = timezone.localdate()
    for day in sorted(d for d in days if d < today):
        for hook in late_arrival_hooks():
            hook(day)


def message_arrived(
    account: Account, conversation: Conversation, item: IncomingMessage, message: Message
) -> list[Event]:
    """Move a (locked) conversation on for a message that arrived in it; returns the events to append."""
    return _conversation_moved(account, conversation, item, message) + exposure_flag(
        conversation=conversation, message=message
    )


def _conversation_moved(
    account: Account, conversation: Conversation, item: IncomingMessage, message: Message
) -> list[Event]:
    message_counted(conversation, message)
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
            return [
                state_change_built(conversation, State.ANSWERED, kind=Event.Kind.ANSWERED_OUTSIDE, **outside)
            ]
        return [event_build(conversation, kind=Event.Kind.ANSWERED_OUTSIDE, **outside)]
    elif conversation.state in (State.ANSWERED, State.CLOSED):
        kind = Event.Kind.REOPENED if conversation.state == State.CLOSED else Event.Kind.CITIZEN_WROTE
        event = state_change_built(conversation, State.OPEN, kind=kind, message=item.platform_id)
        conversation.due_at = deadlines.due_at(item.created_at, urgent=conversation.priority > 0)
        return [event]
    return []


def message_store(account: Account, conversation: Conversation, item: IncomingMessage) -> Message:
    """Store one item in its (locked) conversation and move the conversation on accordingly."""
    message = message_for(account, conversation, item)
    events = message_arrived(account, conversation, item, message)
    message.save(force_insert=True)
    Event.objects.bulk_create(events)
    conversation.save()
    changes_counted(messages_added=[message], conversations=[conversation])
    if not item.outbound:
        # A message naming a known case number links its conversation to that case.
        cases_link_named(conversation=conversation, message=message)
        if item.media:
            attachments_register(message=message)  # fetched into our storage by a task after commit
    days_ended({timezone.localdate(item.created_at)})
    return message
