"""The hourly tallies: moved by the inbox's services as they change what a day counts (the count
hook, registered in reports/apps.py), and recounted from the rows for existing data (ADR 0018).

What a tally holds is defined once, by `tallies_recount`; the hook applies the same rules to one
transaction's changes, so a rescan and the tallies agree (tests/reports/test_tallies.py).
"""

import datetime as dt
from collections import Counter

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count, Min
from django.db.models.functions import TruncDate, TruncHour

from inbox.counting import Counted
from inbox.deadlines import AMSTERDAM, working_seconds_between

UTC = dt.UTC
FIELDS = ("inbound", "replies_sent", "started", "answered", "closed")
# What counts as a conversation's close: the timeline's "closed" event (Event.Kind.CLOSED).
CLOSED = "closed"
# Within every database's limit on parameters per statement (7 a row).
ROWS_PER_STATEMENT = 100


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def response_minutes_between(started: dt.datetime, answered: dt.datetime) -> tuple[float, float]:
    """(working, clock) minutes from the start to the first answer, as the figures have them."""
    return (
        working_seconds_between(started, answered) / 60,
        max((answered - started).total_seconds(), 0.0) / 60,
    )


def _message_field(message) -> str | None:
    if message.direction == "in":
        return "inbound"
    return "replies_sent" if message.send_status == "sent" else None


def tallies_count(counted: Counted) -> None:
    """The count hook: move the tallies by what one transaction changed, in that transaction."""
    from ..models import ConversationTally

    deltas: Counter = Counter()
    for messages, sign in ((counted.messages_added, 1), (counted.messages_removed, -1)):
        for message in messages:
            if name := _message_field(message):
                deltas[(hour_of(message.created_at), message.account_id, name)] += sign
    conversations = {c.pk: c for c in counted.conversations}
    known = {
        pk: (account_id, started_at, answered_at)
        for pk, account_id, started_at, answered_at in ConversationTally.objects.filter(
            pk__in=list(conversations)
        ).values_list("pk", "account_id", "started_at", "answered_at")
    }
    changed = []
    for pk, conversation in conversations.items():
        now = (conversation.started_at, conversation.first_response_at)
        if pk in known:
            account_id, started_at, answered_at = known[pk]
            if (started_at, answered_at) == now:
                continue
            deltas[(hour_of(started_at), account_id, "started")] -= 1
            if answered_at is not None:
                deltas[(hour_of(answered_at), account_id, "answered")] -= 1
        deltas[(hour_of(conversation.started_at), conversation.account_id, "started")] += 1
        if conversation.first_response_at is not None:
            deltas[(hour_of(conversation.first_response_at), conversation.account_id, "answered")] += 1
        changed.append(_conversation_tally(ConversationTally, pk, conversation.account_id, *now))
    if changed:
        ConversationTally.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["conversation"],
            update_fields=["account", "started_at", "answered_at", "working_minutes", "clock_minutes"],
        )
    for event in counted.closed:
        if _first_close_of_its_day(event):
            deltas[(hour_of(event.created_at), event.conversation.account_id, "closed")] += 1
    _tallies_add(deltas)


def _conversation_tally(model, pk, account_id, started_at, answered_at):
    working = clock = None
    if answered_at is not None:
        working, clock = response_minutes_between(started_at, answered_at)
    return model(
        conversation_id=pk,
        account_id=account_id,
        started_at=started_at,
        answered_at=answered_at,
        working_minutes=working,
        clock_minutes=clock,
    )


def _first_close_of_its_day(event) -> bool:
    """A day counts a conversation closed once, however often it was closed and reopened that day."""
    from inbox.models import Event

    day = event.created_at.astimezone(AMSTERDAM).date()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=AMSTERDAM)
    return not (
        Event.objects.filter(
            conversation_id=event.conversation_id, kind=CLOSED, created_at__gte=start, created_at__lt=end
        )
        .exclude(pk=event.pk)
        .exists()
    )


def _tallies_add(deltas: Counter, *, model=None) -> None:
    """Add the deltas to their hours in one statement: INSERT … ON CONFLICT DO UPDATE adding to
    what is there (PostgreSQL and SQLite alike), rows in key order so that two transactions
    touching the same hours take their locks in the same order."""
    if model is None:
        from ..models import HourTally as model
    rows: dict[tuple, list[int]] = {}
    for (hour, account_id, name), n in deltas.items():
        if n:
            rows.setdefault((hour, account_id), [0] * len(FIELDS))[FIELDS.index(name)] += n
    if not rows:
        return
    hour_field = model._meta.get_field("hour")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in ("hour", "account_id", *FIELDS))
    added = ", ".join(f"{quote(f)} = {table}.{quote(f)} + excluded.{quote(f)}" for f in FIELDS)
    placeholders = "(" + ", ".join(["%s"] * (2 + len(FIELDS))) + ")"
    ordered = sorted(rows.items())
    with connection.cursor() as cursor:
        for first in range(0, len(ordered), ROWS_PER_STATEMENT):
            chunk = ordered[first : first + ROWS_PER_STATEMENT]
            params = []
            for (hour, account_id), values in chunk:
                params += [hour_field.get_db_prep_value(hour, connection), account_id, *values]
            # Only names from the model's own meta go into the text; every value is a parameter.
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ({quote('hour')}, {quote('account_id')}) DO UPDATE SET {added}"
            )
            cursor.execute(sql, params)


@transaction.atomic
def tallies_recount(*, apps=global_apps, batch: int = 5000) -> int:
    """Count every tally again from the messages, conversations and events (replacing what is
    there): the backfill for data stored before the tallies existed, and the repair after the
    working calendar changed. Holds every account's row, as every message write does, so nothing
    is stored meanwhile. Returns the number of hour tallies written."""
    account_model = apps.get_model("inbox", "Account")
    message = apps.get_model("inbox", "Message")
    conversation = apps.get_model("inbox", "Conversation")
    event = apps.get_model("inbox", "Event")
    hour_tally = apps.get_model("reports", "HourTally")
    conversation_tally = apps.get_model("reports", "ConversationTally")
    list(account_model.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    hour_tally.objects.all().delete()
    conversation_tally.objects.all().delete()
    deltas: Counter = Counter()

    def hourly(queryset, moment: str, name: str, account: str = "account_id") -> None:
        rows = (
            queryset.annotate(tally_hour=TruncHour(moment, tzinfo=UTC))
            .values_list("tally_hour", account)
            .annotate(n=Count("pk"))
            .values_list("tally_hour", account, "n")
        )
        for hour, account_id, n in rows:
            deltas[(hour, account_id, name)] += n

    hourly(message.objects.filter(direction="in"), "created_at", "inbound")
    hourly(message.objects.filter(direction="out", send_status="sent"), "created_at", "replies_sent")
    hourly(conversation.objects.all(), "started_at", "started")
    hourly(conversation.objects.filter(first_response_at__isnull=False), "first_response_at", "answered")
    first_closes = (
        event.objects.filter(kind=CLOSED)
        .annotate(day=TruncDate("created_at", tzinfo=AMSTERDAM))
        .values_list("conversation_id", "conversation__account_id", "day")
        .annotate(first=Min("created_at"))
        .values_list("conversation__account_id", "first")
    )
    for account_id, first in first_closes.iterator(chunk_size=batch):
        deltas[(hour_of(first), account_id, "closed")] += 1
    _tallies_add(deltas, model=hour_tally)
    rows = []
    for pk, account_id, started, answered in (
        conversation.objects.order_by("pk")
        .values_list("pk", "account_id", "started_at", "first_response_at")
        .iterator(chunk_size=batch)
    ):
        rows.append(_conversation_tally(conversation_tally, pk, account_id, started, answered))
        if len(rows) >= batch:
            conversation_tally.objects.bulk_create(rows)
            rows = []
    conversation_tally.objects.bulk_create(rows)
    return hour_tally.objects.count()
