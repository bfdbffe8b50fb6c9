"""The Facebook parts of the conversation page: the 24-hour window in the reply box, hiding comments."""

import pytest
from django.urls import reverse

from channels import polling
from inbox.models import Conversation, Event, Message

from .conftest import CITIZEN, PAGE_ID, ago

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def comment_conversation(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    first = graph.add_comment(
        post["id"], "Mijn telefoonnummer is 06-12345678", author=CITIZEN, created=ago(hours=2)
    )
    polling.poll_account(fb_account.pk)
    return Conversation.objects.get(thread_key=f"comment:{first['id']}")


def test_outside_the_window_the_reply_box_says_why_and_offers_alternatives(graph, fb_account, agent_client):
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=30))
    polling.poll_account(fb_account.pk)
    conversation = Conversation.objects.get()

    page = agent_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()

    assert 'id="reply-form"' not in page
    assert "Dit antwoord kan hier niet worden verstuurd" in page
    assert "Messenger staat een antwoord alleen toe binnen 24 uur" in page
    assert "antwoord openbaar onder een reactie" in page
    assert "privéantwoord op een reactie" in page


def test_outside_the_window_the_server_refuses_a_reply(graph, fb_account, agent_client):
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=30))
    polling.poll_account(fb_account.pk)
    conversation = Conversation.objects.get()
    events = Event.objects.count()

    response = agent_client.post(
        reverse("inbox:reply", args=[conversation.pk]), {"text": "Donderdag"}, **HTMX
    )

    assert response.status_code == 422
    assert "Messenger staat een antwoord alleen toe binnen 24 uur" in response.content.decode()
    assert Message.objects.filter(direction="out").count() == 0
    assert Event.objects.count() == events


def test_within_the_window_the_reply_box_is_there(graph, fb_account, agent_client):
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=2))
    polling.poll_account(fb_account.pk)

    page = agent_client.get(
        reverse("inbox:conversation", args=[Conversation.objects.get().pk])
    ).content.decode()

    assert 'id="reply-form"' in page
    assert "Reactie verbergen" not in page  # Messenger messages cannot be hidden


def test_hiding_a_comment_calls_facebook_and_is_on_the_timeline(
    graph, comment_conversation, agent_client, agent
):
    message = comment_conversation.messages.get()
    url = reverse("inbox:hide_comment", args=[comment_conversation.pk, message.pk])
    page = agent_client.get(reverse("inbox:conversation", args=[comment_conversation.pk])).content.decode()
    assert "Reactie verbergen" in page

    response = agent_client.post(url, {"hidden": "1"}, **HTMX)

    assert response.status_code == 200
    assert "Verborgen op het platform" in response.content.decode()
    assert "Reactie weer tonen" in response.content.decode()
    call = graph.calls("POST")[-1]
    assert call.path == f"/v23.0/{message.platform_id}"
    assert call.body["is_hidden"] == "true"
    message.refresh_from_db()
    assert message.hidden is True
    event = Event.objects.filter(kind="comment_hidden").get()
    assert (event.actor, event.data["platform_id"]) == (agent, message.platform_id)

    agent_client.post(url, {"hidden": "0"}, **HTMX)

    assert graph.calls("POST")[-1].body["is_hidden"] == "false"
    message.refresh_from_db()
    assert message.hidden is False
    assert Event.objects.filter(kind="comment_shown").count() == 1


def test_when_facebook_refuses_hiding_nothing_is_recorded(graph, comment_conversation, agent_client):
    message = comment_conversation.messages.get()
    graph.fail(
        "POST",
        message.platform_id,
        400,
        {"error": {"message": "(#200) Permissions error", "type": "OAuthException", "code": 200}},
    )
    events = Event.objects.count()

    response = agent_client.post(
        reverse("inbox:hide_comment", args=[comment_conversation.pk, message.pk]), {"hidden": "1"}, **HTMX
    )

    assert response.status_code == 409
    assert "Facebook heeft de reactie niet aangepast" in response.content.decode()
    message.refresh_from_db()
    assert message.hidden is False
    assert Event.objects.count() == events


def test_only_a_comment_of_this_conversation_can_be_hidden(
    graph, comment_conversation, agent_client, conversation
):
    other = conversation.messages.get()  # a sandbox message elsewhere

    response = agent_client.post(
        reverse("inbox:hide_comment", args=[comment_conversation.pk, other.pk]), {"hidden": "1"}
    )

    assert response.status_code == 404
    assert graph.calls("POST") == []


def test_a_comment_thread_offers_a_private_reply(graph, comment_conversation, agent_client):
    page = agent_client.get(reverse("inbox:conversation", args=[comment_conversation.pk])).content.decode()
    assert 'name="private"' in page
    assert "Privé antwoorden" in page

    response = agent_client.post(
        reverse("inbox:reply", args=[comment_conversation.pk]),
        {"text": "Mag ik uw adres?", "private": "1"},
        **HTMX,
    )

    assert response.status_code == 200
    assert comment_conversation.messages.get(direction="out").kind == "private_reply"
