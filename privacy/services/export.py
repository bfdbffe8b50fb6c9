"""An inzageverzoek: everything held about one citizen, as JSON (contact_export)."""

import json

from django.db import transaction
from django.db.models import Q

from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case
from channels.models import WebhookDelivery
from inbox.models import Contact, Conversation, Event, Message, MonitoringHit, Notification
from triage.models import ConversationTriage

from .needles import needles_for


def _iso(moment):
    return moment.isoformat() if moment else None


def _raw(text: str):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _message(m: Message) -> dict:
    return {
        "id": m.pk,
        "direction": m.direction,
        "kind": m.kind,
        "platform_id": m.platform_id,
        "text": m.text,
        "author_name": m.author_name,
        "media": m.media,
        # The photos and videos we copied: what they are and where they came from (the files
        # themselves are served to the staff only, never exported by address).
        "attachments": [
            {"kind": a.kind, "alt": a.alt, "platform_url": a.platform_url, "status": a.status, "size": a.size}
            for a in m.attachments.all()
        ],
        "created_at": _iso(m.created_at),
        "send_status": m.send_status,
        "hidden": m.hidden,
        "raw": _raw(m.raw),
    }


def _event(e: Event) -> dict:
    return {
        "kind": e.kind,
        "at": _iso(e.created_at),
        "by": e.actor.get_username() if e.actor else None,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "data": e.data,
    }


def _case(case: Case) -> dict:
    return {
        "number": case.number,
        "category": case.category,
        "description": case.description,
        "location": case.location,
        "status": case.status,
        "contact_name": case.contact_name,
        "contact_handle": case.contact_handle,
        "created_at": _iso(case.created_at),
        "contacts": [
            {"channel": mc.channel, "text": mc.text, "happened_at": _iso(mc.happened_at)}
            for mc in case.manual_contacts.all()
        ],
        "timeline": [
            {"kind": ev.kind, "at": _iso(ev.created_at), "data": ev.data} for ev in case.events.all()
        ],
    }


def contact_data(contact: Contact) -> dict:
    """Every row that is about this citizen or names them, in one JSON-ready dict."""
    conversations = (
        Conversation.objects.filter(contact=contact)
        .select_related("account", "case")
        .prefetch_related("messages", "events__actor")
        .order_by("pk")
    )
    needles = needles_for(contact)
    case_ids = {c.case_id for c in conversations if c.case_id}
    case_q = Q(pk__in=case_ids)
    if contact.handle:
        case_q |= Q(contact_handle__iexact=contact.handle, contact_platform=contact.platform)
    cases = Case.objects.filter(case_q).prefetch_related("manual_contacts", "events").order_by("pk")
    # Notes and other timeline entries elsewhere that name them.
    named = Q()
    for needle in needles:
        named |= Q(data__icontains=needle)
    other_events = (
        Event.objects.exclude(conversation__contact=contact).filter(named).select_related("actor")
        if needles
        else []
    )
    hits = MonitoringHit.objects.filter(account__platform=contact.platform).filter(
        Q(author_id=contact.platform_user_id) | Q(author_handle__iexact=contact.handle or "\0")
    )
    deliveries = WebhookDelivery.objects.none()
    if contact.platform_user_id:
        deliveries = WebhookDelivery.objects.filter(body__contains=f'"{contact.platform_user_id}"')
    return {
        "contact": {
            "id": contact.pk,
            "platform": contact.platform,
            "platform_user_id": contact.platform_user_id,
            "handle": contact.handle,
            "name": contact.name,
            "created_at": _iso(contact.created_at),
        },
        "conversations": [
            {
                "id": c.pk,
                "account": c.account.handle,
                "state": c.state,
                "private": c.is_private,
                "case": c.case.number if c.case else None,
                "created_at": _iso(c.created_at),
                "closed_at": _iso(c.closed_at),
                "messages": [_message(m) for m in c.messages.all()],
                "timeline": [_event(e) for e in c.events.all()],
                "triage": _triage(c),
                "notifications": list(
                    Notification.objects.filter(conversation=c).values_list("text", flat=True)
                ),
            }
            for c in conversations
        ],
        "cases": [_case(case) for case in cases],
        "notes_elsewhere": [{"conversation": e.conversation_id, **_event(e)} for e in other_events],
        "monitoring_hits": [
            {"query": h.query, "text": h.text, "created_at": _iso(h.created_at), "raw": _raw(h.raw)}
            for h in hits
        ],
        "webhook_deliveries": [
            {"id": d.pk, "received_at": _iso(d.received_at), "body": _raw(d.body)} for d in deliveries
        ],
    }


def _triage(conversation: Conversation) -> dict | None:
    triage = ConversationTriage.objects.filter(conversation=conversation).first()
    if triage is None:
        return None
    return {"text": triage.text, "suggested": triage.suggested, "decided": triage.decided}


@transaction.atomic
def contact_export(*, contact: Contact, actor=None, request=None, via: str = "command") -> dict:
    """The inzageverzoek's answer; the export itself is audited (who, when; not what it held)."""
    data = contact_data(contact)
    audit_record(
        action=AuditEntry.Action.CONTACT_EXPORTED,
        actor=actor,
        actor_name="" if actor else via,
        request=request,
        via=via,
        object_type="inbox.contact",
        object_id=contact.pk,
        object_repr=f"contact #{contact.pk}",
        detail={
            "conversations": len(data["conversations"]),
            "messages": sum(len(c["messages"]) for c in data["conversations"]),
            "cases": len(data["cases"]),
        },
    )
    return data
