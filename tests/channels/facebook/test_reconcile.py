"""A post to Facebook whose answer was lost: unknown, looked up on the page, then sent (found) or
failed (not there after Graph's read delay). Through facebook-sdk against the fake Graph API,
which logs every post it accepted."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from channels import polling
from channels.facebook import client as graph_client
from channels.sending import CheckLater, reconcile_reply, send_reply
from inbox.models import Conversation, Message
from inbox.services.outbox import reply_queue, reply_retry

from .conftest import CITIZEN, PAGE_ID, ago

TEXT = "Ongeveer twee weken; zie https://www.utrecht.nl/werkzaamheden."


@pytest.fixture(autouse=True)
def _no_read_delay(settings):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"facebook": 0}


@pytest.fixture
def comment_thread(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    first = graph.add_comment(post["id"], "Hoe lang duurt dat?", author=CITIZEN, created=ago(hours=2))
    polling.poll_account(fb_account.pk)
    return Conversation.objects.get(thread_key=f"comment:{first['id']}"), first


@pytest.fixture
def messenger_thread(graph, fb_account):
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=1))
    polling.poll_account(fb_account.pk)
    return Conversation.objects.get()


def test_a_timeout_after_the_comment_was_posted_is_reconciled_to_sent(
    graph, comment_thread, agent, monkeypatch
):
    conversation, first = comment_thread
    monkeypatch.setattr(graph_client, "TIMEOUT", (5, 0.3))
    graph.lose_answer(f"{first['id']}/comments", delay=1.0)
    message = reply_queue(conversation_id=conversation.pk, user=agent, text=TEXT)

    assert send_reply(message.pk) == "unknown"
    message.refresh_from_db()
    assert message.send_error.startswith("Graph API unreachable: ReadTimeout")

    assert reconcile_reply(message.pk) == "sent"

    posted = graph.posts_of(TEXT)
    assert [(p["kind"], p["target"]) for p in posted] == [("comment", first["id"])]
    message.refresh_from_db()
    assert (message.send_status, message.platform_id) == ("sent", posted[0]["id"])
    lookup = [c for c in graph.calls("GET") if c.path.endswith(f"{first['id']}/comments")][-1]
    assert int(lookup.params["since"]) <= int(message.received_at.timestamp())
    # The next poll reads the page's comment back as this reply: not stored twice.
    polling.poll_account(conversation.account_id)
    assert Message.objects.filter(direction="out").count() == 1


def test_a_5xx_without_a_post_fails_after_the_read_delay_and_a_retry_posts_once(
    graph, comment_thread, agent, settings
):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"facebook": 120}
    conversation, _ = comment_thread
    graph.fail("POST", "/comments", 500, {"error": {"message": "An unknown error", "code": 1}})
    message = reply_queue(conversation_id=conversation.pk, user=agent, text=TEXT)

    assert send_reply(message.pk) == "unknown"
    with pytest.raises(CheckLater) as later:
        reconcile_reply(message.pk)
    assert later.value.too_early

    Message.objects.filter(pk=message.pk).update(send_unknown_since=timezone.now() - dt.timedelta(minutes=3))
    assert reconcile_reply(message.pk) == "failed"
    message.refresh_from_db()
    assert message.send_error == "Niet gevonden op het platform; opnieuw versturen is veilig."

    reply_retry(message_id=message.pk, user=agent)
    assert send_reply(message.pk) == "sent"
    assert len(graph.posts_of(TEXT)) == 1


def test_a_messenger_message_whose_answer_was_dropped_is_found_in_the_conversation(
    graph, messenger_thread, agent
):
    message = reply_queue(conversation_id=messenger_thread.pk, user=agent, text="Donderdag.")
    graph.lose_answer(f"{PAGE_ID}/messages", drop=True)

    assert send_reply(message.pk) == "unknown"
    assert reconcile_reply(message.pk) == "sent"

    message.refresh_from_db()
    assert message.platform_id == graph.posts_of("Donderdag.")[0]["id"]
    lookup = [c for c in graph.calls("GET") if c.path.endswith(f"{PAGE_ID}/conversations")][-1]
    assert lookup.params["platform"] == "messenger"
    assert len(graph.posts_of("Donderdag.")) == 1


def test_a_private_reply_whose_answer_was_lost_is_found_among_the_pages_conversations(
    graph, comment_thread, agent
):
    conversation, first = comment_thread
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Mag ik uw adres?", private=True)
    graph.lose_answer(f"{PAGE_ID}/messages", status=503, body={"error": {"message": "Try again", "code": 2}})

    assert send_reply(message.pk) == "unknown"
    assert reconcile_reply(message.pk) == "sent"

    posted = graph.posts_of("Mag ik uw adres?")
    assert [(p["kind"], p["comment_id"]) for p in posted] == [("private_reply", first["id"])]
    message.refresh_from_db()
    assert message.platform_id == posted[0]["id"]


def test_a_comment_hidden_by_the_read_delay_is_not_failed_before_it_shows(
    graph, comment_thread, agent, settings
):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"facebook": 120}
    conversation, _ = comment_thread
    graph.read_delay = 60
    graph.lose_answer("/comments", drop=True)
    message = reply_queue(conversation_id=conversation.pk, user=agent, text=TEXT)

    assert send_reply(message.pk) == "unknown"
    with pytest.raises(CheckLater):
        reconcile_reply(message.pk)

    graph._visible_at.clear()
    assert reconcile_reply(message.pk) == "sent"
    assert len(graph.posts_of(TEXT)) == 1


def test_a_clear_refusal_on_posting_fails_at_once_without_a_lookup(graph, messenger_thread, agent):
    message = reply_queue(conversation_id=messenger_thread.pk, user=agent, text="Donderdag.")
    error = {"message": "(#100) No matching user found", "type": "OAuthException", "code": 100}
    graph.fail("POST", "/messages", 400, {"error": error})
    reads = len(graph.calls("GET"))

    assert send_reply(message.pk) == "failed"

    message.refresh_from_db()
    assert message.send_status == "failed"
    assert len(graph.calls("GET")) == reads
    assert json.loads(graph.calls("POST")[-1].body["message"]) == {"text": "Donderdag."}
    assert graph.posts_of("Donderdag.") == []
