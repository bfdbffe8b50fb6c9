"""A day's intake, answers, backlog and response times, per scope: the manager's figures.

One function, `day_figures`, computes everything the dashboard, `backlog --json` and
`GET /api/v1/backlog` show, so the three always agree. Past days come from frozen snapshots.
Time is the platform's: a conversation counts from its first message's platform time
(`started_at`), however late we fetched it.
"""

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from inbox.deadlines import AMSTERDAM, working_seconds_between
from inbox.models import Account, Conversation, Event, Message, Team
from inbox.workflow import TODO_STATES, State

from ..models import DailySnapshot
from .tallies import tallied_day, tallied_response_minutes

AGE_BUCKETS = [("<1u", 1), ("1-4u", 4), ("4-8u", 8), ("8-24u", 24), (">24u", None)]
RESPONSE_BUCKETS = [
    ("<15m", 15),
    ("15-30m", 30),
    ("30-60m", 60),
    ("1-2u", 120),
    ("2-4u", 240),
    ("4-8u", 480),
    (">8u", None),
]
# Event kinds that mean a conversation left the KCC's direct handling.
HANDED_ON_KINDS = ("escalated", "forwarded")
ESCALATED_STATE = "escalated"


@dataclass(frozen=True)
class Scope:
    team: str = ""
    account: str = ""

    @property
    def tallied(self) -> bool:
        """Whether the hourly tallies hold this scope's volumes: they are kept per account."""
        return not self.team

    @property
    def key(self) -> str:
        if self.account:
            return f"account:{self.account}"
        return f"team:{self.team}" if self.team else "all"

    def conversations(self, queryset: QuerySet | None = None) -> QuerySet:
        queryset = Conversation.objects.all() if queryset is None else queryset
        if self.team:
            queryset = queryset.filter(team__slug=self.team)
        if self.account:
            queryset = queryset.filter(account__handle=self.account)
        return queryset

    def events(self) -> QuerySet:
        queryset = Event.objects.all()
        if self.team:
            queryset = queryset.filter(conversation__team__slug=self.team)
        if self.account:
            queryset = queryset.filter(conversation__account__handle=self.account)
        return queryset

    def messages(self) -> QuerySet:
        queryset = Message.objects.all()
        if self.team:
            queryset = queryset.filter(conversation__team__slug=self.team)
        if self.account:
            queryset = queryset.filter(account__handle=self.account)
        return queryset


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=AMSTERDAM)


def open_at(moment: dt.datetime, scope: Scope) -> list[tuple]:
    """(id, state, team, started_at, due_at, category) of every conversation open at `moment`.

    Open means started on the platform before the moment and not closed then. The state is read
    from the timeline (the last state change before the moment). Before its first event the
    conversation was on the platform but not fetched yet: waiting for us (new), or answered there
    already by a reply made outside the inbox. Conversations closed before the moment and
    untouched since cannot be open then, which keeps the candidate set to the backlog and what
    changed after it, however long the history.
    """
    last_state = (
        Event.objects.filter(conversation=OuterRef("pk"), created_at__lt=moment)
        .exclude(to_state="")
        .order_by("-created_at", "-pk")
        .values("to_state")[:1]
    )
    not_fetched_yet = Case(
        When(first_response_at__lt=moment, then=Value(State.ANSWERED.value)),
        default=Value(State.NEW.value),
        output_field=CharField(),
    )
    # Two index-friendly halves (conv_closed_idx on state, closed_at) rather than a NOT over every row.
    not_closed = [state for state in State.values if state != State.CLOSED]
    candidates = scope.conversations().filter(
        Q(state__in=not_closed) | Q(state=State.CLOSED, closed_at__gte=moment), started_at__lt=moment
    )
    # The category the agent confirmed, else the one triage suggested ("" before triage).
    category = Coalesce(
        KeyTextTransform("category", "triage__decided"),
        KeyTextTransform("category", "triage__suggested"),
        Value(""),
        output_field=TextField(),
    )
    rows = candidates.annotate(
        state_then=Coalesce(Subquery(last_state), not_fetched_yet), category=category
    ).values_list("pk", "state_then", "team__slug", "started_at", "due_at", "category")
    return [row for row in rows if row[1] != State.CLOSED]


def _tally(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _backlog_summary(rows: list[tuple], moment: dt.datetime) -> dict:
    todo = [row for row in rows if row[1] in TODO_STATES]
    ages = {label: 0 for label, _ in AGE_BUCKETS}
    for row in todo:
        hours = (moment - row[3]).total_seconds() / 3600
        label = next(label for label, limit in AGE_BUCKETS if limit is None or hours < limit)
        ages[label] += 1
    return {
        "total": len(rows),
        "by_state": _tally(row[1] for row in rows),
        "by_team": _tally(row[2] for row in rows),
        "by_category": _tally(row[5] or "overig" for row in rows),
        "backlog": len(todo),
        "backlog_by_team": _tally(row[2] for row in todo),
        "overdue": sum(1 for row in todo if row[4] and row[4] < moment),
        "escalated": sum(1 for row in rows if row[1] == ESCALATED_STATE),
        "age_buckets": ages,
    }


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def response_minutes(
    day: dt.date, scope: Scope, *, use_tallies: bool = True
) -> tuple[list[float], list[float]]:
    """(working minutes, clock minutes) from the start to the first answer, for the conversations
    first answered on `day`. Both count from the citizen's platform time, not from our fetch.
    From the conversations' tallies where the scope allows (not a team's), else worked out here."""
    start, end = day_bounds(day)
    if use_tallies and scope.tallied:
        return tallied_response_minutes(start, end, scope.account)
    pairs = list(
        scope.conversations()
        .filter(first_response_at__gte=start, first_response_at__lt=end)
        .values_list("started_at", "first_response_at")
    )
    working = [working_seconds_between(started, answered) / 60 for started, answered in pairs]
    clock = [max((answered - started).total_seconds(), 0.0) / 60 for started, answered in pairs]
    return working, clock


def _summary(minutes: list[float]) -> dict:
    return {
        "count": len(minutes),
        "median": round(statistics.median(minutes), 1) if minutes else None,
        "p90": round(_percentile(minutes, 0.9), 1) if minutes else None,
    }


def day_volumes(day: dt.date, scope: Scope, *, use_tallies: bool = True) -> dict:
    """What the day holds: intake (messages per channel and account, conversations started),
    conversations first answered, replies sent, conversations closed. From the hourly tallies
    where the scope allows (all, or an account), else counted from the day's rows."""
    start, end = day_bounds(day)
    if use_tallies and scope.tallied:
        tallied = tallied_day(start, end, scope.account)
        return {
            "messages": tallied["inbound"],
            "conversations": tallied["started"],
            "by_channel": tallied["by_channel"],
            "by_account": tallied["by_account"],
            "answered": tallied["answered"],
            "replies_sent": tallied["replies_sent"],
            "closed": tallied["closed"],
        }
    inbound = scope.messages().filter(
        direction=Message.Direction.INBOUND, created_at__gte=start, created_at__lt=end
    )
    return {
        "messages": inbound.count(),
        "conversations": scope.conversations().filter(started_at__gte=start, started_at__lt=end).count(),
        "by_channel": dict(
            sorted(
                inbound.values_list("account__platform")
                .annotate(n=Count("pk"))
                .values_list("account__platform", "n")
            )
        ),
        "by_account": dict(
            sorted(
                inbound.values_list("account__handle")
                .annotate(n=Count("pk"))
                .values_list("account__handle", "n")
            )
        ),
        "answered": scope.conversations()
        .filter(first_response_at__gte=start, first_response_at__lt=end)
        .count(),
        "replies_sent": scope.messages()
        .filter(
            direction=Message.Direction.OUTBOUND,
            send_status=Message.SendStatus.SENT,
            created_at__gte=start,
            created_at__lt=end,
        )
        .count(),
        "closed": scope.events()
        .filter(kind=Event.Kind.CLOSED, created_at__gte=start, created_at__lt=end)
        .values("conversation")
        .distinct()
        .count(),
    }


def day_figures(
    day: dt.date, scope: Scope | None = None, *, use_snapshot: bool = True, use_tallies: bool = True
) -> dict:
    """`use_tallies=False` counts everything from the rows (what the tallies are checked against)."""
    scope = scope or Scope()
    if use_snapshot and day < timezone.localdate():
        snapshot = DailySnapshot.objects.filter(date=day, scope=scope.key).first()
        if snapshot is not None:
            return snapshot.figures
    start, end = day_bounds(day)
    now = timezone.now()
    end_moment = min(end, now)
    volumes = day_volumes(day, scope, use_tallies=use_tallies)
    answered = volumes["answered"]
    # Handed on: counted from the rows (the day's answered ones with an escalation or a forward).
    answered_today = scope.conversations().filter(first_response_at__gte=start, first_response_at__lt=end)
    handed_on = (
        answered_today.filter(
            Exists(
                Event.objects.filter(
                    conversation=OuterRef("pk"), kind__in=HANDED_ON_KINDS, created_at__lt=end
                )
            )
        ).count()
        if answered
        else 0
    )
    minutes, clock_minutes = response_minutes(day, scope, use_tallies=use_tallies)
    return {
        "date": day.isoformat(),
        "scope": scope.key,
        "complete": end <= now,
        "intake": {key: volumes[key] for key in ("messages", "conversations", "by_channel", "by_account")},
        "answered": answered,
        "replies_sent": volumes["replies_sent"],
        "closed": volumes["closed"],
        "open_at_start": _backlog_summary(open_at(start, scope), start),
        "open_at_end": _backlog_summary(open_at(end_moment, scope), end_moment),
        "first_response_working_minutes": {
            **_summary(minutes),
            # Frozen with the day, so a past day's chart is not counted again.
            "distribution": _response_buckets(minutes),
        },
        # The citizen's wait as they lived it, evenings and weekends included.
        "first_response_clock_minutes": _summary(clock_minutes),
        "direct": {
            "answered": answered,
            "direct": answered - handed_on,
            "handed_on": handed_on,
            "direct_pct": round(100 * (answered - handed_on) / answered, 1) if answered else None,
        },
    }


def _response_buckets(all_minutes: list[float]) -> dict[str, int]:
    buckets = {label: 0 for label, _ in RESPONSE_BUCKETS}
    for minutes in all_minutes:
        label = next(label for label, limit in RESPONSE_BUCKETS if limit is None or minutes < limit)
        buckets[label] += 1
    return buckets


def trend(day: dt.date, scope: Scope, days: int = 30, *, figures_of_day: dict | None = None) -> list[dict]:
    """Intake, answered and end-of-day backlog for the `days` days up to `day`: snapshots where frozen.

    `figures_of_day`: `day`'s figures when the caller has them already (the dashboard does).
    """
    first = day - dt.timedelta(days=days - 1)
    frozen = {
        s.date: s.figures
        for s in DailySnapshot.objects.filter(date__gte=first, date__lte=day, scope=scope.key)
    }
    if figures_of_day is not None:
        frozen[day] = figures_of_day
    points = []
    for offset in range(days):
        current = first + dt.timedelta(days=offset)
        figures = frozen.get(current) or day_figures(current, scope, use_snapshot=False)
        points.append(
            {
                "date": current.isoformat(),
                "intake": figures["intake"]["messages"],
                "answered": figures["answered"],
                "backlog": figures["open_at_end"]["backlog"],
            }
        )
    return points


def data_version() -> str:
    """Changes whenever anything the figures count changes: two cheap indexed lookups."""
    latest_change = Conversation.objects.aggregate(latest=Max("updated_at"))["latest"]
    latest_message = Message.objects.aggregate(latest=Max("pk"))["latest"]
    return f"{latest_change.timestamp() if latest_change else 0}-{latest_message or 0}"


def scopes_for_snapshot() -> list[Scope]:
    return (
        [Scope()]
        + [Scope(team=slug) for slug in Team.objects.values_list("slug", flat=True)]
        + [Scope(account=handle) for handle in Account.objects.values_list("handle", flat=True)]
    )
