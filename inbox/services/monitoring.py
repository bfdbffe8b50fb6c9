"""Monitoring: posts found by an account's search queries, kept out of the queue until an agent
promotes one (it becomes a conversation; nothing is sent) or dismisses it."""

import json
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines
from ..incoming import IncomingMessage, raw_json, storable_text
from ..models import Account, Conversation, Event, Message, MonitoringHit
from ..workflow import State
from .base import ServiceError, conversation_lock, event_append
from .ingest import contact_for, message_store


def monitoring_hits_record(*, account_id: int, query: str, items: Sequence[IncomingMessage]) -> int:
    """Keep what a monitoring query found, out of the queue. Safe to repeat: known hits are skipped."""
    hits = [
        MonitoringHit(
            account_id=account_id,
            query=storable_text(query)[:500],
            platform_id=storable_text(item.platform_id)[:100],
            thread_key=storable_text(item.thread_key)[:200],
            author_id=storable_text(item.author_id)[:100],
            author_handle=storable_text(item.author_handle)[:200],
            author_name=storable_text(item.author_name)[:500],
            text=storable_text(item.text),
            media=item.media,
            created_at=item.created_at,
            raw=raw_json(item.raw),
        )
        for item in items
    ]
    if not hits:
        return 0
    known = set(
        MonitoringHit.objects.filter(
            account_id=account_id, platform_id__in=[hit.platform_id for hit in hits]
        ).values_list("platform_id", flat=True)
    )
    MonitoringHit.objects.bulk_create(hits, ignore_conflicts=True)
    return len({hit.platform_id for hit in hits} - known)


def _hit_for_decision(hit_id: int) -> MonitoringHit:
    hit = MonitoringHit.objects.select_for_update().select_related("account").get(pk=hit_id)
    if hit.state != MonitoringHit.State.NEW:
        raise ServiceError(
            _("Someone already decided on this post (%(state)s).") % {"state": hit.get_state_display()}
        )
    return hit


@transaction.atomic
def monitoring_hit_promote(*, hit_id: int, user: AbstractBaseUser) -> Conversation:
    """Put a monitoring hit in the queue as a conversation (or the one its thread already has).

    Nothing is sent: an agent decides whether and how to answer.
    """
    hit = _hit_for_decision(hit_id)
    # Like a poll's ingest, hold the account's row: no poll stores the same item meanwhile, and
    # freezing a day (which takes every account's row) sees this message or is thawed by it.
    account = Account.objects.select_for_update().get(pk=hit.account_id)
    item = IncomingMessage(
        platform_id=hit.platform_id,
        thread_key=hit.thread_key,
        author_id=hit.author_id,
        author_handle=hit.author_handle,
        author_name=hit.author_name,
        text=hit.text,
        created_at=hit.created_at,
        kind="monitoring",
        media=hit.media,
        raw=json.loads(hit.raw) if hit.raw else {},
    )
    known = Message.objects.filter(account=account, platform_id=hit.platform_id).first()
    conversation = (
        known.conversation
        if known
        else (
            Conversation.objects.filter(account=account, thread_key=hit.thread_key)
            .exclude(state=State.CLOSED)
            .order_by("-pk")
            .first()
        )
    )
    if conversation is None:
        conversation = Conversation.objects.create(
            account=account,
            contact=contact_for(account, item),
            thread_key=hit.thread_key,
            team=account.team,
            # The citizen posted it then, whenever we found and promoted it: one notion of time.
            due_at=deadlines.due_at(hit.created_at),
            started_at=hit.created_at,
            last_message_at=hit.created_at,
        )
        event_append(
            conversation,
            kind=Event.Kind.PROMOTED,
            actor=user,
            to_state=State.NEW,
            query=hit.query,
            hit=hit.pk,
        )
    else:
        conversation = conversation_lock(conversation.pk)
        event_append(conversation, kind=Event.Kind.PROMOTED, actor=user, query=hit.query, hit=hit.pk)
    if known is None:
        message_store(account, conversation, item)
    conversation.save()
    hit.state = MonitoringHit.State.PROMOTED
    hit.decided_by, hit.decided_at, hit.conversation = user, timezone.now(), conversation
    hit.save(update_fields=["state", "decided_by", "decided_at", "conversation"])
    return conversation


@transaction.atomic
def monitoring_hit_dismiss(*, hit_id: int, user: AbstractBaseUser) -> MonitoringHit:
    hit = _hit_for_decision(hit_id)
    hit.state = MonitoringHit.State.DISMISSED
    hit.decided_by, hit.decided_at = user, timezone.now()
    hit.save(update_fields=["state", "decided_by", "decided_at"])
    return hit
