"""Every non-trivial read of the inbox: the queue, a conversation with its thread and history."""

import datetime as dt

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from .deadlines import AMSTERDAM
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
        .select_related("account", "contact", "team", "assignee")
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
        .select_related("account", "contact", "team", "assignee")
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


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)
    return start, start + dt.timedelta(days=1)


def backlog_figures(day: dt.date) -> dict:
    """One day's backlog: what came in, what was answered and closed, what was left at its end.

    The state at the end of the day is read from the timeline (the last state change before
    midnight), so a past day's figures do not move when conversations change later.
    """
    start, end = day_bounds(day)
    state_at_end = (
        Event.objects.filter(conversation=OuterRef("pk"), created_at__lt=end)
        .exclude(to_state="")
        .order_by("-created_at", "-pk")
        .values("to_state")[:1]
    )
    at_end = (
        Conversation.objects.filter(created_at__lt=end)
        .annotate(state_at_end=Subquery(state_at_end))
        .filter(state_at_end__in=[s.value for s in State if s != State.CLOSED])
    )
    by_state = dict(
        at_end.values_list("state_at_end").annotate(n=Count("pk")).values_list("state_at_end", "n")
    )
    todo = at_end.filter(state_at_end__in=TODO_STATES)
    by_team = dict(todo.values_list("team__slug").annotate(n=Count("pk")).values_list("team__slug", "n"))
    return {
        "date": day.isoformat(),
        "received": Message.objects.filter(
            direction=Message.Direction.INBOUND, created_at__gte=start, created_at__lt=end
        ).count(),
        "conversations_started": Conversation.objects.filter(
            created_at__gte=start, created_at__lt=end
        ).count(),
        "answered": Conversation.objects.filter(
            first_response_at__gte=start, first_response_at__lt=end
        ).count(),
        "replies_sent": Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            send_status=Message.SendStatus.SENT,
            created_at__gte=start,
            created_at__lt=end,
        ).count(),
        "closed": Event.objects.filter(kind=Event.Kind.CLOSED, created_at__gte=start, created_at__lt=end)
        .values("conversation")
        .distinct()
        .count(),
        "open_at_end": {state: by_state.get(state, 0) for state in (State.NEW, State.OPEN, State.ANSWERED)},
        "backlog_at_end": todo.count(),
        "backlog_at_end_by_team": by_team,
        "overdue_at_end": todo.filter(due_at__lt=end).count(),
    }


# --- Roster, escalations, notifications, calamity clusters (issue 5) ---------------------------


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
