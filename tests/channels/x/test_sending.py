"""Replying on X: public replies with in_reply_to_tweet_id, DMs, and the faults of posting."""

import datetime as dt

import pytest
from django.utils import timezone

from channels import polling
from channels.sending import send_reply
from inbox.models import Conversation, Message
from inbox.services.base import ReplyInvalid
from inbox.services.outbox import reply_queue

from .conftest import USER_ID


@pytest.fixture
def mention(x_account, fake_x, citizens):
    tweet = fake_x.mention("@GemeenteTest Er ligt glas op het fietspad.", author_id=citizens["anna"]["id"])
    polling.poll_account(x_account.pk)
    return tweet


def test_a_reply_is_posted_in_reply_to_the_tweet_with_its_text(mention, fake_x, agent):
    conversation = Conversation.objects.get()
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Dank u, we sturen iemand langs.")

    assert send_reply(message.pk) == "sent"

    posts = fake_x.requests_to("/2/tweets", method="POST")
    assert [r.body for r in posts] == [
        {"text": "Dank u, we sturen iemand langs.", "reply": {"in_reply_to_tweet_id": mention["id"]}}
    ]
    assert posts[0].headers["Authorization"].startswith("OAuth ")
    message.refresh_from_db()
    assert (message.send_status, message.platform_id) == ("sent", fake_x.posted_tweets[0]["id"])


def test_the_sent_tweet_is_recognised_as_ours_on_the_next_poll(mention, x_account, fake_x, agent, citizens):
    conversation = Conversation.objects.get()
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Wij kijken ernaar.")
    send_reply(message.pk)
    ours = fake_x.posted_tweets[0]["id"]
    # X returns our reply in the thread, and the citizen answers it.
    fake_x.mention(
        "@anna_utrecht Wij kijken ernaar. @GemeenteTest",
        tweet_id=ours,
        author_id=USER_ID,
        conversation_id=mention["id"],
        referenced_tweets=[{"type": "replied_to", "id": mention["id"]}],
    )
    thanks = fake_x.mention(
        "@GemeenteTest top, dank!",
        author_id=citizens["anna"]["id"],
        conversation_id=mention["id"],
        referenced_tweets=[{"type": "replied_to", "id": ours}],
        created_at=(timezone.now() + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    )

    assert polling.poll_account(x_account.pk) == "ok: 1 new"

    assert Conversation.objects.count() == 1
    assert list(conversation.messages.values_list("platform_id", "direction")) == [
        (mention["id"], "in"),
        (ours, "out"),
        (thanks["id"], "in"),
    ]


def test_a_dm_conversation_is_answered_with_a_dm(x_account, fake_x, citizens, agent):
    anna = citizens["anna"]["id"]
    fake_x.dm("Kan ik mijn afvalpas online aanvragen?", sender_id=anna)
    polling.poll_account(x_account.pk)
    conversation = Conversation.objects.get()
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Ja, via de website.")

    assert send_reply(message.pk) == "sent"

    assert fake_x.requests_to("/2/tweets", method="POST") == []
    dm = fake_x.requests_to(f"/2/dm_conversations/with/{anna}/messages", method="POST")
    assert [r.body for r in dm] == [{"text": "Ja, via de website."}]
    message.refresh_from_db()
    assert message.platform_id == f"dm-{fake_x.posted_dms[0]['dm_event_id']}"
    # Our DM comes back in the next poll: recognised, not stored twice.
    fake_x.dm("Ja, via de website.", sender_id=USER_ID, other_id=anna, id=fake_x.posted_dms[0]["dm_event_id"])
    assert polling.poll_account(x_account.pk) == "ok: 0 new"


def test_a_timeout_while_posting_is_not_retried_but_looked_up(mention, fake_x, agent, settings):
    settings.X_API_READ_TIMEOUT = 0.2
    conversation = Conversation.objects.get()
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="We komen eraan.")
    fake_x.lose_answer("/2/tweets", delay=1.0)  # X is slow but posts it

    assert send_reply(message.pk) == "unknown"

    message.refresh_from_db()
    assert message.send_status == "unknown"
    assert send_reply(message.pk) == "not queued"
    assert len(fake_x.posted_tweets) == 1


def test_a_403_on_posting_fails_the_reply_with_the_reason(mention, x_account, fake_x, agent):
    conversation = Conversation.objects.get()
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Dank.")
    fake_x.fail(
        "/2/tweets",
        403,
        {
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
        },
    )

    assert send_reply(message.pk) == "failed"

    message.refresh_from_db()
    assert message.send_error == "X API 403: You are not allowed to create a Tweet with duplicate content."
    x_account.refresh_from_db()
    assert x_account.poll_status == "ok"


def test_length_is_checked_as_x_counts_before_queueing(mention, agent):
    conversation = Conversation.objects.get()
    url = "https://www.utrecht.nl/" + "a" * 200

    # 257 letters and a long URL (23) make 280: allowed.
    reply_queue(conversation_id=conversation.pk, user=agent, text="b" * 256 + " " + url)
    with pytest.raises(ReplyInvalid, match="282"):
        reply_queue(conversation_id=conversation.pk, user=agent, text="b" * 258 + " " + url)
    with pytest.raises(ReplyInvalid):
        reply_queue(conversation_id=conversation.pk, user=agent, text="日" * 141)

    assert Message.objects.filter(direction="out").count() == 1
