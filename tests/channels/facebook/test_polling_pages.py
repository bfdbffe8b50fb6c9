"""Each page of a Facebook poll is committed with its cursor: a poll that fails half-way keeps what
it fetched, and the next one continues after it with the same `since`."""

import json

from channels import polling
from inbox.models import Account, Message

from .conftest import CITIZEN, PAGE_ID, ago

UNAVAILABLE = {
    "error": {"message": "Service temporarily unavailable", "type": "FacebookApiException", "code": 2}
}


def fail_nth(graph, path_end: str, n: int):
    """The n-th GET ending in `path_end` from now on answers 503; the others go through."""
    original, seen = graph.answer, {"n": 0}

    def answer(method, path, params, body):
        if method == "GET" and path.endswith(path_end):
            seen["n"] += 1
            if seen["n"] == n:
                return 503, UNAVAILABLE
        return original(method, path, params, body)

    graph.answer = answer


def cursor_of(account) -> dict:
    account.refresh_from_db()
    return json.loads(account.cursor)


def test_a_failure_on_the_second_page_of_posts_keeps_the_first_and_the_next_poll_goes_on(graph, fb_account):
    posts = [graph.add_post(PAGE_ID, f"Bericht {n}", created=ago(hours=40 - n)) for n in range(30)]
    comments = [graph.add_comment(p["id"], "Vraag", author=CITIZEN, created=ago(hours=30)) for p in posts]
    fail_nth(graph, "/feed", 2)

    assert polling.poll_account(fb_account.pk) == "error"

    # Newest posts first: the first page holds the 25 newest posts and their comments.
    assert set(Message.objects.values_list("platform_id", flat=True)) == {c["id"] for c in comments[5:]}
    cursor = cursor_of(fb_account)
    assert set(cursor) == {"since", "walk"}
    assert set(cursor["walk"]) == {"started", "feed"}
    since = cursor["since"]

    assert polling.poll_account(fb_account.pk) == "ok: 5 new"

    feed_calls = [c for c in graph.calls("GET") if c.path.endswith("/feed")]
    assert [c.params.get("after") for c in feed_calls] == [
        None,
        cursor["walk"]["feed"],
        cursor["walk"]["feed"],
    ]
    later_comment_calls = [c for c in graph.calls("GET") if c.path.endswith("/comments")][25:]
    assert {c.params["since"] for c in later_comment_calls} == {str(since)}
    assert Message.objects.count() == 30
    assert cursor_of(fb_account) == {"since": cursor["walk"]["started"] - 60}


def test_a_failure_in_messenger_keeps_the_feed_and_skips_it_next_time(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    graph.add_comment(post["id"], "Vraag", author=CITIZEN, created=ago(hours=2))
    graph.add_message(PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud", created=ago(hours=1))
    graph.fail("GET", "/conversations", 503, UNAVAILABLE)

    assert polling.poll_account(fb_account.pk) == "error"
    assert Message.objects.count() == 1
    assert cursor_of(fb_account)["walk"]["messenger"] == ""

    assert polling.poll_account(fb_account.pk) == "ok: 1 new"
    assert len([c for c in graph.calls("GET") if c.path.endswith("/feed")]) == 1
    assert Message.objects.count() == 2
    assert set(cursor_of(fb_account)) == {"since"}


def test_a_paging_cursor_graph_refuses_starts_that_listing_over(graph, fb_account):
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    graph.add_comment(post["id"], "Vraag", author=CITIZEN, created=ago(hours=2))
    started = int(ago(minutes=5).timestamp())
    Account.objects.filter(pk=fb_account.pk).update(
        cursor=json.dumps(
            {"since": int(ago(days=1).timestamp()), "walk": {"started": started, "feed": "stale"}}
        )
    )
    graph.fail(
        "GET", "/feed", 400, {"error": {"message": "Invalid cursor", "type": "OAuthException", "code": 100}}
    )

    assert polling.poll_account(fb_account.pk) == "ok: 1 new"

    feed_calls = [c for c in graph.calls("GET") if c.path.endswith("/feed")]
    assert [c.params.get("after") for c in feed_calls] == ["stale", None]
    assert cursor_of(fb_account) == {"since": started - 60}
