"""Removing a citizen's personal data from the rows that hold it, keeping what the figures and the
case register need (counts, dates, states, case numbers). Shared by erasure and retention."""

import json
import re

from django.db.models import Q
from django.utils import timezone

from cases.models import Case, ManualContact
from inbox.models import Contact, Conversation, Event, Message, MonitoringHit, Notification
from inbox.services.media import attachments_remove
from triage.models import ConversationTriage

REMOVED = "[verwijderd]"
# Timeline entries keep their kind, actor, time and states; free text in their data goes.
EVENT_TEXT_KEYS = {"text", "note", "question", "advice", "error", "preview", "reason"}


def conversation_pseudonymise(conversation: Conversation, *, why: str) -> dict:
    """Empty the texts, names, raw payloads and platform ids of one conversation, and mark it."""
    messages = Message.objects.filter(conversation=conversation)
    counts = {"messages": messages.count(), "attachments": attachments_remove(conversation_id=conversation.pk)}
    # Our replies keep their platform id (our own posts); the citizen's lose theirs.
    messages.filter(direction=Message.Direction.INBOUND).update(platform_id=None, in_reply_to_platform_id="")
    messages.update(text=REMOVED, author_name="", raw="", media=[], personal_data=[], send_error="")
    for event in Event.objects.filter(conversation=conversation):
        data = {
            key: (REMOVED if key in EVENT_TEXT_KEYS and value else value) for key, value in event.data.items()
        }
        if data != event.data:
            Event.objects.filter(pk=event.pk).update(data=data)
    Notification.objects.filter(conversation=conversation).update(text=REMOVED)
    ConversationTriage.objects.filter(conversation=conversation).update(text="", reasons={})
    MonitoringHit.objects.filter(conversation=conversation).update(
        author_id="", author_handle="", author_name="", text=REMOVED, raw="", media=[]
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        thread_key=f"removed:{conversation.pk}",
        preview="",
        personal_data_exposed=False,
        pseudonymised_at=timezone.now(),
    )
    Event.objects.create(conversation=conversation, kind=Event.Kind.PSEUDONYMISED, data={"why": why})
    return counts


def contact_pseudonymise(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(
        handle=f"verwijderd-{contact.pk}", name="", platform_user_id=f"removed:{contact.pk}"
    )


def case_pseudonymise(case: Case) -> None:
    """A case keeps its number, category, status and dates; who reported it, and what they said, go."""
    Case.objects.filter(pk=case.pk).update(contact_name="", contact_handle="")
    ManualContact.objects.filter(case=case).update(text=REMOVED)


def replace_in(value, pattern: re.Pattern):
    """`value` (text, or JSON: dicts, lists, strings) with every match of `pattern` removed."""
    if isinstance(value, str):
        return pattern.sub(REMOVED, value)
    if isinstance(value, list):
        return [replace_in(item, pattern) for item in value]
    if isinstance(value, dict):
        return {replace_in(k, pattern): replace_in(v, pattern) for k, v in value.items()}
    return value


def needle_pattern(needles: list[str]) -> re.Pattern:
    # Also as JSON escapes them (raw payloads are stored with ensure_ascii).
    variants = {n for needle in needles for n in (needle, json.dumps(needle)[1:-1])}
    return re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)), re.IGNORECASE)


def contact_rows_q(contact: Contact) -> Q:
    return Q(contact=contact)
