"""Retention: closed conversations past WEBCARE_RETENTION_DAYS pseudonymised, raw platform payloads
and webhook bodies past WEBCARE_RAW_RETENTION_DAYS emptied. Nightly (privacy.tasks) and
`retention_run [--dry-run]`."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from channels.models import WebhookDelivery
from inbox.models import Contact, Conversation, Message, MonitoringHit
from inbox.workflow import State

from .pseudonymise import contact_pseudonymise, conversation_pseudonymise

BATCH = 200


def _due(now):
    conversations = Conversation.objects.filter(
        state=State.CLOSED,
        closed_at__lt=now - dt.timedelta(days=settings.WEBCARE_RETENTION_DAYS),
        pseudonymised_at__isnull=True,
    ).order_by("pk")
    raw_before = now - dt.timedelta(days=settings.WEBCARE_RAW_RETENTION_DAYS)
    return (
        conversations,
        Message.objects.filter(received_at__lt=raw_before).exclude(raw=""),
        MonitoringHit.objects.filter(found_at__lt=raw_before).exclude(raw=""),
        WebhookDelivery.objects.filter(received_at__lt=raw_before)
        .exclude(body="")
        .exclude(status=WebhookDelivery.Status.PENDING),
    )


def retention_run(*, dry_run: bool = False, via: str = "task") -> dict:
    """What retention removes now (or would, with dry_run). Conversations go in batches, each in its
    own transaction, so a long first run never holds locks for long."""
    now = timezone.now()
    conversations, raws, hit_raws, bodies = _due(now)
    summary = {
        "conversations": conversations.count(),
        "raw_payloads": raws.count(),
        "monitoring_raw": hit_raws.count(),
        "webhook_bodies": bodies.count(),
        "contacts": 0,
        "dry_run": dry_run,
    }
    if dry_run:
        return summary
    contact_ids: set[int] = set()
    while ids := list(conversations.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            for conversation in Conversation.objects.select_for_update().filter(pk__in=ids):
                conversation_pseudonymise(conversation, why="retention")
                contact_ids.add(conversation.contact_id)
    with transaction.atomic():
        raws.update(raw="")
        hit_raws.update(raw="")
        bodies.update(body="")
        # A contact whose every conversation is pseudonymised has nothing left to be known by.
        for contact in Contact.objects.filter(pk__in=contact_ids).exclude(
            conversations__pseudonymised_at__isnull=True
        ):
            contact_pseudonymise(contact)
            summary["contacts"] += 1
        if any(summary[key] for key in ("conversations", "raw_payloads", "monitoring_raw", "webhook_bodies")):
            audit_record(
                action=AuditEntry.Action.RETENTION_RUN,
                actor_name=via,
                via=via,
                detail={
                    **summary,
                    "retention_days": settings.WEBCARE_RETENTION_DAYS,
                    "raw_retention_days": settings.WEBCARE_RAW_RETENTION_DAYS,
                },
            )
    return summary
