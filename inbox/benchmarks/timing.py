"""The timed targets of `benchmark_queue`: pages and API calls in-process as an agent and the raw-SQL
limit of the queue's first page, taken in turn, and "take next" by one agent and by twenty at once."""

import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from ..api.conversations import LIST_VALUES
from ..models import Conversation, Event
from ..permissions import roles
from ..selectors.queue import QUEUE_PAGE_SIZE, queue_queryset, queue_values, queue_version
from ..services.claims import conversation_take_next

WARM_UPS = 5
TIMED = 50
CLAIM_SECONDS = 10.0


def summary(times_ms: list[float]) -> dict:
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "max": round(ordered[-1], 2)}


def timed_in_turn(targets: dict[str, tuple[Callable[[], object], Callable[[], None] | None]]) -> dict:
    """Every target once per round, 5 warm-up rounds and 50 timed ones; a target's `prepare` runs
    untimed before each of its runs. Taken in turn, the targets share whatever the machine does
    meanwhile (a shared host's speed drifts by half within minutes), so their ratios hold."""
    times: dict[str, list[float]] = {name: [] for name in targets}
    for n in range(WARM_UPS + TIMED):
        for name, (run, prepare) in targets.items():
            if prepare:
                prepare()
            started = time.perf_counter()
            run()
            if n >= WARM_UPS:
                times[name].append((time.perf_counter() - started) * 1000)
    return {name: summary(found) for name, found in times.items()}


@contextmanager
def counted_statements() -> Iterator[list[int]]:
    """The statements run inside, counted as they run (`found[0]`). Django's query log keeps only the
    last 9,000, and a capture of it begun once it is full sees none: the ingest run fills it."""
    found = [0]

    def count(execute, sql, params, many, context):
        found[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield found


def query_count(run: Callable[[], object]) -> int:
    with counted_statements() as found:
        run()
    return found[0]


def requests(agent, conversation_pk: int) -> tuple[dict, dict]:
    """The four in-process targets and the raw-SQL limit, timed in turn: timings and query counts
    (the raw statement's time under "raw_sql_queue")."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)

    def get(url: str, expect: int, **headers):
        response = client.get(url, **headers)
        assert response.status_code == expect, (url, response.status_code)
        return response

    version = {"v": ""}

    def fresh_version():
        version["v"] = queue_version(user=agent)

    targets = {
        "queue_api": (lambda: get("/api/v1/conversations", 200), None),
        "queue_page": (lambda: get("/queue/", 200), None),
        "refresh": (
            lambda: get(f"/queue/?filter=all&team=&v={version['v']}", 204, HTTP_HX_REQUEST="true"),
            fresh_version,
        ),
        "conversation_page": (lambda: get(f"/conversations/{conversation_pk}/", 200), None),
    }
    times = timed_in_turn({**targets, "raw_sql_queue": (raw_sql_queue(agent), None)})
    queries = {}
    for name, (run, prepare) in targets.items():
        if prepare:
            prepare()
        queries[name] = query_count(run)
    return times, queries


def raw_sql_queue(agent) -> Callable[[], None]:
    """The API's first page as one statement, written as one would by hand: the conversations
    joined to their account, contact, team and assignee, in queue order over the same partial index,
    rows fetched. The limit the queue is measured against. (The API itself finds its rows among the
    conversations first and joins after, `selectors.queue.page_statement`: PostgreSQL plans that in a
    fraction of the time, which is why it can come close to this limit at all.)"""
    queryset = queue_values(queue_queryset(user=agent), LIST_VALUES)
    sql, params = queryset[: QUEUE_PAGE_SIZE + 1].query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def claims(agents: list, seconds: float = CLAIM_SECONDS) -> tuple[float, int, list[int]]:
    """Agents pressing "take next" as fast as they can, each in its own thread with its own database
    connection, for `seconds` or until nothing is left. Returns claims per second, how many
    conversations were given to more than one agent (which must be none: counted both from what the
    agents got and from the timeline) and the conversations claimed."""
    taken: list[list[int]] = [[] for _ in agents]
    start = threading.Barrier(len(agents) + 1)
    stop_at = [0.0]

    def work(n: int, agent) -> None:
        try:
            roles(agent)  # read once, as a request's user is
            start.wait()
            while time.perf_counter() < stop_at[0]:
                conversation = conversation_take_next(user=agent)
                if conversation is None:
                    break
                taken[n].append(conversation.pk)
        finally:
            connections.close_all()

    since = timezone.now()
    threads = [threading.Thread(target=work, args=(n, agent)) for n, agent in enumerate(agents)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    claimed = [pk for pks in taken for pk in pks]
    twice_by_agents = len(claimed) - len(set(claimed))
    twice_on_timeline = (
        Event.objects.filter(conversation_id__in=set(claimed), kind=Event.Kind.CLAIMED, created_at__gte=since)
        .values("conversation_id")
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return len(claimed) / elapsed, max(twice_by_agents, twice_on_timeline), claimed


def claims_undo(conversation_ids: list[int]) -> None:
    """Put claimed conversations back as they were (new, nobody holds them), so the next run starts
    from the same queue. Benchmark scaffolding, not a service: the timeline keeps its claims."""
    Conversation.objects.filter(pk__in=conversation_ids).update(assignee=None, state="new")
