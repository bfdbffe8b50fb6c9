import datetime as dt

import pytest
from django.utils import timezone, translation

from channels.sending import reconcile_reply, send_reply
from channels.tasks import send_pending
from inbox.models import Account, Event, Message
from inbox.services.base import AlreadyClaimed, ReplyInvalid, ServiceError
from inbox.services.claims import conversation_claim
from inbox.services.outbox import (
    RECONCILE_REPLY_TASK,
    SEND_REPLY_TASK,
    replies_stale_sending_unknown,
    reply_mark_failed,
    reply_mark_not_found,
    reply_mark_sent,
    reply_mark_unknown,
    reply_queue,
    reply_retry,
    reply_start_sending,
)


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


# --- A send whose outcome is unknown ------------------------------------------------------------


def _stuck_in_sending(conversation, agent, *, seconds_ago: int) -> Message:
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Wij pakken het op.")
    reply_start_sending(message_id=message.pk)
    Message.objects.filter(pk=message.pk).update(
        send_started_at=timezone.now() - dt.timedelta(seconds=seconds_ago)
    )
    return message


def test_a_reply_stuck_in_sending_becomes_unknown_and_is_looked_up_never_failed(
    conversation, agent, settings, published_tasks, django_capture_on_commit_callbacks
):
    settings.INBOX_SENDING_STALE_SECONDS = 120
    stuck = _stuck_in_sending(conversation, agent, seconds_ago=121)
    busy = _stuck_in_sending(conversation, agent, seconds_ago=60)

    with django_capture_on_commit_callbacks(execute=True):
        assert replies_stale_sending_unknown() == 1

    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.send_status, busy.send_status) == ("unknown", "sending")
    assert (
        stuck.send_error
        == "Het verzenden werd onderbroken; op het platform wordt nagekeken of het geplaatst is."
    )
    assert stuck.send_unknown_since is not None
    assert [args for name, args in published_tasks if name == RECONCILE_REPLY_TASK] == [(stuck.pk,)]
    event = Event.objects.get(kind="reply_unknown")
    assert event.data == {"message": stuck.pk, "error": stuck.send_error}
    # Its task, delivered again, does not send it.
    assert send_reply(stuck.pk) == "not queued"


def test_retry_is_refused_while_the_outcome_is_unknown_and_nothing_changes(conversation, agent, settings):
    settings.INBOX_SENDING_STALE_SECONDS = 0
    message = _stuck_in_sending(conversation, agent, seconds_ago=1)
    replies_stale_sending_unknown()
    events = Event.objects.count()

    with translation.override("en"), pytest.raises(ServiceError, match="may already have been posted"):
        reply_retry(message_id=message.pk, user=agent)

    message.refresh_from_db()
    assert message.send_status == "unknown"
    assert Event.objects.count() == events


def test_an_unknown_sandbox_reply_is_not_found_at_once_then_retried_and_sent(conversation, agent, settings):
    settings.INBOX_SENDING_STALE_SECONDS = 0
    message = _stuck_in_sending(conversation, agent, seconds_ago=1)
    replies_stale_sending_unknown()

    assert reconcile_reply(message.pk) == "failed"  # the simulator keeps nothing: no read delay
    assert reconcile_reply(message.pk) == "not unknown"
    reply_retry(message_id=message.pk, user=agent)
    assert send_reply(message.pk) == "sent"

    kinds = list(conversation.events.values_list("kind", flat=True))
    assert kinds[-4:] == ["reply_unknown", "reply_failed", "reply_retried", "reply_sent"]


def test_only_an_unknown_reply_can_be_marked_not_found(conversation, agent):
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Wij pakken het op.")
    assert send_reply(message.pk) == "sent"
    events = Event.objects.count()

    assert reply_mark_not_found(message_id=message.pk) is None
    assert reply_mark_unknown(message_id=message.pk, reason="late") is None

    message.refresh_from_db()
    assert (message.send_status, message.send_error) == ("sent", "")
    assert Event.objects.count() == events


def test_a_failed_reply_found_posted_later_is_not_marked_sent_and_nothing_changes(
    conversation, agent, account
):
    Account.objects.filter(pk=account.pk).update(config={"fail_replies": True})
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Antwoord")
    assert send_reply(message.pk) == "failed"
    events = Event.objects.count()

    with pytest.raises(ServiceError):
        reply_mark_sent(message_id=message.pk, platform_id="late-1")

    message.refresh_from_db()
    assert (message.send_status, message.platform_id) == ("failed", None)
    assert Event.objects.count() == events


def test_the_sweep_looks_up_every_unknown_reply(conversation, agent, settings, published_tasks):
    settings.INBOX_SENDING_STALE_SECONDS = 0
    message = _stuck_in_sending(conversation, agent, seconds_ago=1)

    send_pending()  # the beat's safety net: stale sending → unknown, and every unknown looked up
    send_pending()

    assert [args for name, args in published_tasks if name == RECONCILE_REPLY_TASK] == [(message.pk,)] * 2
    message.refresh_from_db()
    assert message.send_status == "unknown"
