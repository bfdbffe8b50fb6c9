"""Replies the account posts outside the inbox (the phone app, X web) come in through its own tweet
timeline (`GET /2/users/:id/tweets`), join their thread as our answer and count as the first response."""

import datetime as dt
import json

from inbox.models import Conversation, Event, Message

from .conftest import USER_ID, poll


def own_timeline_requests(fake):
    return fake.requests_to(f"/2/users/{USER_ID}/tweets")


def test_a_reply_from_the_phone_app_lands_in_its_thread_as_our_first_answer(x_account, fake_x, citizens):
    question = fake_x.mention(
        "@GemeenteTest Wanneer wordt het grofvuil opgehaald?", author_id=citizens["anna"]["id"]
    )
    assert poll(x_account) == "ok: 1 new"
    conversation = Conversation.objects.get()
    assert conversation.state == "new"

    answer = fake_x.tweet_from_app("Dinsdag tussen 7 en 16 uur.", in_reply_to=question["id"])
    assert poll(x_account) == "ok: 1 new"

    conversation.refresh_from_db()
    ours = conversation.messages.get(direction=Message.Direction.OUTBOUND)
    assert (ours.platform_id, ours.text) == (answer["id"], "@anna_utrecht Dinsdag tussen 7 en 16 uur.")
    assert ours.sent_by is None and ours.send_status == "sent"
    assert conversation.state == "answered"
    assert conversation.first_response_at == ours.created_at
    assert ours.created_at == dt.datetime.fromisoformat(answer["created_at"].replace("Z", "+00:00"))
    event = conversation.events.get(kind=Event.Kind.ANSWERED_OUTSIDE)
    assert (event.from_state, event.to_state, event.data["account"]) == ("new", "answered", "GemeenteTest")
    assert Conversation.objects.count() == 1


def test_the_thread_forms_from_includes_when_the_citizen_tweet_never_came_as_a_mention(
    x_account, fake_x, citizens
):
    assert poll(x_account) == "ok: 0 new"
    # A citizen's tweet that does not name the account (found on X by a colleague), answered from the app.
    sigh = fake_x.tweet("Weer geen vuilniswagen in de Kanaalstraat", author_id=citizens["piet"]["id"])
    fake_x.others.append(sigh)
    fake_x.tweet_from_app("Vervelend! Wij geven het door aan de inzameldienst.", in_reply_to=sigh["id"])

    assert poll(x_account) == "ok: 2 new"

    conversation = Conversation.objects.get()
    assert list(conversation.messages.order_by("created_at").values_list("direction", "platform_id")) == [
        ("in", sigh["id"]),
        ("out", fake_x.timeline[0]["id"]),
    ]
    assert conversation.state == "answered"
    assert conversation.contact.handle == "pietjansen"


def test_own_posts_that_answer_nobody_open_nothing_and_the_timeline_is_read_since_the_newest(
    x_account, fake_x, citizens
):
    fake_x.mention("@GemeenteTest vraag", author_id=citizens["anna"]["id"])
    assert poll(x_account) == "ok: 1 new"
    newest_mention = json.loads(type(x_account).objects.get(pk=x_account.pk).cursor)["m"]
    announcement = fake_x.tweet_from_app("Let op: donderdag is de milieustraat dicht.")

    assert poll(x_account) == "ok: 0 new"
    assert poll(x_account) == "ok: 0 new"

    assert Conversation.objects.count() == 1
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    # The first read starts after the newest mention seen, not at the account's whole history;
    # later reads after the newest own tweet.
    since = [r.params.get("since_id") for r in own_timeline_requests(fake_x)]
    assert since == [newest_mention, newest_mention, announcement["id"]]
    assert all(r.params["exclude"] == "retweets" for r in own_timeline_requests(fake_x))
