import pytest
from django.test import Client

from inbox.models import Conversation, Message, Role
from inbox.services.api_tokens import api_token_create
from inbox.services.claims import conversation_claim


@pytest.fixture
def token(agent):
    return api_token_create(user=agent, name="test")


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_schema_lists_the_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}",
        "/api/v1/conversations/{conversation_id}/claim",
        "/api/v1/conversations/{conversation_id}/release",
        "/api/v1/conversations/{conversation_id}/reply",
        "/api/v1/conversations/{conversation_id}/close",
    } <= set(schema["paths"])


def test_unauthenticated_gets_json_401(client, db):
    response = client.get("/api/v1/conversations")
    assert response.status_code == 401
    assert response.json() == {"detail": "Log in or send a valid bearer token."}


def test_wrong_token_is_401(client, db):
    assert client.get("/api/v1/conversations", **bearer("wc_wrong")).status_code == 401


def test_list_is_the_queue_paginated(client, token, deliver):
    from tests.conftest import incoming

    deliver(*[incoming(platform_id=f"p{i}") for i in range(3)])

    body = client.get("/api/v1/conversations", {"filter": "unassigned"}, **bearer(token)).json()

    assert len(body["items"]) == 3
    assert body["next"] is None
    assert "count" not in body  # no count of the whole queue (ADR 0014)
    assert {item["state"] for item in body["items"]} == {"new"}
    assert body["items"][0]["preview"] == "Er ligt een omgevallen boom op het fietspad."
    assert body["items"][0]["message_count"] == 1


def test_unknown_filter_is_a_clear_422(client, token, db):
    response = client.get("/api/v1/conversations", {"filter": "everything"}, **bearer(token))
    assert response.status_code == 422
    assert "filter must be one of" in response.json()["detail"]


def test_detail_has_messages_and_timeline(client, token, conversation):
    body = client.get(f"/api/v1/conversations/{conversation.pk}", **bearer(token)).json()

    assert [m["platform_id"] for m in body["messages"]] == ["first"]
    assert [e["kind"] for e in body["timeline"]] == ["created"]


def test_claim_reply_close_through_the_api(client, token, conversation, monkeypatch):
    url = f"/api/v1/conversations/{conversation.pk}"

    assert client.post(f"{url}/claim", **bearer(token)).json()["assignee"] == "agent"
    reply = client.post(
        f"{url}/reply",
        {"text": "Dank u, wij pakken het op."},
        content_type="application/json",
        **bearer(token),
    )
    assert reply.status_code == 201
    assert reply.json()["send_status"] == "queued"
    closed = client.post(f"{url}/close", **bearer(token)).json()
    assert closed["state"] == "closed"
    assert [e["kind"] for e in closed["timeline"]] == ["created", "claimed", "reply_queued", "closed"]


def test_claim_conflict_is_409_with_who(client, token, conversation, other_agent):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)

    response = client.post(f"/api/v1/conversations/{conversation.pk}/claim", **bearer(token))

    assert response.status_code == 409
    assert "Collega" in response.json()["detail"]


@pytest.mark.parametrize("payload", [{}, {"text": 5}, {"text": None}, {"text": ""}, {"text": "x" * 1001}])
def test_bad_reply_payloads_are_422_and_store_nothing(client, token, conversation, payload):
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/reply",
        payload,
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 422
    assert Message.objects.filter(direction="out").count() == 0


def test_malformed_json_is_a_client_error(client, token, conversation):
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/reply",
        "{not json",
        content_type="application/json",
        **bearer(token),
    )
    assert 400 <= response.status_code < 500


def test_manager_may_read_but_not_claim(client, make_user, conversation):
    token = api_token_create(user=make_user(Role.MANAGER), name="m")

    assert client.get(f"/api/v1/conversations/{conversation.pk}", **bearer(token)).status_code == 200
    response = client.post(f"/api/v1/conversations/{conversation.pk}/claim", **bearer(token))
    assert response.status_code == 403
    assert Conversation.objects.get(pk=conversation.pk).assignee is None


def test_wijkbureau_cannot_see_other_teams_conversation(client, make_user, conversation):
    token = api_token_create(user=make_user(Role.WIJKBUREAU, team="oost"), name="w")

    assert client.get(f"/api/v1/conversations/{conversation.pk}", **bearer(token)).status_code == 404
    assert client.get("/api/v1/conversations", **bearer(token)).json() == {"items": [], "next": None}


def test_session_auth_needs_csrf_for_writes(agent, conversation):
    browser_like = Client(enforce_csrf_checks=True)
    browser_like.force_login(agent)

    assert browser_like.get("/api/v1/conversations").status_code == 200
    assert browser_like.post(f"/api/v1/conversations/{conversation.pk}/claim").status_code == 403
    assert Conversation.objects.get(pk=conversation.pk).assignee is None
