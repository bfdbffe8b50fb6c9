"""A verwijderverzoek: a citizen's personal data removed everywhere (contact_erase)."""

from django.db import transaction
from django.db.models import Q

from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case
from channels.models import WebhookDelivery
from inbox.models import Contact, Conversation, MonitoringHit

from .needles import needles_for
from .pseudonymise import (
    REMOVED,
    case_pseudonymise,
    contact_pseudonymise,
    conversation_pseudonymise,
    needle_pattern,
    replace_in,
)
from .sweep import sweep


@transaction.atomic
def contact_erase(*, contact: Contact, reason: str, actor=None, request=None, via: str = "command") -> dict:
    """Remove the citizen's names, handles, texts, raw payloads and webhook bodies; keep counts,
    dates, states and case numbers. An audit entry says that it happened and why (the reason
    cleaned of what it would otherwise name)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    needles = needles_for(contact)
    pattern = needle_pattern(needles) if needles else None
    conversations = list(Conversation.objects.filter(contact=contact).order_by("pk"))
    messages = 0
    for conversation in conversations:
        messages += conversation_pseudonymise(conversation, why="erasure")["messages"]
    case_q = Q(pk__in=[c.case_id for c in conversations if c.case_id])
    if contact.handle:
        case_q |= Q(contact_handle__iexact=contact.handle, contact_platform=contact.platform)
    cases = list(Case.objects.filter(case_q))
    for case in cases:
        case_pseudonymise(case)
    hits = MonitoringHit.objects.filter(account__platform=contact.platform).filter(
        Q(author_id=contact.platform_user_id) | Q(author_handle__iexact=contact.handle or "\0")
    )
    hit_count = hits.update(author_id="", author_handle="", author_name="", text=REMOVED, raw="", media=[])
    deliveries = 0
    if contact.platform_user_id:
        # A delivery's body can hold other people's items too; it has been processed (polling is
        # the catch-up path), so it goes whole.
        deliveries = WebhookDelivery.objects.filter(body__contains=f'"{contact.platform_user_id}"').update(
            body=""
        )
    contact_pseudonymise(contact)
    swept = sweep(needles, pattern) if needles else {}
    clean_reason = replace_in(reason.strip(), pattern)[:500] if pattern else reason.strip()[:500]
    summary = {
        "conversations": len(conversations),
        "messages": messages,
        "cases": [case.number for case in cases],
        "monitoring_hits": hit_count,
        "webhook_deliveries": deliveries,
        "swept": swept,
    }
    audit_record(
        action=AuditEntry.Action.CONTACT_ERASED,
        actor=actor,
        actor_name="" if actor else via,
        request=request,
        via=via,
        object_type="inbox.contact",
        object_id=contact.pk,
        object_repr=f"contact #{contact.pk}",
        detail={"reason": clean_reason, **summary},
    )
    return summary
