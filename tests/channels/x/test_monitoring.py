"""Monitoring hits: found by a search, kept out of the queue, promoted or dismissed by a person."""

import pytest

from channels import polling
from inbox.models import Account, Conversation, Event, Message, MonitoringHit
from inbox.services.base import ServiceError
from inbox.services.monitoring import monitoring_hit_dismiss, monitoring_hit_promote

from .conftest import USER_ID


@pytest.fixture
def hit(x_account, fake_x, citizens):
    Account.objects.filter(pk=x_account.pk).update(
        config={"user_id": USER_ID, "monitor": ['"gemeente utrecht" -is:retweet', "#gladheid030"]}
    )
    tweet = fake_x.search_hit(
        "#gladheid030",
        "Volgende week verhuis ik naar Utrecht! #gladheid030",
        author_id=citizens["anna"]["id"],
    )
    polling.poll_account(x_account.pk)
    return MonitoringHit.objects.get(platform_id=tweet["id"])


def test_a_promoted_hit_enters_the_queue_as_a_conversation_with_a_timeline_event(hit, agent, fake_x):
    conversation = monitoring_hit_promote(hit_id=hit.pk, user=agent)

    assert (conversation.state, conversation.team.slug, conversation.thread_key) == (
        "new",
        "kcc",
        hit.platform_id,
    )
    assert conversation.contact.handle == "anna_utrecht"
    message = conversation.messages.get()
    assert (message.platform_id, message.direction, message.kind, message.text) == (
        hit.platform_id,
        "in",
        "monitoring",
        "Volgende week verhuis ik naar Utrecht! #gladheid030",
    )
    event = conversation.events.get()
    assert (event.kind, event.actor, event.data["query"]) == ("promoted", agent, "#gladheid030")
    hit.refresh_from_db()
    assert (hit.state, hit.decided_by, hit.conversation) == ("promoted", agent, conversation)
    # Nothing was posted: a person answers, never the system.
    assert fake_x.requests_to("/2/tweets", method="POST") == []


def test_a_hit_is_promoted_only_once(hit, agent, other_agent):
    monitoring_hit_promote(hit_id=hit.pk, user=agent)

    with pytest.raises(ServiceError):
        monitoring_hit_promote(hit_id=hit.pk, user=other_agent)
    with pytest.raises(ServiceError):
        monitoring_hit_dismiss(hit_id=hit.pk, user=other_agent)
    assert Conversation.objects.count() == 1
    assert Event.objects.count() == 1


def test_a_dismissed_hit_never_reaches_the_queue(hit, agent):
    monitoring_hit_dismiss(hit_id=hit.pk, user=agent)

    hit.refresh_from_db()
    assert (hit.state, hit.decided_by) == ("dismissed", agent)
    assert not Conversation.objects.exists()
    with pytest.raises(ServiceError):
        monitoring_hit_promote(hit_id=hit.pk, user=agent)
    assert not Message.objects.exists()


def test_promoting_a_hit_that_already_came_as_a_mention_joins_that_conversation(
    hit, x_account, fake_x, agent
):
    fake_x.mentions.insert(0, {**fake_x.search["#gladheid030"][0], "text": "@GemeenteTest ook aan jullie"})
    polling.poll_account(x_account.pk)
    existing = Conversation.objects.get()

    assert monitoring_hit_promote(hit_id=hit.pk, user=agent) == existing
    assert Message.objects.count() == 1
    assert list(existing.events.values_list("kind", flat=True)) == ["created", "promoted"]


def test_a_search_polls_every_query_and_stores_each_hit_once(hit, x_account, fake_x):
    polling.poll_account(x_account.pk)

    queries = [r.params["query"] for r in fake_x.requests_to("/2/tweets/search/recent")]
    assert queries == ['"gemeente utrecht" -is:retweet', "#gladheid030"] * 2
    assert MonitoringHit.objects.count() == 1


def test_a_query_x_refuses_is_skipped_with_a_warning_and_mentions_still_arrive(x_account, fake_x, citizens):
    Account.objects.filter(pk=x_account.pk).update(
        config={"user_id": USER_ID, "monitor": ["(((", "#gladheid030"]}
    )
    fake_x.search_hit("#gladheid030", "Glad! #gladheid030", author_id=citizens["anna"]["id"])
    fake_x.mention("@GemeenteTest vraag", author_id=citizens["piet"]["id"])
    fake_x.fail(
        "/2/tweets/search/recent",
        400,
        {
            "title": "Invalid Request",
            "detail": "There were errors processing your request.",
            "type": "about:blank",
        },
    )

    assert polling.poll_account(x_account.pk) == "ok: 1 new"

    x_account.refresh_from_db()
    assert x_account.poll_status == "ok"
    assert "Monitoring query '(((' was refused by X" in x_account.poll_warning
    assert list(MonitoringHit.objects.values_list("text", flat=True)) == ["Glad! #gladheid030"]


def test_a_since_id_older_than_the_search_window_starts_the_query_afresh(hit, x_account, fake_x, citizens):
    Account.objects.filter(pk=x_account.pk).update(config={"user_id": USER_ID, "monitor": ["#gladheid030"]})
    newer = fake_x.search_hit(
        "#gladheid030", "Nog steeds glad #gladheid030", author_id=citizens["piet"]["id"]
    )
    fake_x.fail("/2/tweets/search/recent", 400, {"errors": [{"message": "since_id must be within 7 days"}]})
    fake_x.requests.clear()

    assert polling.poll_account(x_account.pk) == "ok: 0 new"

    searches = [r.params.get("since_id") for r in fake_x.requests_to("/2/tweets/search/recent")]
    assert searches == [hit.platform_id, None]
    assert set(MonitoringHit.objects.values_list("platform_id", flat=True)) == {hit.platform_id, newer["id"]}
    x_account.refresh_from_db()
    assert x_account.poll_warning == ""
