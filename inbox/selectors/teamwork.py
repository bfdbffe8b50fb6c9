"""Reads for working together: the duty roster, escalations, notifications and calamity clusters."""

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..clusters import ClusterItem, cluster_conversations
from ..models import Conversation, DutyShift, Event, Message, Notification
from ..permissions import holder_q, visible_conversations
from ..workflow import State


def adviser_on_duty(at: dt.datetime | None = None):
    """The adviser whose shift covers `at` (the latest-starting one if shifts overlap), or None."""
    at = at or timezone.now()
    shift = (
        DutyShift.objects.filter(starts_at__lte=at, ends_at__gt=at, adviser__is_active=True)
        .select_related("adviser")
        .order_by("-starts_at", "-pk")
        .first()
    )
    return shift.adviser if shift else None


def roster(*, days: int = 7) -> list:
    """Shifts running now and starting in the next `days` days."""
    now = timezone.now()
    return list(
        DutyShift.objects.filter(ends_at__gt=now, starts_at__lt=now + dt.timedelta(days=days))
        .select_related("adviser")
        .order_by("starts_at", "pk")
    )


def escalations(*, user, mine_only: bool = False) -> list[Conversation]:
    queryset = visible_conversations(user).filter(state=State.ESCALATED)
    if mine_only:
        queryset = queryset.filter(assignee=user)
    conversations = list(
        queryset.select_related("account", "contact", "team", "assignee").order_by(
            "-priority", "due_at", "pk"
        )
    )
    questions = {}
    for event in (
        Event.objects.filter(conversation__in=[c.pk for c in conversations], kind=Event.Kind.ESCALATED)
        .select_related("actor")
        .order_by("created_at", "pk")
    ):
        questions[event.conversation_id] = event  # the latest escalation wins
    for conversation in conversations:
        conversation.escalation = questions.get(conversation.pk)
    return conversations


def notifications(*, user, limit: int = 50) -> list:
    return list(Notification.objects.filter(user=user).select_related("conversation__contact")[:limit])


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def conversation_clusters(*, user) -> list:
    """Groups of open conversations about the same thing that this user could answer together (a
    calamity's tweets). Each counts with its first and latest message, so a follow-up ("nog steeds
    niet opgelost") keeps the topic its thread began with; one query whatever the queue's length."""
    since = timezone.now() - dt.timedelta(hours=settings.INBOX_CLUSTER_HOURS)
    inbound = Message.objects.filter(conversation=OuterRef("pk"), direction=Message.Direction.INBOUND)
    rows = list(
        visible_conversations(user)
        .filter(state__in=(State.NEW, State.OPEN), last_message_at__gte=since)
        .filter(holder_q(user))
        .annotate(
            first_text=Subquery(inbound.order_by("created_at", "pk").values("text")[:1]),
            latest_text=Subquery(inbound.order_by("-created_at", "-pk").values("text")[:1]),
        )
        .order_by("-last_message_at", "-pk")
        .values_list("pk", "first_text", "latest_text", "contact_id", "last_message_at")[
            : settings.INBOX_CLUSTER_LIMIT
        ]
    )
    items = [
        ClusterItem(
            id=pk,
            text=first if first == latest else f"{first or ''}\n{latest or ''}",
            author=str(contact_id),
            at=last_message_at,
        )
        for pk, first, latest, contact_id, last_message_at in rows
    ]
    return cluster_conversations(
        items,
        threshold=settings.INBOX_CLUSTER_SIMILARITY,
        min_size=settings.INBOX_CLUSTER_MIN_SIZE,
        place_hours=settings.INBOX_CLUSTER_PLACE_HOURS,
    )


def cluster_members(*, user, conversation_ids) -> list[Conversation]:
    """The conversations of a cluster that this user may still answer, with their latest message."""
    latest_inbound = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.INBOUND
    ).order_by("-created_at", "-pk")
    return list(
        visible_conversations(user)
        .filter(pk__in=conversation_ids, state__in=(State.NEW, State.OPEN))
        .filter(holder_q(user))
        .select_related("account", "contact")
        .annotate(latest_text=Subquery(latest_inbound.values("text")[:1]))
        .order_by("started_at", "pk")
    )
