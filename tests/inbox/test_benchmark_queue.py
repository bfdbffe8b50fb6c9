"""`benchmark_queue` runs end to end on a tiny queue and prints the documented JSON keys; it refuses a
database that holds conversations. Its figures are not asserted: benchmarks are commands."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inbox.benchmarks import data, ingest, timing
from inbox.management.commands import benchmark_queue
from inbox.models import Conversation
from reports.models import ConversationTally
from triage.models import ConversationTriage

KEYS = {
    "queue_api_ms",
    "queue_page_ms",
    "refresh_unchanged_ms",
    "conversation_page_ms",
    "queries",
    "claims_per_s",
    "double_claims",
    "ingest_msgs_per_s",
    "raw_insert_msgs_per_s",
    "raw_sql_queue_ms",
    "claims_per_s_single",
}


def test_refuses_a_database_that_is_not_empty(conversation):
    with pytest.raises(CommandError, match="not empty"):
        call_command("benchmark_queue", "--conversations", "10", "--open", "5")
    assert Conversation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_tiny_run_prints_exactly_the_documented_keys(monkeypatch):
    monkeypatch.setattr(benchmark_queue, "INGEST_MESSAGES", 120)
    monkeypatch.setattr(timing, "CLAIM_SECONDS", 0.3)
    monkeypatch.setattr(timing, "TIMED", 3)
    out = StringIO()

    call_command(
        "benchmark_queue",
        "--conversations",
        "60",
        "--open",
        "20",
        "--messages-per-conversation",
        "2",
        "--json",
        stdout=out,
        stderr=StringIO(),
    )

    result = json.loads(out.getvalue())
    assert set(result) == KEYS
    assert set(result["queries"]) == {"queue_api", "queue_page", "refresh", "conversation_page"}
    assert set(result["queue_api_ms"]) == {"p50", "p95", "max"}
    assert result["double_claims"] == 0
    assert Conversation.objects.count() > 60  # the ingest run's conversations are there too


@pytest.mark.django_db(transaction=True)
def test_the_raw_insert_writes_back_every_row_the_real_path_wrote():
    """The limit ingest is compared with inserts the very same rows: what it takes out to insert again
    (a conversation's tally and triage row go with it) is all back afterwards."""
    generated = data.generate(conversations=40, open_count=10, per_conversation=2, log=lambda _: None)
    account = generated.accounts[0]
    before = Conversation.objects.order_by("-pk").values_list("pk", flat=True).first()
    items = ingest.poll_items(account, count=150, per_conversation=2)

    figures = ingest.measure(account, items, per_conversation=2)

    opened = Conversation.objects.filter(pk__gt=before)  # the warm-up page's too
    assert figures.conversations_opened > 0 and opened.count() > figures.conversations_opened
    assert ConversationTally.objects.filter(conversation__in=opened).count() == opened.count()
    assert ConversationTriage.objects.filter(conversation__in=opened).count() == opened.count()


@pytest.mark.django_db
def test_statements_are_counted_once_djangos_query_log_is_full():
    """The ingest run fills the query log (it keeps the last 9,000): counts taken after it must
    still see every statement."""
    from django.db import connection

    connection.queries_log.extend({"sql": "SELECT 1", "time": "0"} for _ in range(connection.queries_limit))

    assert timing.query_count(lambda: (list(Conversation.objects.all()), Conversation.objects.count())) == 2
