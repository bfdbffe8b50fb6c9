"""The platform payloads documented by X (shared examples), fed verbatim through the fake server."""

import json

import pytest

from inbox.models import Account, Conversation, Message, MonitoringHit
from tests.conftest import SHARED, require

from .conftest import USER_ID, mentions_requests, poll

PAYLOADS = SHARED / "platform-payloads"


def payload(name: str) -> dict:
    path = PAYLOADS / name
    require(path.exists(), f"{path} missing (the shared platform payload examples)")
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    ("name", "messages", "conversations"),
    [
        ("twitter_mentions.json", 1, 1),
        ("twitter_mentions_legacy_2020.json", 5, 5),
        ("twitter_conversation_thread.json", 3, 1),
        ("twitter_partial_error.json", 0, 0),  # its one tweet has no author: logged and skipped
    ],
)
def test_the_documented_mention_payloads_are_ingested(x_account, fake_x, name, messages, conversations):
    fake_x.fail("/2/users/", 200, payload(name))

    assert poll(x_account) == f"ok: {messages} new"

    assert (Message.objects.count(), Conversation.objects.count()) == (messages, conversations)
    if "next_token" in payload(name).get("meta", {}):
        assert mentions_requests(fake_x)[1].params["pagination_token"] == payload(name)["meta"]["next_token"]


def test_the_documented_mention_keeps_author_and_newest_id(x_account, fake_x):
    fake_x.fail("/2/users/", 200, payload("twitter_mentions.json"))

    poll(x_account)

    message = Message.objects.get()
    assert (message.platform_id, message.author_name, message.text) == (
        "1301573587187331074",
        "Dev Person",
        "Hey @XDevelopers, love the new API!",
    )
    assert message.conversation.contact.handle == "developer"
    x_account.refresh_from_db()
    assert json.loads(x_account.cursor)["m"] == "1301573587187331074"


def test_the_documented_search_payload_becomes_a_monitoring_hit(x_account, fake_x):
    Account.objects.filter(pk=x_account.pk).update(config={"user_id": USER_ID, "monitor": ["python"]})
    fake_x.fail("/2/tweets/search/recent", 200, payload("twitter_search_recent.json"))

    poll(x_account)

    hit = MonitoringHit.objects.get()
    assert (hit.platform_id, hit.author_handle, hit.text) == (
        "1234567890123456789",
        "pythondev",
        "Just started learning Python and loving it!",
    )


def test_the_documented_create_tweet_response_gives_the_id(x_account, fake_x, citizens, agent):
    from channels.sending import send_reply
    from inbox.services.outbox import reply_queue

    fake_x.mention("@GemeenteTest vraag", author_id=citizens["anna"]["id"])
    poll(x_account)
    message = reply_queue(conversation_id=Conversation.objects.get().pk, user=agent, text="Antwoord")
    fake_x.fail("/2/tweets", 201, payload("twitter_create_tweet_response.json"))

    assert send_reply(message.pk) == "sent"
    message.refresh_from_db()
    assert message.platform_id == "1445880548472328192"
