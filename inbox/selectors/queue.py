"""Reads for the shared queue: its order, filters, rows, counts and the version token of the live page."""

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from ..models import Message, Team
from ..permissions import visible_conversations
from ..workflow import TODO_STATES

# Most urgent first, then the one due soonest, then the oldest.
QUEUE_ORDER = ("-priority", "due_at", "started_at", "pk")
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
