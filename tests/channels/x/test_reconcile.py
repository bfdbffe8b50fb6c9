"""A post to X whose answer was lost: unknown, looked up on X, then sent (found) or failed (not
there after X's read delay). Through tweepy against the fake X, which logs every post it accepted."""

import datetime as dt

import pytest
from django.utils import timezone

from channels import polling
from channels.sending import CheckLater, RetryLater, reconcile_reply, send_reply
from inbox.models import Conversation, Event, Message
from inbox.services.base import ServiceError
from inbox.services.outbox import RECONCILE_REPLY_TASK, reply_queue, reply_retry

from .conftest import USER_ID

TEXT = "Dank u, we sturen iemand langs. Zie https://www.utrecht.nl/afval & meer."


@pytest.fixture
def mention(x_account, fake_x, citizens):
    tweet = fake_x.mention("@GemeenteTest Er ligt glas op het fietspad.", author_id=citizens["anna"]["id"])
    polling.poll_account(x_account.pk)
    return tweet


@pytest.fixture
def reply(mention, agent, settings):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"x": 0}
    conversation = Conversation.objects.get()
    return reply_queue(conversation_id=conversation.pk, user=agent, text=TEXT)


def kinds(message) -> list[str]:
    return list(message.conversation.events.values_list("kind", flat=True))


def test_a_timeout_after_x_posted_it_is_reconciled_to_sent_and_posted_once(
    reply, fake_x, settings, published_tasks, django_capture_on_commit_callbacks
):
    settings.X_API_READ_TIMEOUT = 0.3
    fake_x.lose_answer("/2/tweets", delay=1.0)  # X posts it, but answers too late

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reply(reply.pk) == "unknown"

    reply.refresh_from_db()
    assert (reply.send_status, reply.platform_id) == ("unknown", None)
    assert reply.send_error == "X did not answer the post in time"
    assert (RECONCILE_REPLY_TASK, (reply.pk,)) in published_tasks
    posted = fake_x.posts_of(TEXT)
    assert len(posted) == 1

    assert reconcile_reply(reply.pk) == "sent"

    reply.refresh_from_db()
    assert (reply.send_status, reply.platform_id, reply.send_error) == ("sent", posted[0]["id"], "")
    assert kinds(reply)[-3:] == ["reply_queued", "reply_unknown", "reply_reconciled"]
    lookup = fake_x.requests_to(f"/2/users/{USER_ID}/tweets")[-1]
    assert lookup.params["start_time"] <= reply.received_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "referenced_tweets" in lookup.params["tweet.fields"]
    # Safe twice, and a retry of a sent reply is refused: still posted once.
    assert reconcile_reply(reply.pk) == "not unknown"
    assert send_reply(reply.pk) == "not queued"
    assert len(fake_x.posts_of(TEXT)) == 1


def test_a_dropped_connection_after_the_post_is_reconciled_to_sent(reply, fake_x):
    fake_x.lose_answer("/2/tweets", drop=True)

    assert send_reply(reply.pk) == "unknown"
    assert reconcile_reply(reply.pk) == "sent"

    reply.refresh_from_db()
    assert reply.platform_id == fake_x.posted_tweets[0]["id"]
    assert len(fake_x.posts_of(TEXT)) == 1


def test_a_5xx_without_a_post_is_unknown_then_failed_after_the_read_delay_then_retried_once(
    reply, fake_x, agent, settings
):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"x": 30}
    fake_x.fail("/2/tweets", 503, {"title": "Service Unavailable", "type": "about:blank", "status": 503})

    assert send_reply(reply.pk) == "unknown"
    assert fake_x.posts_of(TEXT) == []

    # Not there yet, but X's reads may lag: no verdict before the read delay has passed.
    with pytest.raises(CheckLater) as later:
        reconcile_reply(reply.pk)
    assert later.value.too_early and 28 < later.value.seconds <= 30
    reply.refresh_from_db()
    assert reply.send_status == "unknown"
    with pytest.raises(ServiceError, match="misschien al geplaatst"):
        reply_retry(message_id=reply.pk, user=agent)

    Message.objects.filter(pk=reply.pk).update(send_unknown_since=timezone.now() - dt.timedelta(seconds=31))
    assert reconcile_reply(reply.pk) == "failed"

    reply.refresh_from_db()
    assert reply.send_status == "failed"
    assert reply.send_error == "Niet gevonden op het platform; opnieuw versturen is veilig."
    failed = Event.objects.filter(kind="reply_failed").get()
    assert failed.data == {"message": reply.pk, "error": reply.send_error, "reconciled": True}

    reply_retry(message_id=reply.pk, user=agent)
    assert send_reply(reply.pk) == "sent"
    assert len(fake_x.posts_of(TEXT)) == 1
    assert kinds(reply)[-5:] == [
        "reply_queued",
        "reply_unknown",
        "reply_failed",
        "reply_retried",
        "reply_sent",
    ]


def test_a_post_hidden_by_xs_read_delay_is_found_once_it_shows(reply, fake_x, settings):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"x": 60}
    fake_x.read_delay = 0.5
    fake_x.lose_answer("/2/tweets", status=500, body={"title": "Internal Server Error"})

    assert send_reply(reply.pk) == "unknown"
    with pytest.raises(CheckLater):
        reconcile_reply(reply.pk)  # posted, but not in the timeline yet

    fake_x._visible_at.clear()
    assert reconcile_reply(reply.pk) == "sent"
    assert len(fake_x.posts_of(TEXT)) == 1


def test_a_connection_refused_never_reached_x_and_is_retried(reply, fake_x, settings):
    settings.X_API_BASE_URL = "http://127.0.0.1:9"

    with pytest.raises(RetryLater):
        send_reply(reply.pk)

    reply.refresh_from_db()
    assert (reply.send_status, reply.send_error) == ("queued", "X API unreachable: ConnectionError")
    settings.X_API_BASE_URL = fake_x.url
    assert send_reply(reply.pk) == "sent"
    assert len(fake_x.posts_of(TEXT)) == 1


def test_a_429_on_posting_is_retried_after_the_reset(reply, fake_x):
    reset = int(timezone.now().timestamp()) + 120
    fake_x.fail("/2/tweets", 429, {"title": "Too Many Requests"}, headers={"x-rate-limit-reset": str(reset)})

    with pytest.raises(RetryLater) as retry:
        send_reply(reply.pk)

    assert retry.value.not_before == dt.datetime.fromtimestamp(reset + 1, dt.UTC)
    reply.refresh_from_db()
    assert reply.send_status == "queued"
    assert fake_x.posts_of(TEXT) == []


def test_a_lookup_that_fails_leaves_the_reply_unknown(reply, fake_x):
    fake_x.lose_answer("/2/tweets", drop=True)
    assert send_reply(reply.pk) == "unknown"
    fake_x.fail(f"/2/users/{USER_ID}/tweets", 503, {"title": "Service Unavailable"})

    with pytest.raises(CheckLater) as later:
        reconcile_reply(reply.pk)

    assert not later.value.too_early
    reply.refresh_from_db()
    assert reply.send_status == "unknown"
    assert reconcile_reply(reply.pk) == "sent"


def test_a_dm_whose_answer_was_lost_is_found_among_the_dms_with_that_person(
    x_account, fake_x, citizens, agent, settings
):
    settings.INBOX_RECONCILE_AFTER_SECONDS = {"x": 0}
    anna = citizens["anna"]["id"]
    fake_x.dm("Kan ik mijn afvalpas online aanvragen?", sender_id=anna)
    polling.poll_account(x_account.pk)
    message = reply_queue(
        conversation_id=Conversation.objects.get().pk, user=agent, text="Ja, via de website."
    )
    fake_x.lose_answer(f"/2/dm_conversations/with/{anna}/messages", drop=True)

    assert send_reply(message.pk) == "unknown"
    assert reconcile_reply(message.pk) == "sent"

    message.refresh_from_db()
    assert message.platform_id == f"dm-{fake_x.posted_dms[0]['dm_event_id']}"
    assert fake_x.requests_to(f"/2/dm_conversations/with/{anna}/dm_events")
    # The next poll reads it back as ours: no second message.
    assert polling.poll_account(x_account.pk) == "ok: 0 new"


def test_an_earlier_reply_with_the_same_text_is_not_taken_for_this_one(reply, fake_x, agent):
    assert send_reply(reply.pk) == "sent"
    again = reply_queue(conversation_id=reply.conversation_id, user=agent, text=TEXT)
    fake_x.fail("/2/tweets", 503, {"title": "Service Unavailable"})

    assert send_reply(again.pk) == "unknown"
    assert reconcile_reply(again.pk) == "failed"

    reply.refresh_from_db()
    assert reply.platform_id == fake_x.posted_tweets[0]["id"]


def test_a_reply_read_back_by_a_poll_before_the_lookup_is_kept_once(reply, x_account, fake_x, mention):
    fake_x.lose_answer("/2/tweets", drop=True)
    assert send_reply(reply.pk) == "unknown"
    posted = fake_x.timeline[0]
    fake_x.mentions.insert(0, {**posted, "text": posted["text"] + " @GemeenteTest"})
    polling.poll_account(x_account.pk)
    copy = Message.objects.get(platform_id=posted["id"])
    assert (copy.direction, copy.sent_by) == ("out", None)

    assert reconcile_reply(reply.pk) == "sent"

    reply.refresh_from_db()
    assert reply.platform_id == posted["id"]
    assert not Message.objects.filter(pk=copy.pk).exists()
    assert Message.objects.filter(direction="out").count() == 1
    assert Event.objects.get(kind="reply_reconciled").data["read_back"] == copy.pk
