"""Reads for the shared queue: its order, filters, pages, counts and the version token of the live page.

At scale (ADR 0014) a page is the first rows of a partial index that holds the open conversations in
queue order (`conv_queue_open_idx`); the next page starts after the last row shown (a keyset cursor),
never at an offset; counts stop at a limit; a row's message count and preview are columns of the
conversation, kept by the services; and only the columns a row shows are read. On PostgreSQL the
page's rows are found among the conversations alone and only then joined to what they name
(`page_statement`).
"""

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from ..models import QUEUE_ORDER, Account, Conversation, Team
from ..permissions import visible_conversations, visible_teams
from ..workflow import TODO_STATES, State

# The to-do views (in queue order), then two of what is done, newest first: answered and waiting
# for the citizen, and closed today.
TODO_FILTERS = ("all", "mine", "unassigned", "team")
DONE_FILTERS = {"answered": "updated_at", "closed_today": "closed_at"}
QUEUE_FILTERS = (*TODO_FILTERS, *DONE_FILTERS)
QUEUE_PAGE_SIZE = 50
# Counts stop here: beyond it a page says "more than 50", which costs no count of the whole queue.
COUNT_LIMIT = 50
# The columns a queue row shows, for the queue read as conversations (`queue_queryset`). The page
# and the API read their rows as values instead (inbox/views/queue_rows.py ROW_VALUES, LIST_VALUES).
ROW_COLUMNS = (
    "id",
    "state",
    "priority",
    "due_at",
    "started_at",
    "created_at",
    "last_message_at",
    "last_activity_at",
    "first_response_at",
    "closed_at",
    "updated_at",
    "is_private",
    "message_count",
    "preview",
    "personal_data_exposed",
    "account__id",
    "account__platform",
    "account__handle",
    "contact__id",
    "contact__name",
    "contact__handle",
    "team__id",
    "team__name",
    "team__slug",
    "assignee__id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "triage__id",
    "triage__conversation",
    "triage__suggested",
    "triage__decided",
)


class InvalidCursor(ValueError):
    """A `next` cursor this queue did not hand out."""


@dataclass(frozen=True)
class QueuePage:
    rows: list[Conversation]
    next: str  # where the next page starts; "" when this is the last one


def queue_base(*, user, filter_name: str = "all", team_slug: str = "") -> QuerySet:
    queryset = visible_conversations(user)
    if filter_name == "answered":
        return queryset.filter(state=State.ANSWERED)
    if filter_name == "closed_today":
        return queryset.filter(state=State.CLOSED, closed_at__gte=_today_start())
    queryset = queryset.filter(state__in=TODO_STATES)
    if filter_name == "mine":
        queryset = queryset.filter(assignee=user)
    elif filter_name == "unassigned":
        queryset = queryset.filter(assignee__isnull=True)
    elif filter_name == "team":
        queryset = queryset.filter(team__slug=team_slug) if team_slug else queryset.filter(team__members=user)
    return queryset


def queue_queryset(*, user, filter_name: str = "all", team_slug: str = "") -> QuerySet:
    """The queue in order, with what a row shows and nothing more, in one query whatever its length."""
    return (
        _queue_ordered(user=user, filter_name=filter_name, team_slug=team_slug)
        .select_related("account", "contact", "team", "assignee", "triage")
        .only(*ROW_COLUMNS)
    )


def _queue_ordered(*, user, filter_name: str, team_slug: str) -> QuerySet:
    """The queue's conversations in order, with `overdue`: what rows read as values start from."""
    return (
        queue_base(user=user, filter_name=filter_name, team_slug=team_slug)
        .annotate(overdue=ExpressionWrapper(Q(due_at__lt=timezone.now()), output_field=BooleanField()))
        .order_by(*_order(filter_name))
    )


def _order(filter_name: str) -> tuple:
    done = DONE_FILTERS.get(filter_name)
    return (f"-{done}", "-pk") if done else QUEUE_ORDER


def _today_start() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


# A row's place in queue order, read first when rows are read as values (the cursor is made of it);
# in a view of what is done, its moment and id.
_POSITION = ("priority", "due_at", "started_at", "pk")


def _position_fields(filter_name: str) -> tuple:
    done = DONE_FILTERS.get(filter_name)
    return (done, "pk") if done else _POSITION


def queue_values(queryset: QuerySet, values: dict[str, str], position: tuple = _POSITION) -> QuerySet:
    """The queue read as plain values: its position, then `values` (the name a row shows a value by →
    the column, or a related one, it comes from), one tuple per row and no model instances."""
    return queryset.values_list(*position, *values.values())


# The order of a page's rows by their position (the first columns of `page_statement`'s rows).
_POSITION_ORDER = {False: "p.c0 DESC, p.c1 ASC NULLS LAST, p.c2 ASC, p.c3 ASC", True: "p.c0 DESC, p.c1 DESC"}


def page_statement(
    queryset: QuerySet, values: dict[str, str], position: tuple, *, done: bool, start: int, stop: int
) -> tuple[str, list, list]:
    """One statement for rows `start:stop` of `queue_values(queryset, values, position)` that finds
    them among the conversations alone (from the queue's index) and only then joins the few rows
    they name: a contact, an assignee, triage's row. Joined first, PostgreSQL plans the five tables
    anew on every call (psycopg2 prepares nothing), which took longer than reading the page.
    Returns the SQL, its parameters and, per column, the converters Django would apply."""
    own = [column for column in values.values() if "__" not in column]
    # One step only (`contact__name`): a row shows nothing further away.
    relations = list(dict.fromkeys(column.split("__")[0] for column in values.values() if "__" in column))
    quote = connection.ops.quote_name
    keys, joins = [], []
    for n, relation in enumerate(relations):
        field = Conversation._meta.get_field(relation)
        if field.many_to_one:  # a foreign key of the conversation's
            keys.append(field.attname)
            on = f"r{n}.{quote(field.target_field.column)} = p.k{len(keys) - 1}"
        else:  # a row of another app's that points at the conversation (triage's)
            on = f"r{n}.{quote(field.field.column)} = p.c{position.index('pk')}"
        joins.append(f"LEFT JOIN {quote(field.related_model._meta.db_table)} AS r{n} ON {on}")
    inner = queryset.values_list(*position, *own, *keys)[start:stop]
    sql, params = inner.query.sql_with_params()
    names = [f"c{i}" for i in range(len(position) + len(own))] + [f"k{i}" for i in range(len(keys))]
    selected, fields = [], []
    query = inner.query
    for name in position:
        selected.append(f"p.c{len(selected)}")
        fields.append(_field_of(query, name))
    for column in values.values():
        if "__" in column:
            relation, name = column.split("__")
            model = Conversation._meta.get_field(relation).related_model
            field = model._meta.get_field(name)
            selected.append(f"r{relations.index(relation)}.{quote(field.column)}")
        else:
            field = _field_of(query, column)
            selected.append(f"p.c{len(position) + own.index(column)}")
        fields.append(field)
    statement = (
        f"SELECT {', '.join(selected)} FROM ({sql}) AS p ({', '.join(names)}) "  # noqa: S608
        f"{' '.join(joins)} ORDER BY {_POSITION_ORDER[done]}"
    )
    converters = [field.get_db_converters(connection) if field else [] for field in fields]
    return statement, list(params), converters


def _field_of(query, name: str):
    """The model field behind a column the inner statement reads, or the annotation's output field."""
    if name in query.annotations:
        return query.annotations[name].output_field
    return Conversation._meta.pk if name == "pk" else Conversation._meta.get_field(name)


def _rows(
    queryset: QuerySet, values: dict[str, str], position: tuple, *, done: bool, start: int, stop: int
) -> list[tuple]:
    """Rows `start:stop` as `queue_values` reads them."""
    if connection.vendor != "postgresql" or not any("__" in column for column in values.values()):
        return list(queue_values(queryset, values, position)[start:stop])
    try:
        sql, params, converters = page_statement(
            queryset, values, position, done=done, start=start, stop=stop
        )
    except EmptyResultSet:  # nothing can match (a wijkbureau member of no team)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not any(converters):
        return found
    return [
        tuple(_converted(value, convert) for value, convert in zip(row, converters, strict=True))
        for row in found
    ]


def _converted(value, converters: list):
    for convert in converters:
        value = convert(value, None, connection)
    return value


def queue_page(
    *,
    user,
    filter_name: str = "all",
    team_slug: str = "",
    after: str = "",
    offset: int = 0,
    size: int = QUEUE_PAGE_SIZE,
    values: dict[str, str] | None = None,
) -> QueuePage:
    """`size` rows of the queue starting after the cursor `after` (from the start without one), and
    the cursor of the page after them. One query for a first page; one more for each priority the
    page crosses into. `offset` (the API's old page numbers) skips rows the slow way instead.

    The rows are conversations as a row shows them, or with `values` dicts of just those (see
    `queue_values`): what the API lists, without building six model instances a row."""
    scope = {"user": user, "filter_name": filter_name, "team_slug": team_slug}
    # Rows read as values need no related instances: building those joins cost time for nothing.
    queryset = _queue_ordered(**scope) if values else queue_queryset(**scope)
    done = DONE_FILTERS.get(filter_name)
    position_fields = _position_fields(filter_name)

    def read(part: QuerySet, start: int, stop: int) -> list:
        if values:
            return _rows(part, values, position_fields, done=bool(done), start=start, stop=stop)
        return list(part[start:stop])

    if after and done:
        moment, pk = _done_cursor_decode(after)
        rows = read(
            queryset.filter(Q(**{f"{done}__lt": moment}) | Q(**{done: moment, "pk__lt": pk})), 0, size + 1
        )
    elif after:
        rows: list = []
        for part in _after(queue_cursor_decode(after)):
            rows += read(queryset.filter(part), 0, size + 1 - len(rows))
            if len(rows) > size:
                break
    else:
        rows = read(queryset, offset, offset + size + 1)
    more = len(rows) > size
    rows = rows[:size]
    if values:
        position = tuple(rows[-1][: len(position_fields)]) if more else None
        rows = [dict(zip(values, row[len(position_fields) :], strict=True)) for row in rows]
    else:
        position = tuple(getattr(rows[-1], name) for name in position_fields) if more else None
    if position is None:
        return QueuePage(rows=rows, next="")
    return QueuePage(rows=rows, next=_done_cursor(*position) if done else _cursor_at(*position))


def _done_cursor(moment: dt.datetime, pk: int) -> str:
    """A cursor in a view of what is done (newest first): just before this moment and row."""
    return base64.urlsafe_b64encode(f"d.{_micros(moment)}.{pk}".encode()).decode().rstrip("=")


def _done_cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, micros, pk = raw.split(".")
        moment = _moment(micros)
        if kind != "d" or moment is None:
            raise ValueError(kind)
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError, OSError) as exc:
        raise InvalidCursor("This cursor is not one the queue handed out.") from exc


def _after(position: tuple) -> list[Q]:
    """What comes after a row in queue order (-priority, due_at with the undated last, started_at,
    pk), as parts in that order, each a range of the queue's index rather than a filter over it."""
    priority, due_at, started_at, pk = position
    later = Q(started_at__gt=started_at) | Q(started_at=started_at, pk__gt=pk)
    if due_at is None:
        return [
            Q(priority=priority, due_at__isnull=True, started_at__gte=started_at) & later,
            Q(priority__lt=priority),
        ]
    return [
        # due_at >= the cursor's bounds the index scan; the rest drops the rows of that moment before it.
        Q(priority=priority, due_at__gte=due_at) & (Q(due_at__gt=due_at) | later),
        Q(priority=priority, due_at__isnull=True),
        Q(priority__lt=priority),
    ]


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _micros(moment: dt.datetime | None) -> str:
    # Integer arithmetic: a float timestamp can be a microsecond off, and the cursor compares exactly.
    return "" if moment is None else str((moment - _EPOCH) // _MICROSECOND)


def _moment(micros: str) -> dt.datetime | None:
    return _EPOCH + int(micros) * _MICROSECOND if micros else None


def queue_cursor(row: Conversation) -> str:
    """An opaque cursor pointing just after `row`."""
    return _cursor_at(*(getattr(row, name) for name in _POSITION))


def _cursor_at(priority: int, due_at: dt.datetime | None, started_at: dt.datetime, pk: int) -> str:
    raw = f"{priority}.{_micros(due_at)}.{_micros(started_at)}.{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def queue_cursor_decode(cursor: str) -> tuple:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        priority, due_at, started_at, pk = raw.split(".")
        position = (int(priority), _moment(due_at), _moment(started_at), int(pk))
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError, OSError) as exc:
        raise InvalidCursor("This cursor is not one the queue handed out.") from exc
    if position[2] is None:
        raise InvalidCursor("This cursor is not one the queue handed out.")
    return position


def queue_version(*, user, filter_name: str = "all", team_slug: str = "") -> str:
    """A token that changes whenever the queue would render differently: the newest change among
    the conversations this user may see (one probe of an index on updated_at: the whole table's,
    or per team for a wijkbureau) and the minute, so overdue markers appear without any change.

    Every service saves the conversation it changes, so updated_at moves with each change; a
    conversation leaving the queue is a change too. The filter does not narrow it: a change
    elsewhere only costs one needless re-render.
    """
    teams = visible_teams(user)
    changed = None if teams == [] else _latest_change(None if teams is None else tuple(sorted(teams)))
    minute = timezone.now().strftime("%Y%m%d%H%M")
    return f"{changed.timestamp() if changed else 0:.6f}-{minute}"


def _latest_change(teams: tuple[int, ...] | None) -> dt.datetime | None:
    with connection.cursor() as cursor:
        cursor.execute(*_latest_change_statement(teams))
        row = cursor.fetchone()
    if row and isinstance(row[0], str):  # SQLite hands the column back as its text, in UTC
        return dt.datetime.fromisoformat(row[0]).replace(tzinfo=dt.UTC)
    return row[0] if row else None


@lru_cache(maxsize=256)
def _latest_change_statement(teams: tuple[int, ...] | None) -> tuple[str, tuple]:
    """The newest `updated_at` among these teams' conversations (all without), compiled once per
    process and team scope, as take next's statement is: the refresh asks it for every agent every
    few seconds, and building the query through the ORM cost more than running it (ADR 0014)."""
    conversations = (
        Conversation.objects.all() if teams is None else Conversation.objects.filter(team_id__in=teams)
    )
    return conversations.order_by("-updated_at").values_list("updated_at")[:1].query.sql_with_params()


@dataclass(frozen=True)
class Count:
    """A count that stops at COUNT_LIMIT: `more` when there are more than `n`."""

    n: int
    more: bool


def _counts(*querysets: QuerySet) -> list[Count]:
    """Each queryset counted up to COUNT_LIMIT, all in one statement: the counts of a page are small
    (a limited subquery each), and a round trip and an aggregate query built each cost more."""
    parts, params = [], []
    for queryset in querysets:
        try:
            sql, part_params = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].query.sql_with_params()
        except EmptyResultSet:  # nothing can match (a wijkbureau member of no team)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")  # noqa: S608 (Django's SQL, its parameters)
        params += part_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        found = cursor.fetchone()
    return [Count(n=min(n, COUNT_LIMIT), more=n > COUNT_LIMIT) for n in found]


def queue_counts(*, user, filter_name: str = "all", team_slug: str = "") -> dict[str, Count]:
    """What the view holds and, in a to-do view, how much of it is overdue, each counted up to
    COUNT_LIMIT. The counts follow the view ("Mine" counts one's own)."""
    base = queue_base(user=user, filter_name=filter_name, team_slug=team_slug)
    if filter_name in DONE_FILTERS:
        return {"todo": _counts(base)[0], "overdue": Count(n=0, more=False)}
    todo, overdue = _counts(base, base.filter(due_at__lt=timezone.now()))
    return {"todo": todo, "overdue": overdue}


def team_choices() -> list[Team]:
    return list(Team.objects.order_by("name"))


def accounts_by_id() -> dict[int, tuple[str, str]]:
    """Every channel account's platform and handle by its id (a handful of rows)."""
    return {
        pk: (platform, handle)
        for pk, platform, handle in Account.objects.values_list("id", "platform", "handle")
    }
