"""A poll page is ingested as a whole: the number of queries does not grow with the page, and what a
queue row shows (message count, newest inbound time and preview, last activity) is kept with it."""

import datetime as dt
import math

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Conversation, Event, Message
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_queue
from tests.conftest import incoming
from triage.models import ConversationTriage, RoutingRule


def page(prefix: str, threads: int, *, known_author: bool = False) -> list:
    """`threads` new threads of three messages each (a reply to the first, then our own answer)."""
    now = timezone.now() - dt.timedelta(minutes=30)
    items = []
    for n in range(threads):
        author = "regular" if known_author else f"{prefix}-author-{n}"
        first = incoming(
            platform_id=f"{prefix}-{n}-a", thread_key=f"{prefix}-{n}", author_id=author, created_at=now
        )
        items += [
            first,
            incoming(
                platform_id=f"{prefix}-{n}-b",
                thread_key=f"{prefix}-{n}",
                author_id=author,
                in_reply_to=first.platform_id,
                created_at=now + dt.timedelta(minutes=1),
                text="En er ligt nog meer.",
            ),
            incoming(
                platform_id=f"{prefix}-{n}-c",
                thread_key=f"{prefix}-{n}",
                author_id="GemeenteTest",
                outbound=True,
                in_reply_to=first.platform_id,
                created_at=now + dt.timedelta(minutes=2),
            ),
        ]
    return items


def test_queries_per_page_do_not_grow_with_the_page(deliver, teams):
    RoutingRule.objects.create(name="Afval", team=teams["oost"], keyword="container", position=1)
    deliver(*page("warm", 1))  # the model loaded, the contact known
    with CaptureQueriesContext(connection) as small:
        deliver(*page("small", 2))
    with CaptureQueriesContext(connection) as large:
        deliver(*page("large", 30))

    assert Conversation.objects.count() == 33
    assert ConversationTriage.objects.count() == 33
    # One insert per table, split only where the database's parameter limit demands it (SQLite
    # allows 999 a statement: 90 messages of 20 columns take two); everything else the same.
    assert len(not_inserts(large)) == len(not_inserts(small))
    messages = Message.objects.filter(platform_id__startswith="large-").count()
    assert len(inserts(large, "inbox_message")) == insert_batches(Message, messages)


def inserts(queries, table: str = "") -> list:
    return [q for q in queries if q["sql"].startswith(f'INSERT INTO "{table}')]


def not_inserts(queries) -> list:
    return [q for q in queries if not q["sql"].startswith("INSERT INTO")]


def insert_batches(model, rows: int) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [None] * rows) or rows
    return math.ceil(rows / size)


def test_a_page_keeps_what_the_queue_shows(deliver):
    deliver(*page("p", 2))

    conversation = Conversation.objects.get(thread_key="p-0")
    assert conversation.message_count == 3
    assert conversation.preview == "En er ligt nog meer."
    assert conversation.last_inbound_at == conversation.messages.get(platform_id="p-0-b").created_at
    assert conversation.state == "answered"  # our own answer, read back
    assert conversation.last_activity_at is not None
    assert list(conversation.events.values_list("kind", flat=True)) == ["created", "answered_outside"]
    assert conversation.events.get(kind="created").data["routed_to"] == "KCC"


def test_an_older_message_fetched_late_does_not_replace_the_preview(deliver, conversation):
    deliver(incoming(platform_id="newer", thread_key="first", text="Nieuwste"))
    deliver(
        incoming(
            platform_id="older",
            thread_key="first",
            text="Ouder",
            created_at=timezone.now() - dt.timedelta(days=1),
        )
    )

    conversation.refresh_from_db()
    assert (conversation.preview, conversation.message_count) == ("Nieuwste", 3)


def test_services_keep_the_count_and_the_activity(deliver, conversation, agent):
    before = Conversation.objects.get(pk=conversation.pk).last_activity_at
    reply_queue(conversation_id=conversation.pk, user=agent, text="Wij kijken ernaar.")
    conversation_close(conversation_id=conversation.pk, user=agent)

    conversation.refresh_from_db()
    assert conversation.message_count == 2
    assert conversation.preview == "Er ligt een omgevallen boom op het fietspad."  # inbound only
    assert conversation.last_activity_at > before
    assert conversation.last_activity_at == Event.objects.filter(conversation=conversation).last().created_at


def test_a_routing_rule_saved_or_deleted_applies_from_the_next_page(deliver, teams):
    deliver(*page("before", 2))
    rule = RoutingRule.objects.create(name="Alles naar Oost", team=teams["oost"], position=1)
    deliver(*page("after", 2))
    rule.delete()
    deliver(*page("again", 1))

    teams_by_thread = dict(Conversation.objects.values_list("thread_key", "team__slug"))
    assert teams_by_thread == {
        "before-0": "kcc",
        "before-1": "kcc",
        "after-0": "wijkbureau-oost",
        "after-1": "wijkbureau-oost",
        "again-0": "kcc",
    }


def test_a_page_s_update_writes_each_kind_of_value_as_the_field_saves_it(conversation, teams):
    # `rows_update` sends plain values as they are and the rest through the field: a choices member,
    # a lazy string, an aware datetime in another zone, a foreign key and an empty value all arrive.
    from django.utils.translation import gettext_lazy

    from inbox.services.ingest import rows_update
    from inbox.workflow import State

    moment = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    conversation.state, conversation.closed_at, conversation.first_response_at = State.CLOSED, moment, None
    conversation.preview, conversation.team = gettext_lazy("Closed"), teams["comms"]
    conversation.priority, conversation.personal_data_exposed = 1, True
    names = [
        "state",
        "closed_at",
        "first_response_at",
        "preview",
        "team",
        "priority",
        "personal_data_exposed",
    ]
    rows_update(Conversation, [conversation], names)
    stored = Conversation.objects.get(pk=conversation.pk)
    assert [getattr(stored, name) for name in names] == [
        "closed",
        moment,
        None,
        str(gettext_lazy("Closed")),
        teams["comms"],
        1,
        True,
    ]
    assert stored.closed_at.astimezone(dt.UTC).hour == 7
