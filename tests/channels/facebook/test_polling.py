import json

from channels import polling
from channels.facebook.adapter import POST_FIELDS, FacebookAdapter
from inbox.models import Account, Conversation, Message

from .conftest import CITIZEN, OTHER, PAGE_ID, ago


def test_calls_go_to_the_configured_host_and_version(graph, fb_account, settings):
    settings.FACEBOOK_GRAPH_VERSION = "v24.0"  # a leading v is tolerated

    FacebookAdapter(fb_account).fetch("")

    paths = [call.path for call in graph.calls("GET")]
    assert paths == [f"/v24.0/{PAGE_ID}/feed", f"/v24.0/{PAGE_ID}/conversations"]
    assert {call.version for call in graph.requests} == {"24.0"}
    assert graph.requests[0].params["access_token"] == "page-token"
    assert graph.requests[0].params["fields"] == POST_FIELDS
    assert "attachments{media_type,type,media" in POST_FIELDS  # photos come along


def test_a_comment_thread_is_one_conversation_and_the_page_reply_is_outbound(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    first = graph.add_comment(post["id"], "Hoe lang duurt dat?", author=CITIZEN, created=ago(hours=2))
    graph.add_comment(post["id"], "Ook mijn vraag", author=OTHER, parent_id=first["id"], created=ago(hours=1))
    graph.add_comment(
        post["id"],
        "Twee weken.",
        author={"id": PAGE_ID, "name": "Gemeente Test"},
        parent_id=first["id"],
        created=ago(minutes=30),
    )
    graph.add_comment(post["id"], "Andere vraag", author=OTHER, created=ago(minutes=10))

    assert polling.poll_account(fb_account.pk) == "ok: 4 new"

    thread = Conversation.objects.get(thread_key=f"comment:{first['id']}")
    assert [(m.direction, m.kind, m.text) for m in thread.messages.order_by("created_at")] == [
        ("in", "comment", "Hoe lang duurt dat?"),
        ("in", "comment_reply", "Ook mijn vraag"),
        ("out", "comment_reply", "Twee weken."),
    ]
    assert thread.contact.name == "Anna de Vries"
    assert thread.state == "answered"
    assert Conversation.objects.count() == 2  # the page's own post is no question
    assert not Message.objects.filter(platform_id=post["id"]).exists()


def test_a_visitor_post_and_its_comments_are_one_conversation(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Kapotte fiets bij het station", author=CITIZEN, created=ago(hours=1))
    graph.add_comment(post["id"], "Ligt er nog steeds", author=OTHER, created=ago(minutes=5))

    polling.poll_account(fb_account.pk)

    conversation = Conversation.objects.get()
    assert conversation.thread_key == f"post:{post['id']}"
    assert [m.text for m in conversation.messages.all()] == [
        "Kapotte fiets bij het station",
        "Ligt er nog steeds",
    ]


def test_feed_and_comments_are_paged(graph, fb_account):
    for n in range(30):
        post = graph.add_post(PAGE_ID, f"Bericht {n}", created=ago(hours=40 - n))
        if n == 0:
            for c in range(27):
                graph.add_comment(
                    post["id"], f"Reactie {c}", author=CITIZEN, created=ago(hours=39, minutes=-c)
                )

    assert polling.poll_account(fb_account.pk) == "ok: 27 new"

    feed_calls = [c for c in graph.calls("GET") if c.path.endswith("/feed")]
    assert len(feed_calls) == 2
    assert "after" in feed_calls[1].params
    comment_calls = [c for c in graph.calls("GET") if c.path.endswith(f"{PAGE_ID}_1/comments")]
    assert len(comment_calls) == 2
    assert comment_calls[0].params["filter"] == "stream"
    assert comment_calls[0].params["order"] == "chronological"


def test_messenger_conversation_with_the_pages_own_answer(graph, fb_account):
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=2))
    graph.add_message(PAGE_ID, "psid-1", "Donderdag.", from_page=True, created=ago(hours=1))
    graph.add_message(PAGE_ID, "psid-1", "Dank u!", name="Ruud", created=ago(minutes=5))

    polling.poll_account(fb_account.pk)

    conversation = Conversation.objects.get()
    assert conversation.thread_key == "messenger:psid-1"
    assert conversation.is_private is True
    assert conversation.contact.platform_user_id == "psid-1"
    assert [(m.direction, m.text) for m in conversation.messages.order_by("created_at")] == [
        ("in", "Wanneer komt het grofvuil?"),
        ("out", "Donderdag."),
        ("in", "Dank u!"),
    ]
    call = next(c for c in graph.calls("GET") if c.path.endswith("/conversations"))
    assert call.params["platform"] == "messenger"


def test_polling_again_since_the_cursor_creates_nothing_twice(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    graph.add_comment(post["id"], "Vraag", author=CITIZEN, created=ago(hours=2))
    polling.poll_account(fb_account.pk)
    fb_account.refresh_from_db()
    since = json.loads(fb_account.cursor)["since"]
    graph.add_comment(post["id"], "Nog een vraag", author=OTHER)
    Account.objects.filter(pk=fb_account.pk).update(next_poll_at=None)

    assert polling.poll_account(fb_account.pk) == "ok: 1 new"

    comment_calls = [c for c in graph.calls("GET") if c.path.endswith("/comments")]
    assert comment_calls[-1].params["since"] == str(since)
    assert Message.objects.count() == 2


def test_a_malformed_item_is_skipped_and_the_rest_ingested(graph, fb_account, caplog):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    graph.add_comment(post["id"], "Goede vraag", author=CITIZEN, created=ago(hours=2))
    graph.comments[post["id"]].append({"id": "broken", "message": "x", "created_time": "UNIX-TIMESTAMP"})
    graph.comments[post["id"]].append("not an object")
    graph.add_message(PAGE_ID, "psid-1", "Hallo\x00 daar", created=ago(minutes=1))

    assert polling.poll_account(fb_account.pk) == "ok: 2 new"

    assert sorted(Message.objects.values_list("text", flat=True)) == ["Goede vraag", "Hallo\ufffd daar"]
    assert "Skipped a malformed Facebook comment (id 'broken')" in caplog.text
