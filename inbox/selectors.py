"""Every non-trivial read of the inbox: the queue, a conversation with its thread and history."""

import datetime as dt

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from .models import Conversation, Event, Message, Team
from .permissions import visible_conversations
from .workflow import TODO_STATES, State

# Most urgent first, then the one due soonest, then the oldest.
QUEUE_ORDER = ("-priority", "due_at", "created_at", "pk")
QUEUE_FILTERS = ("all", "mine", "unassigned", "team")
PREVIEW_LENGTH = 180


def queue_base(*, user, filter_name: str = "all", team_slug: str = "") -> QuerySet:
    queryset = visible_conversations(user).filter(state__in=TODO_STATES)
    if filter_name == "mine":
        queryset = queryset.filter(assignee=user)
    elif filter_name == "unassigned":
        queryset = queryset.filter(assignee__isnull=True)
    elif filter_name == "team":
        queryset = queryset.filter(team__slug=team_slug) if team_slug else queryset.filter(team__members=user)
    return queryset


def queue_queryset(*, user, filter_name: str = "all", team_slug: str = "") -> QuerySet:
    """The queue in order, with what a row shows, in one query whatever its length."""
    latest_inbound = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.INBOUND
    ).order_by("-created_at", "-pk")
    return (
        queue_base(user=user, filter_name=filter_name, team_slug=team_slug)
        .select_related("account", "contact", "team", "assignee", "triage")
        .annotate(
            preview=Subquery(latest_inbound.annotate(p=Substr("text", 1, PREVIEW_LENGTH)).values("p")[:1]),
            message_count=Count("messages"),
            overdue=ExpressionWrapper(Q(due_at__lt=timezone.now()), output_field=BooleanField()),
        )
        .order_by(*QUEUE_ORDER)
    )


def queue_conversations(*, user, filter_name: str = "all", team_slug: str = "", limit: int = 200) -> list:
    return list(queue_queryset(user=user, filter_name=filter_name, team_slug=team_slug)[:limit])


def queue_version(*, user, filter_name: str = "all", team_slug: str = "") -> str:
    """A token that changes whenever the queue would render differently; one cheap query."""
    changed = visible_conversations(user).aggregate(latest=Max("updated_at"))["latest"]
    count = queue_base(user=user, filter_name=filter_name, team_slug=team_slug).count()
    # The minute makes "overdue" markers appear without any data changing.
    minute = timezone.now().strftime("%Y%m%d%H%M")
    return f"{changed.timestamp() if changed else 0:.6f}-{count}-{minute}"


def queue_counts(*, user) -> dict[str, int]:
    base = visible_conversations(user).filter(state__in=TODO_STATES)
    now = timezone.now()
    return {
        "todo": base.count(),
        "overdue": base.filter(due_at__lt=now).count(),
    }


def team_choices() -> list[Team]:
    return list(Team.objects.order_by("name"))


def conversation_get(*, user, conversation_id: int) -> Conversation | None:
    return (
        visible_conversations(user)
        .select_related("account", "contact", "team", "assignee", "case")
        .filter(pk=conversation_id)
        .first()
    )


def conversation_thread(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.select_related("sent_by").order_by("created_at", "pk"))


def conversation_timeline(conversation: Conversation) -> list[Event]:
    return list(conversation.events.select_related("actor").order_by("created_at", "pk"))


def contact_history(*, user, conversation: Conversation) -> list[Conversation]:
    """The contact's other conversations, newest first, that this user may see."""
    return list(
        visible_conversations(user)
        .filter(contact_id=conversation.contact_id)
        .exclude(pk=conversation.pk)
        .select_related("account")
        .order_by("-last_message_at")[:20]
    )


# --- Cases ------------------------------------------------------------------------------


def case_conversations(*, user, case) -> list[Conversation]:
    """The conversations about a case on any channel that this user may see, latest first."""
    return list(
        visible_conversations(user)
        .filter(case=case)
        .select_related("account", "contact", "assignee")
        .order_by("-last_message_at", "-pk")
    )


def conversation_prefill_text(conversation: Conversation) -> str:
    """The citizen's words so far: what the registration form starts from."""
    texts = conversation.messages.filter(direction=Message.Direction.INBOUND).order_by("created_at", "pk")
    return "\n".join(texts.values_list("text", flat=True)[:5])[:5000]


# --- Roster, escalations, notifications, calamity clusters ---------------------------


def adviser_on_duty(at: dt.datetime | None = None):
    """The adviser whose shift covers `at` (the latest-starting one if shifts overlap), or None."""
    from .models import DutyShift

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
    from .models import DutyShift

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
    from .models import Notification

    return list(Notification.objects.filter(user=user).select_related("conversation__contact")[:limit])


def unread_notification_count(*, user) -> int:
    from .models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def conversation_clusters(*, user) -> list:
    """Groups of similar open conversations this user could answer together (a calamity's tweets)."""
    from django.conf import settings

    from .clusters import cluster_texts

    since = timezone.now() - dt.timedelta(hours=settings.INBOX_CLUSTER_HOURS)
    latest_inbound = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.INBOUND
    ).order_by("-created_at", "-pk")
    rows = list(
        visible_conversations(user)
        .filter(state__in=(State.NEW, State.OPEN), last_message_at__gte=since)
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
        .annotate(latest_text=Subquery(latest_inbound.values("text")[:1]))
        .order_by("-last_message_at", "-pk")
        .values_list("pk", "latest_text")[: settings.INBOX_CLUSTER_LIMIT]
    )
    return cluster_texts(
        [(pk, text or "") for pk, text in rows],
        threshold=settings.INBOX_CLUSTER_SIMILARITY,
        min_size=settings.INBOX_CLUSTER_MIN_SIZE,
    )


def cluster_members(*, user, conversation_ids) -> list[Conversation]:
    """The conversations of a cluster that this user may still answer, with their latest message."""
    latest_inbound = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.INBOUND
    ).order_by("-created_at", "-pk")
    return list(
        visible_conversations(user)
        .filter(pk__in=conversation_ids, state__in=(State.NEW, State.OPEN))
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
        .select_related("account", "contact")
        .annotate(preview=Subquery(latest_inbound.values("text")[:1]))
        .order_by("created_at", "pk")
    )
