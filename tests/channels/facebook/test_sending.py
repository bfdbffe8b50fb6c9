import json

import pytest
from django.utils import translation

from channels import polling, sending
from inbox.models import Conversation, Event, Message
from inbox.services.base import ReplyInvalid
from inbox.services.outbox import reply_queue

from .conftest import CITIZEN, PAGE_ID, ago


@pytest.fixture
def comment_thread(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    first = graph.add_comment(post["id"], "Hoe lang duurt dat?", author=CITIZEN, created=ago(hours=2))
    polling.poll_account(fb_account.pk)
    return Conversation.objects.get(thread_key=f"comment:{first['id']}"), first


def test_a_comment_reply_goes_under_the_top_level_comment(
    graph, comment_thread, agent, django_capture_on_commit_callbacks
):
    conversation, first = comment_thread
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="Ongeveer twee weken.")

    assert sending.send_reply(message.pk) == "sent"

    call = graph.calls("POST")[-1]
    assert call.path == f"/v23.0/{first['id']}/comments"
    assert call.body["message"] == "Ongeveer twee weken."
    message.refresh_from_db()
    assert message.send_status == "sent"
    assert message.platform_id == graph.comments[f"{PAGE_ID}_1"][-1]["id"]


def test_a_messenger_reply_is_a_response_within_the_window(
    graph, fb_account, agent, django_capture_on_commit_callbacks
):
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=23))
    polling.poll_account(fb_account.pk)
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="Donderdag.")

    assert sending.send_reply(message.pk) == "sent"

    call = graph.calls("POST")[-1]
    assert call.path == f"/v23.0/{PAGE_ID}/messages"
    assert json.loads(call.body["recipient"]) == {"id": "psid-1"}
    assert json.loads(call.body["message"]) == {"text": "Donderdag."}
    assert call.body["messaging_type"] == "RESPONSE"
    message.refresh_from_db()
    assert message.platform_id.startswith("m_")

    # Polling it back joins the same message, not a second one.
    polling.poll_account(fb_account.pk)
    assert Message.objects.filter(direction="out").count() == 1


def test_outside_the_24_hour_window_a_messenger_reply_is_refused(graph, fb_account, agent):
    graph.add_message(
        PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=24, minutes=1)
    )
    polling.poll_account(fb_account.pk)
    conversation = Conversation.objects.get()
    events = Event.objects.count()

    with translation.override("en"), pytest.raises(ReplyInvalid, match="within 24 hours"):
        reply_queue(conversation_id=conversation.pk, user=agent, text="Donderdag.")

    assert Message.objects.filter(direction="out").count() == 0
    assert Event.objects.count() == events
    assert graph.calls("POST") == []


def test_the_window_does_not_apply_to_comments(graph, fb_account, agent, django_capture_on_commit_callbacks):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(days=3))
    graph.add_comment(post["id"], "Vraag", author=CITIZEN, created=ago(days=2))
    polling.poll_account(fb_account.pk)
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=Conversation.objects.get().pk, user=agent, text="Antwoord")
    assert message.send_status == "queued"


def test_a_refused_reply_fails_with_the_reason_and_is_not_retried(
    graph, comment_thread, agent, django_capture_on_commit_callbacks
):
    conversation, first = comment_thread
    graph.fail(
        "POST",
        "/comments",
        400,
        {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}},
    )
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord")

    assert sending.send_reply(message.pk) == "failed"

    message.refresh_from_db()
    assert message.send_status == "failed"
    assert message.send_error == "Graph API refused (code 100): (#100) Invalid parameter"
    assert len(graph.calls("POST")) == 1


def test_a_5xx_on_sending_is_not_retried_but_looked_up(
    graph, comment_thread, agent, django_capture_on_commit_callbacks
):
    conversation, _ = comment_thread
    graph.fail("POST", "/comments", 502, b"Bad gateway", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord")

    assert sending.send_reply(message.pk) == "unknown"

    message.refresh_from_db()
    assert message.send_status == "unknown"
    assert message.send_error == (
        "Graph API answered 502: Maintype was not text, image, or querystring, while posting"
    )
    assert sending.send_reply(message.pk) == "not queued"
    assert len(graph.calls("POST")) == 1


def test_a_refused_connection_never_reached_graph_and_is_retried(
    graph, comment_thread, agent, settings, django_capture_on_commit_callbacks
):
    conversation, _ = comment_thread
    settings.FACEBOOK_GRAPH_URL = "http://127.0.0.1:9"
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord")

    with pytest.raises(sending.RetryLater):
        sending.send_reply(message.pk)

    message.refresh_from_db()
    assert (message.send_status, message.send_error) == ("queued", "Graph API unreachable: ConnectionError")
    settings.FACEBOOK_GRAPH_URL = graph.url
    assert sending.send_reply(message.pk) == "sent"
    assert len(graph.posts_of("Antwoord")) == 1


def test_an_expired_token_when_sending_fails_the_reply_and_marks_the_account(
    graph, comment_thread, fb_account, agent, django_capture_on_commit_callbacks
):
    from inbox.models import Account

    conversation, _ = comment_thread
    Account.objects.filter(pk=fb_account.pk).update(credentials={"page_token": "revoked"})
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord")

    assert sending.send_reply(message.pk) == "failed"

    message.refresh_from_db()
    fb_account.refresh_from_db()
    assert message.send_status == "failed"
    assert "OAuthException 190" in message.send_error
    assert fb_account.poll_status == "needs_reconnect"
    assert len(graph.calls("POST")) == 1  # one attempt, no retry storm
    assert len(graph.comments[f"{PAGE_ID}_1"]) == 1  # nothing was posted


def test_a_private_reply_to_a_comment_goes_to_messenger_once(
    graph, comment_thread, agent, django_capture_on_commit_callbacks
):
    conversation, first = comment_thread
    with django_capture_on_commit_callbacks(execute=False):
        message = reply_queue(
            conversation_id=conversation.pk, user=agent, text="Mag ik uw adres?", private=True
        )

    assert (message.kind, message.in_reply_to_platform_id) == ("private_reply", first["id"])
    assert sending.send_reply(message.pk) == "sent"

    call = graph.calls("POST")[-1]
    assert call.path == f"/v23.0/{PAGE_ID}/messages"
    assert json.loads(call.body["recipient"]) == {"comment_id": first["id"]}
    assert json.loads(call.body["message"]) == {"text": "Mag ik uw adres?"}
    with pytest.raises(ReplyInvalid), django_capture_on_commit_callbacks(execute=False):
        reply_queue(conversation_id=conversation.pk, user=agent, text="Nog een keer", private=True)
    assert Message.objects.filter(kind="private_reply").count() == 1


def test_no_private_reply_to_a_comment_older_than_7_days(graph, fb_account, agent):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(days=9))
    graph.add_comment(post["id"], "Vraag", author=CITIZEN, created=ago(days=8))
    from inbox.models import Account

    Account.objects.filter(pk=fb_account.pk).update(config={"lookback_days": 10})
    polling.poll_account(fb_account.pk)
    conversation = Conversation.objects.get()

    with pytest.raises(ReplyInvalid):
        reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord", private=True)
    assert Message.objects.filter(direction="out").count() == 0
