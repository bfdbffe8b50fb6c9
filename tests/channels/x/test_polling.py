"""Polling an X account: tweepy's real code against the fake X API v2 server.

What a poll brings in: mentions, threads, direct messages and monitoring hits. Faults are in
`test_polling_faults.py`, the documented payloads in `test_polling_payloads.py`.
"""

import json
import logging

from inbox.models import Account, Conversation, Message, MonitoringHit

from .conftest import USER_ID, mentions_requests, poll


def test_first_poll_follows_every_page_and_keeps_the_newest_id(x_account, fake_x, citizens):
    tweets = [
        fake_x.mention(f"@GemeenteTest melding {n}", author_id=citizens["anna"]["id"]) for n in range(250)
    ]

    assert poll(x_account) == "ok: 250 new"

    requests = mentions_requests(fake_x)
    assert [r.params.get("pagination_token") for r in requests] == [None, "p100", "p200"]
    assert all("since_id" not in r.params for r in requests)
    first = requests[0].params
    assert first["max_results"] == "100"
    assert set(first["tweet.fields"].split(",")) >= {
        "author_id",
        "conversation_id",
        "in_reply_to_user_id",
        "referenced_tweets",
        "attachments",
        "geo",
        "created_at",
    }
    assert set(first["expansions"].split(",")) >= {"author_id", "attachments.media_keys", "geo.place_id"}
    assert requests[0].path == f"/2/users/{USER_ID}/mentions"
    assert requests[0].headers["Authorization"] == "Bearer bearer-secret-AAA"
    x_account.refresh_from_db()
    assert json.loads(x_account.cursor)["m"] == tweets[-1]["id"]
    assert Message.objects.count() == 250
    assert Conversation.objects.count() == 250
    message = Message.objects.get(platform_id=tweets[0]["id"])
    assert (message.author_name, message.conversation.contact.handle) == ("Anna de Vries", "anna_utrecht")


def test_second_poll_sends_since_id_and_gets_only_new_items(x_account, fake_x, citizens):
    old = fake_x.mention("@GemeenteTest eerste", author_id=citizens["anna"]["id"])
    poll(x_account)
    new = fake_x.mention("@GemeenteTest tweede", author_id=citizens["piet"]["id"])

    assert poll(x_account) == "ok: 1 new"

    assert mentions_requests(fake_x)[-1].params["since_id"] == old["id"]
    assert list(Message.objects.values_list("platform_id", flat=True)) == [old["id"], new["id"]]
    x_account.refresh_from_db()
    assert json.loads(x_account.cursor)["m"] == new["id"]


def test_a_poll_with_nothing_new_keeps_the_cursor(x_account, fake_x, citizens):
    tweet = fake_x.mention("@GemeenteTest eerste", author_id=citizens["anna"]["id"])
    poll(x_account)

    assert poll(x_account) == "ok: 0 new"

    x_account.refresh_from_db()
    assert json.loads(x_account.cursor)["m"] == tweet["id"]
    assert Message.objects.count() == 1


def test_the_same_tweet_served_twice_is_stored_once(x_account, fake_x, citizens):
    tweet = fake_x.mention("@GemeenteTest dubbel", author_id=citizens["anna"]["id"])
    fake_x.mentions.append(dict(tweet))  # on the same page twice

    assert poll(x_account) == "ok: 1 new"
    # And again on a later poll, as after a crash before the cursor was stored.
    x_account.cursor = ""
    Account.objects.filter(pk=x_account.pk).update(cursor="")
    assert poll(x_account) == "ok: 0 new"

    assert Message.objects.filter(platform_id=tweet["id"]).count() == 1
    assert Conversation.objects.count() == 1


def test_a_thread_with_our_own_reply_inside_is_one_conversation(x_account, fake_x, citizens):
    anna = citizens["anna"]["id"]
    question = fake_x.mention("@GemeenteTest Wanneer wordt er gestrooid?", author_id=anna)
    ours = fake_x.mention(
        "@anna_utrecht Vanavond om 20.00 uur.",
        author_id=USER_ID,  # posted from the phone app
        conversation_id=question["id"],
        in_reply_to_user_id=anna,
        referenced_tweets=[{"type": "replied_to", "id": question["id"]}],
    )
    follow_up = fake_x.mention(
        "@GemeenteTest Dank! Ook de Vechtstraat?",
        author_id=anna,
        conversation_id=question["id"],
        referenced_tweets=[{"type": "replied_to", "id": ours["id"]}],
    )

    assert poll(x_account) == "ok: 3 new"

    conversation = Conversation.objects.get()
    assert conversation.thread_key == question["id"]
    directions = list(conversation.messages.values_list("platform_id", "direction", "send_status"))
    assert directions == [
        (question["id"], "in", ""),
        (ours["id"], "out", "sent"),
        (follow_up["id"], "in", ""),
    ]
    # Our answer counted as a response; the follow-up makes it work again.
    assert conversation.first_response_at is not None
    assert conversation.state == "open"


def test_a_reply_from_someone_else_in_a_thread_joins_it(x_account, fake_x, citizens):
    question = fake_x.mention("@GemeenteTest Boom om op de Biltstraat", author_id=citizens["anna"]["id"])
    poll(x_account)
    fake_x.mention(
        "@GemeenteTest @anna_utrecht Klopt, ligt er nog steeds",
        author_id=citizens["piet"]["id"],
        conversation_id=question["id"],
        referenced_tweets=[{"type": "replied_to", "id": question["id"]}],
    )

    poll(x_account)

    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().messages.count() == 2


def test_our_own_post_alone_never_opens_a_conversation(x_account, fake_x):
    fake_x.mention("Vanavond wordt er gestrooid. @GemeenteTest", author_id=USER_ID)

    assert poll(x_account) == "ok: 0 new"
    assert not Conversation.objects.exists()


def test_a_retweet_never_opens_a_conversation(x_account, fake_x, citizens):
    original = fake_x.mention("@GemeenteTest Lantaarnpaal kapot", author_id=citizens["anna"]["id"])
    fake_x.mention(
        "RT @anna_utrecht: @GemeenteTest Lantaarnpaal kapot",
        author_id=citizens["piet"]["id"],
        referenced_tweets=[{"type": "retweeted", "id": original["id"]}],
    )

    assert poll(x_account) == "ok: 1 new"

    assert list(Message.objects.values_list("platform_id", flat=True)) == [original["id"]]
    assert Conversation.objects.count() == 1


def test_media_and_place_come_along(x_account, fake_x, citizens):
    fake_x.media["3_1234567890"] = {
        "media_key": "3_1234567890",
        "type": "photo",
        "url": "https://pbs.twimg.com/media/example.jpg",
        "alt_text": "Example image",
    }
    fake_x.places["01a9a39529b27f36"] = {"id": "01a9a39529b27f36", "full_name": "Utrecht, Nederland"}
    tweet = fake_x.mention(
        "@GemeenteTest zie foto",
        author_id=citizens["anna"]["id"],
        attachments={"media_keys": ["3_1234567890"]},
        geo={"place_id": "01a9a39529b27f36"},
    )

    poll(x_account)

    message = Message.objects.get(platform_id=tweet["id"])
    assert message.media == [
        {"type": "photo", "url": "https://pbs.twimg.com/media/example.jpg", "alt": "Example image"}
    ]
    assert json.loads(message.raw)["place"]["full_name"] == "Utrecht, Nederland"


def test_a_malformed_item_is_logged_and_skipped_and_the_rest_of_the_page_ingested(
    x_account, fake_x, citizens, caplog
):
    good = fake_x.mention("@GemeenteTest goed", author_id=citizens["anna"]["id"])
    fake_x.mentions.insert(0, {"id": "1600000000000000777", "text": None, "author_id": "x"})
    fake_x.mentions.insert(0, ["not", "a", "tweet"])
    later = fake_x.mention("@GemeenteTest ook goed", author_id=citizens["piet"]["id"])

    with caplog.at_level(logging.WARNING, logger="channels.x.normalize"):
        assert poll(x_account) == "ok: 2 new"

    assert set(Message.objects.values_list("platform_id", flat=True)) == {good["id"], later["id"]}
    skipped = [r.getMessage() for r in caplog.records if "Skipped malformed X mention" in r.getMessage()]
    assert len(skipped) == 2
    assert "1600000000000000777" in skipped[1]
    x_account.refresh_from_db()
    assert x_account.poll_status == "ok"
    # The skipped item is not fetched again: it is in the log, with its id.
    assert json.loads(x_account.cursor)["m"] == "1600000000000000777"


def test_hostile_text_is_stored_as_received(x_account, fake_x, citizens):
    text = "@GemeenteTest <script>alert(1)</script> \x00 nul"
    tweet = fake_x.mention(text, author_id=citizens["anna"]["id"])

    poll(x_account)

    message = Message.objects.get(platform_id=tweet["id"])
    assert message.text == "@GemeenteTest <script>alert(1)</script> \ufffd nul"
    assert json.loads(message.raw)["tweet"]["text"] == text


# --- Direct messages ----------------------------------------------------------------------------


def test_direct_messages_become_one_private_conversation_per_citizen(x_account, fake_x, citizens):
    anna = citizens["anna"]["id"]
    first = fake_x.dm("Mijn paspoort is verlopen.", sender_id=anna, created_at="2026-01-15T11:00:00.000Z")
    ours = fake_x.dm(
        "Maak een afspraak via de website.",
        sender_id=USER_ID,
        other_id=anna,
        created_at="2026-01-15T11:05:00.000Z",
    )

    assert poll(x_account) == "ok: 2 new"
    second = fake_x.dm("Dank, en een rijbewijs?", sender_id=anna, created_at="2026-01-15T11:10:00.000Z")
    assert poll(x_account) == "ok: 1 new"

    conversation = Conversation.objects.get()
    assert (conversation.is_private, conversation.thread_key) == (True, f"dm:{anna}")
    assert list(conversation.messages.values_list("platform_id", "direction", "kind")) == [
        (f"dm-{first['id']}", "in", "dm"),
        (f"dm-{ours['id']}", "out", "dm"),
        (f"dm-{second['id']}", "in", "dm"),
    ]
    dm_requests = fake_x.requests_to("/2/dm_events")
    assert dm_requests[0].params["event_types"] == "MessageCreate"
    assert dm_requests[0].headers["Authorization"].startswith("OAuth ")


def test_without_dm_access_mentions_still_arrive_and_dms_wait_a_day(x_account, fake_x, citizens):
    fake_x.fail(
        "/2/dm_events",
        403,
        {"title": "Forbidden", "detail": "Forbidden", "type": "about:blank", "status": 403},
    )
    fake_x.mention("@GemeenteTest vraag", author_id=citizens["anna"]["id"])

    assert poll(x_account) == "ok: 1 new"
    assert poll(x_account) == "ok: 0 new"

    x_account.refresh_from_db()
    assert x_account.poll_status == "ok"
    assert "dm_off" in json.loads(x_account.cursor)
    assert len(fake_x.requests_to("/2/dm_events")) == 1


def test_direct_messages_are_read_at_most_every_two_minutes_by_default(x_account, fake_x):
    Account.objects.filter(pk=x_account.pk).update(config={"user_id": USER_ID})

    poll(x_account)
    poll(x_account)

    assert len(fake_x.requests_to("/2/dm_events")) == 1
    assert len(mentions_requests(fake_x)) == 2


# --- Monitoring ---------------------------------------------------------------------------------


def test_monitoring_hits_stay_out_of_the_queue(x_account, fake_x, citizens):
    Account.objects.filter(pk=x_account.pk).update(config={"user_id": USER_ID, "monitor": ["#gladheid030"]})
    hit = fake_x.search_hit(
        "#gladheid030", "Fietspad is een ijsbaan #gladheid030", author_id=citizens["anna"]["id"]
    )
    retweet = fake_x.search_hit(
        "#gladheid030",
        "RT @x: ijs #gladheid030",
        author_id=citizens["piet"]["id"],
        referenced_tweets=[{"type": "retweeted", "id": hit["id"]}],
    )

    assert poll(x_account) == "ok: 0 new"
    assert poll(x_account) == "ok: 0 new"

    assert not Conversation.objects.exists()
    stored = MonitoringHit.objects.get()
    assert (stored.platform_id, stored.query, stored.state) == (hit["id"], "#gladheid030", "new")
    searches = fake_x.requests_to("/2/tweets/search/recent")
    assert searches[0].params["query"] == "#gladheid030"
    assert "since_id" not in searches[0].params
    assert searches[1].params["since_id"] == retweet["id"]
