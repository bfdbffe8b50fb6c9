"""Reads for one conversation: finding it for a user, its thread, its timeline, the contact's history,
the escalation and advice to show by the reply box, and who it can be handed to."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from ..models import Attachment, Conversation, Event, Message, Role, TypingMarker
from ..permissions import SEE_ALL_ROLES, WORKING_ROLES, visible_conversations
from ..workflow import State

FIRST_LINE_LENGTH = 120
# The events that make someone the holder: since the latest of these (or their own latest event)
# the holder counts as at it, for INBOX_CLAIM_AWAY_MINUTES.
HOLDING_KINDS = (
    Event.Kind.CLAIMED,
    Event.Kind.ESCALATED,
    Event.Kind.HANDED_BACK,
    Event.Kind.ASSIGNED,
    Event.Kind.TAKEN_OVER,
    Event.Kind.REOPENED,
)


def conversation_get(*, user, conversation_id: int) -> Conversation | None:
    return (
        visible_conversations(user)
        .select_related("account", "contact", "team", "assignee", "case")
        .defer("account__credentials")  # decrypted when read: the pages never need it
        .filter(pk=conversation_id)
        .first()
    )


def conversation_thread(conversation: Conversation) -> list[Message]:
    return list(
        conversation.messages.select_related("sent_by")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("position")))
        .order_by("created_at", "pk")
    )


def conversation_timeline(conversation: Conversation) -> list[Event]:
    return list(conversation.events.select_related("actor").order_by("created_at", "pk"))


def contact_history(*, user, conversation: Conversation) -> list[Conversation]:
    """The contact's other conversations, newest first, that this user may see: each with its first
    line (`first_line`), last date, state and case, in one query however many there are."""
    first_inbound = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.INBOUND
    ).order_by("created_at", "pk")
    earlier = list(
        visible_conversations(user)
        .filter(contact_id=conversation.contact_id)
        .exclude(pk=conversation.pk)
        .select_related("account", "case")
        .only("pk", "state", "last_message_at", "account", "account__handle", "case", "case__number")
        .annotate(
            first_line=Subquery(
                first_inbound.annotate(t=Substr("text", 1, FIRST_LINE_LENGTH)).values("t")[:1]
            )
        )
        .order_by("-last_message_at", "-pk")[:20]
    )
    for other in earlier:
        other.first_line = (other.first_line or "").strip().split("\n", 1)[0]
    return earlier


def escalation_notes(conversation: Conversation, timeline: list[Event]) -> dict:
    """What the reply box should show while the conversation is open: the question of the escalation
    it is in now, or the advice handed back since (with the question it answers). Read from the
    timeline already loaded, so no query of its own."""
    if conversation.state not in (State.ESCALATED, State.OPEN, State.NEW):
        return {}
    question = advice = None
    for event in timeline:
        if event.kind == Event.Kind.ESCALATED:
            question, advice = event, None
        elif event.kind == Event.Kind.HANDED_BACK and question is not None:
            advice = event
        elif event.kind in (Event.Kind.CLOSED, Event.Kind.REPLY_QUEUED) and advice is not None:
            question = advice = None  # acted on: the advice has had its turn
    if conversation.state == State.ESCALATED:
        return {"question": question} if question else {}
    return {"question": question, "advice": advice} if advice else {}


def holder_is_away(conversation: Conversation, *, now: dt.datetime | None = None) -> bool:
    """Whether the colleague holding the conversation is away from it (see permissions.TAKE_OVER_RULE)."""
    holder = conversation.assignee
    if holder is None:
        return False
    if not holder.is_active:
        return True
    now = now or timezone.now()
    if TypingMarker.objects.filter(conversation=conversation, user=holder, until__gt=now).exists():
        return False
    last = (
        conversation.events.filter(Q(actor=holder) | Q(kind__in=HOLDING_KINDS))
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    return last is None or now - last > dt.timedelta(minutes=settings.INBOX_CLAIM_AWAY_MINUTES)


def handover_candidates(*, conversation: Conversation, exclude=None) -> list:
    """Colleagues who could work on the conversation: active people in a working role who see it
    (everyone in the KCC, advisers and admins; wijkbureau staff of its team)."""
    working = [r for r in WORKING_ROLES]
    see_all = [r for r in SEE_ALL_ROLES if r in WORKING_ROLES]
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=see_all)
            | Q(is_superuser=True)
            | Q(groups__name=Role.WIJKBUREAU, teams=conversation.team_id)
        )
        .filter(Q(groups__name__in=working) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "username")
    )
    if exclude is not None:
        users = users.exclude(pk__in=[u.pk for u in exclude if u is not None])
    return list(users)
