"""On PostgreSQL the queue is read from its partial indexes in queue order: the first page, a later
page and "take next" walk an index and never sort the open conversations (EXPLAIN names the index)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from inbox.models import Contact, Conversation
from inbox.permissions import visible_conversations
from inbox.selectors.queue import _after, queue_cursor, queue_cursor_decode, queue_queryset
from inbox.services.claims import free_in_queue_order
from tests.conftest import require


@pytest.fixture
def large_queue(account, other_agent):
    """3,000 conversations, 300 of them open (two thirds held by an agent), with the planner's
    statistics up to date."""
    require(connection.vendor == "postgresql", "EXPLAIN of the queue's partial indexes needs PostgreSQL")
    contact = Contact.objects.create(platform="sandbox", platform_user_id="many", name="Veel")
    now = timezone.now()
    Conversation.objects.bulk_create(
        [
            Conversation(
                account=account,
                contact=contact,
                team=account.team,
                thread_key=f"t{n}",
                state=("new" if n % 30 == 0 else "open") if n % 10 == 0 else "closed",
                assignee=other_agent if n % 10 == 0 and n % 30 else None,
                priority=1 if n % 70 == 0 else 0,
                due_at=now + dt.timedelta(minutes=n % 500),
                last_message_at=now,
                started_at=now - dt.timedelta(minutes=n),
            )
            for n in range(3000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inbox_conversation")


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_first_page_is_read_from_the_open_queue_index(large_queue, agent):
    explained = plan(queue_queryset(user=agent)[:51])

    assert "conv_queue_open_idx" in explained, explained
    assert "Sort" not in explained, explained


def test_a_later_page_starts_inside_the_index(large_queue, agent):
    queue = queue_queryset(user=agent)
    hundredth = list(queue[:100])[-1]
    same_priority = _after(queue_cursor_decode(queue_cursor(hundredth)))[0]

    explained = plan(queue.filter(same_priority)[:51])

    assert "conv_queue_open_idx" in explained, explained
    assert "Index Cond" in explained and "due_at >=" in explained, explained
    assert "Sort" not in explained, explained


def test_take_next_locks_the_first_free_row_of_its_index_without_sorting(large_queue, agent):
    candidates = (
        free_in_queue_order(visible_conversations(agent))
        .select_for_update(skip_locked=True, of=("self",))
        .only("pk")[:1]
    )

    explained = plan(candidates)

    assert "conv_queue_free_idx" in explained, explained
    assert "LockRows" in explained and "Sort" not in explained, explained
