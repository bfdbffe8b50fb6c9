"""On PostgreSQL the queue is read from its partial indexes in queue order: the first page, a later
page and "take next" walk an index and never sort the open conversations (EXPLAIN names the index)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from inbox.api.conversations import LIST_VALUES
from inbox.models import Contact, Conversation
from inbox.permissions import visible_conversations
from inbox.selectors.queue import (
    _POSITION,
    QUEUE_FILTERS,
    _after,
    _position_fields,
    page_statement,
    queue_cursor,
    queue_cursor_decode,
    queue_page,
    queue_queryset,
    queue_values,
)
from inbox.services.claims import free_in_queue_order
from inbox.views.queue_rows import ROW_VALUES
from tests.conftest import require
from triage.models import ConversationTriage


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
    return plan_of(*queryset.query.sql_with_params())


def plan_of(sql: str, params) -> str:
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


def test_a_page_is_found_in_the_index_before_anything_is_joined(large_queue, agent):
    sql, params, _converters = page_statement(
        queue_queryset(user=agent), ROW_VALUES, _POSITION, done=False, start=0, stop=51
    )

    explained = plan_of(sql, params)

    # The 51 rows come from the index under a Limit; the joins and the one sort are over those rows.
    assert "conv_queue_open_idx" in explained, explained
    index_line = next(n for n, line in enumerate(explained.splitlines()) if "conv_queue_open_idx" in line)
    limit_line = next(n for n, line in enumerate(explained.splitlines()) if "Limit" in line)
    assert limit_line < index_line, explained
    assert "Seq Scan on inbox_conversation" not in explained, explained


@pytest.mark.parametrize("values", [LIST_VALUES, ROW_VALUES], ids=["api", "page"])
def test_a_page_read_in_one_statement_holds_what_the_plain_read_holds(large_queue, agent, values):
    # Some rows have triage's row (JSON columns of another app's table), some are held, most not.
    for conversation in Conversation.objects.filter(state="open").order_by("pk")[:40:3]:
        ConversationTriage.objects.create(
            conversation=conversation,
            text="Lantaarnpaal kapot",
            suggested={"type": "melding", "urgent": True},
        )
    for filter_name in QUEUE_FILTERS:
        plain = queue_values(
            queue_queryset(user=agent, filter_name=filter_name), values, _position_fields(filter_name)
        )
        first, second = [], []
        for row in plain[:101]:
            (first if len(first) < 50 else second).append(dict(zip(values, row[-len(values) :], strict=True)))

        page = queue_page(user=agent, filter_name=filter_name, values=values)
        assert page.rows == first, filter_name
        if second:
            assert (
                queue_page(user=agent, filter_name=filter_name, values=values, after=page.next).rows
                == second[:50]
            )
