"""The queue in the API, page by page: a cursor (`next`) leads through the whole queue in its order,
across priorities and undated conversations, with no count of the whole queue; page numbers still work."""

import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.api.conversations import ConversationPageOut
from inbox.models import QUEUE_ORDER, Conversation
from inbox.services.api_tokens import api_token_create
from tests.conftest import incoming


@pytest.fixture
def headers(agent):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=agent, name='paging')}"}


@pytest.fixture
def queue_of_120(deliver):
    start = timezone.now() - dt.timedelta(hours=3)
    deliver(
        *[
            incoming(platform_id=f"q{n}", author_id=f"c{n}", created_at=start + dt.timedelta(seconds=n))
            for n in range(120)
        ]
    )
    ids = list(Conversation.objects.order_by("pk").values_list("pk", flat=True))
    # Some urgent, some sharing one deadline (ties broken by age, then id), some without one.
    Conversation.objects.filter(pk__in=ids[::7]).update(priority=1)
    Conversation.objects.filter(pk__in=ids[10:40]).update(due_at=start)
    Conversation.objects.filter(pk__in=ids[100:110]).update(due_at=None)
    return list(Conversation.objects.order_by(*QUEUE_ORDER).values_list("pk", flat=True))


def test_next_leads_through_the_whole_queue_in_order(client, headers, queue_of_120):
    seen, cursor, pages = [], "", 0
    while True:
        body = client.get("/api/v1/conversations", {"cursor": cursor} if cursor else {}, **headers).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        cursor = body["next"]

    assert seen == queue_of_120
    assert pages == 3


def test_a_page_reads_the_queue_once_and_never_counts_it(client, headers, queue_of_120):
    first = client.get("/api/v1/conversations", **headers).json()
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/conversations", {"cursor": first["next"]}, **headers)

    on_conversations = [q["sql"] for q in queries if 'FROM "inbox_conversation"' in q["sql"]]
    assert not any("COUNT(" in sql.upper() for sql in on_conversations)
    # One query per priority the page crosses (here the urgent ones run out on this page).
    assert 1 <= len(on_conversations) <= 3


def test_page_numbers_still_work(client, headers, queue_of_120):
    body = client.get("/api/v1/conversations", {"page": 2}, **headers).json()

    assert [item["id"] for item in body["items"]] == queue_of_120[50:100]
    assert body["next"] is not None


@pytest.mark.parametrize("cursor", ["nonsense", "MS4yLjM", "!!!", "MC4uLjE"])
def test_a_cursor_the_queue_did_not_hand_out_is_a_clear_422(client, headers, cursor, db):
    response = client.get("/api/v1/conversations", {"cursor": cursor}, **headers)

    assert response.status_code == 422
    assert response.json() == {"detail": "This cursor is not one the queue handed out."}


def test_a_listed_row_shows_what_the_conversation_read_whole_shows(client, headers, deliver, agent):
    # The list reads its rows as values, the detail from the conversation's related rows: the same
    # fields with the same values, for a claimed conversation (an assignee) and an unclaimed one.
    deliver(incoming(platform_id="a1", author_id="c1"), incoming(platform_id="a2", author_id="c2"))
    claimed = Conversation.objects.order_by("pk").first()
    assert client.post(f"/api/v1/conversations/{claimed.pk}/claim", **headers).status_code == 200
    items = client.get("/api/v1/conversations", **headers).json()["items"]
    assert {item["assignee"] for item in items} == {agent.get_username(), None}
    for item in items:
        detail = client.get(f"/api/v1/conversations/{item['id']}", **headers).json()
        assert item == {key: detail[key] for key in item}
        assert set(detail) - set(item) == {"messages", "timeline"}


def test_a_page_is_exactly_what_its_schema_makes_of_it(client, headers, queue_of_120, agent):
    """The list renders its rows without running them through the schema: what it sends must be
    what the schema's validation would have sent, field for field and value for value."""
    Conversation.objects.filter(pk__in=queue_of_120[:3]).update(
        assignee=agent, first_response_at=timezone.now()
    )
    sent = client.get("/api/v1/conversations", **headers)

    body = sent.json()
    validated = ConversationPageOut.model_validate(body).model_dump(mode="python")
    assert json.loads(json.dumps(validated, cls=DjangoJSONEncoder)) == body
    assert list(body["items"][0]) == list(
        ConversationPageOut.model_fields["items"].annotation.__args__[0].model_fields
    )
    assert {item["assignee"] for item in body["items"][:3]} == {agent.username}
    assert body["items"][0]["first_response_at"].endswith("Z")
