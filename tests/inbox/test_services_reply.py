import pytest

from channels.sending import send_reply
from inbox.models import Account, Event, Message
from inbox.services.base import AlreadyClaimed, ReplyInvalid
from inbox.services.claims import conversation_claim
from inbox.services.outbox import SEND_REPLY_TASK, reply_mark_failed, reply_queue, reply_retry


@pytest.fixture
def enqueued_replies(published_tasks):
    """Ids of the replies handed to the sending task. They go to the test queue, where no worker
    takes them, so sending is driven by hand."""
    return lambda: [args[0] for name, args in published_tasks if name == SEND_REPLY_TASK]


def test_reply_is_saved_queued_then_enqueued_after_commit(
    conversation, agent, enqueued_replies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_queue(conversation_id=conversation.pk, user=agent, text="  Dank voor uw melding.  ")

    assert message.send_status == "queued"
    assert message.text == "Dank voor uw melding."
    assert message.in_reply_to_platform_id == "first"
    assert enqueued_replies() == [message.pk]
    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee) == ("answered", agent)
    assert list(conversation.events.values_list("kind", flat=True)) == ["created", "claimed", "reply_queued"]


def test_sending_marks_sent_once_and_never_posts_twice(conversation, agent):
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Wij pakken het op.")

    assert send_reply(message.pk) == "sent"
    assert send_reply(message.pk) == "not queued"

    message.refresh_from_db()
    assert message.send_status == "sent"
    assert message.platform_id.startswith("GemeenteTest-out-")
    assert message.send_attempts == 1
    conversation.refresh_from_db()
    assert conversation.first_response_at is not None
    assert Event.objects.filter(kind="reply_sent").count() == 1


def test_refused_reply_fails_with_reason_and_can_be_retried(conversation, agent, account):
    Account.objects.filter(pk=account.pk).update(config={"fail_replies": True})
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord")

    assert send_reply(message.pk) == "failed"
    message.refresh_from_db()
    assert message.send_status == "failed"
    assert "fail_replies" in message.send_error

    Account.objects.filter(pk=account.pk).update(config={})
    reply_retry(message_id=message.pk, user=agent)
    assert send_reply(message.pk) == "sent"
    kinds = list(conversation.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["reply_failed", "reply_retried", "reply_sent"]


def test_reply_by_someone_without_the_claim_is_refused(conversation, agent, other_agent):
    conversation_claim(conversation_id=conversation.pk, user=agent)

    with pytest.raises(AlreadyClaimed):
        reply_queue(conversation_id=conversation.pk, user=other_agent, text="Hallo")
    assert Message.objects.filter(direction="out").count() == 0


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_empty_or_too_long_reply_is_refused(conversation, agent, text, enqueued_replies):
    with pytest.raises(ReplyInvalid):
        reply_queue(conversation_id=conversation.pk, user=agent, text=text)
    assert Message.objects.filter(direction="out").count() == 0
    assert enqueued_replies() == []


def test_a_reply_no_longer_being_sent_keeps_its_status_when_a_late_failure_comes_in(conversation, agent):
    """The guarded update: a sweeper's late 'failed' never overwrites a reply that was sent."""
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Wij pakken het op.")
    assert send_reply(message.pk) == "sent"
    events = Event.objects.count()

    assert reply_mark_failed(message_id=message.pk, error="interrupted") is None

    message.refresh_from_db()
    assert (message.send_status, message.send_error) == ("sent", "")
    assert Event.objects.count() == events
