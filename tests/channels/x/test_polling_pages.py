"""Each page of an X poll is committed with its cursor: a poll that fails half-way keeps what it
fetched, and the next one continues after it with the same since_id."""

import json
import threading
import time

import pytest
from django.db import connection, connections, transaction

from inbox.models import Account, Message

from .conftest import mentions_requests, poll

SERVER_ERROR = {"title": "Internal Server Error", "type": "about:blank", "status": 500}


def fail_nth(fake, path_part: str, n: int, status: int = 500, body=SERVER_ERROR):
    """The n-th request to `path_part` from now on answers `status`; the others go through."""
    original, seen = fake.handle, {"n": 0}

    def handle(method, path, params, request_body):
        if path_part in path:
            seen["n"] += 1
            if seen["n"] == n:
                return status, body, {}
        return original(method, path, params, request_body)

    fake.handle = handle


def cursor_of(account) -> dict:
    account.refresh_from_db()
    return json.loads(account.cursor)


def test_a_crash_after_page_2_of_4_keeps_them_and_the_next_poll_fetches_only_pages_3_and_4(
    x_account, fake_x, citizens
):
    first = fake_x.mention("@GemeenteTest begin", author_id=citizens["anna"]["id"])
    assert poll(x_account) == "ok: 1 new"
    backlog = [fake_x.mention(f"@GemeenteTest {n}", author_id=citizens["piet"]["id"]) for n in range(400)]
    fail_nth(fake_x, "/mentions", 3)
    before = len(mentions_requests(fake_x))

    assert poll(x_account) == "error"

    newest = backlog[-1]["id"]
    assert Message.objects.count() == 1 + 200
    assert set(Message.objects.values_list("platform_id", flat=True)) == {first["id"]} | {
        t["id"] for t in backlog[200:]
    }
    assert cursor_of(x_account)["m"] == first["id"]  # since_id stays until the walk is complete
    assert cursor_of(x_account)["mp"] == {"next_token": "p200", "newest_id": newest, "fetched": 200}
    x_account.refresh_from_db()
    assert x_account.poll_status == "error"
    before = len(mentions_requests(fake_x))

    assert poll(x_account) == "ok: 200 new"

    again = mentions_requests(fake_x)[before:]
    assert [(r.params["since_id"], r.params.get("pagination_token")) for r in again] == [
        (first["id"], "p200"),
        (first["id"], "p300"),
    ]
    assert Message.objects.count() == 401
    assert set(Message.objects.values_list("platform_id", flat=True)) == {first["id"]} | {
        t["id"] for t in backlog
    }
    assert cursor_of(x_account)["m"] == newest
    assert "mp" not in cursor_of(x_account)
    # And the poll after that asks only for what is newer than the newest.
    assert poll(x_account) == "ok: 0 new"
    assert mentions_requests(fake_x)[-1].params["since_id"] == newest
    assert "pagination_token" not in mentions_requests(fake_x)[-1].params


def test_a_276_mention_first_poll_that_fails_on_its_last_page_keeps_200(x_account, fake_x, citizens):
    backlog = [fake_x.mention(f"@GemeenteTest {n}", author_id=citizens["anna"]["id"]) for n in range(276)]
    fail_nth(fake_x, "/mentions", 3)

    assert poll(x_account) == "error"
    assert Message.objects.count() == 200
    assert poll(x_account) == "ok: 76 new"

    assert Message.objects.count() == 276
    assert [r.params.get("pagination_token") for r in mentions_requests(fake_x)] == [
        None,
        "p100",
        "p200",
        "p200",
    ]
    # The own-tweet timeline (``o``) starts after the newest mention: no own tweets here.
    assert cursor_of(x_account) == {
        "m": backlog[-1]["id"],
        "o": backlog[-1]["id"],
        "dm_at": cursor_of(x_account)["dm_at"],
    }


def test_a_plain_since_id_cursor_of_old_still_works(x_account, fake_x, citizens):
    old = fake_x.mention("@GemeenteTest oud", author_id=citizens["anna"]["id"])
    new = fake_x.mention("@GemeenteTest nieuw", author_id=citizens["anna"]["id"])
    Account.objects.filter(pk=x_account.pk).update(cursor=old["id"])

    assert poll(x_account) == "ok: 1 new"

    assert mentions_requests(fake_x)[0].params["since_id"] == old["id"]
    assert cursor_of(x_account)["m"] == new["id"]


def test_a_pagination_token_x_no_longer_accepts_starts_the_walk_again(x_account, fake_x, citizens):
    first = fake_x.mention("@GemeenteTest begin", author_id=citizens["anna"]["id"])
    later = [fake_x.mention(f"@GemeenteTest {n}", author_id=citizens["piet"]["id"]) for n in range(3)]
    walk = {"next_token": "expired-token", "newest_id": later[-1]["id"], "fetched": 100}
    Account.objects.filter(pk=x_account.pk).update(cursor=json.dumps({"m": first["id"], "mp": walk}))
    fake_x.fail("/2/users/", 400, {"errors": [{"message": "Invalid pagination_token"}]})

    assert poll(x_account) == "ok: 3 new"

    assert [(r.params["since_id"], r.params.get("pagination_token")) for r in mentions_requests(fake_x)] == [
        (first["id"], "expired-token"),
        (first["id"], None),
    ]
    assert cursor_of(x_account)["m"] == later[-1]["id"]
    assert "mp" not in cursor_of(x_account)


def test_direct_messages_are_committed_page_by_page_too(x_account, fake_x, citizens):
    anna = citizens["anna"]["id"]
    known = fake_x.dm("Eerste vraag", sender_id=anna)
    assert poll(x_account) == "ok: 1 new"
    backlog = [fake_x.dm(f"Bericht {n}", sender_id=anna) for n in range(250)]
    fail_nth(fake_x, "/2/dm_events", 2)

    assert poll(x_account) == "error"

    assert Message.objects.count() == 1 + 100
    assert cursor_of(x_account)["d"] == known["id"]
    assert cursor_of(x_account)["dp"] == {"next_token": "p100", "newest_id": backlog[-1]["id"]}
    assert poll(x_account) == "ok: 150 new"

    assert [r.params.get("pagination_token") for r in fake_x.requests_to("/2/dm_events")] == [
        None,
        None,
        "p100",
        "p100",
        "p200",
    ]
    assert Message.objects.count() == 251
    assert cursor_of(x_account)["d"] == backlog[-1]["id"]
    assert "dp" not in cursor_of(x_account)


@pytest.mark.django_db(transaction=True)
def test_the_account_row_is_not_locked_while_the_next_page_is_fetched(x_account, fake_x, citizens):
    for n in range(150):
        fake_x.mention(f"@GemeenteTest {n}", author_id=citizens["anna"]["id"])
    original, waited = fake_x.handle, []

    def lock_the_account_meanwhile():
        # Another connection takes the account's row lock while the poller waits for page 2.
        started = time.monotonic()
        try:
            with transaction.atomic():
                # SQLite has no row locks: its IMMEDIATE transaction would wait for the poller's.
                rows = Account.objects.filter(pk=x_account.pk)
                if connection.features.has_select_for_update_nowait:
                    rows = rows.select_for_update(nowait=True)
                rows.update(display_name="x")
        finally:
            connections.close_all()
        waited.append(time.monotonic() - started)

    def handle(method, path, params, body):
        if "/mentions" in path and params.get("pagination_token") == "p100":
            thread = threading.Thread(target=lock_the_account_meanwhile)
            thread.start()
            thread.join()
        return original(method, path, params, body)

    fake_x.handle = handle

    assert poll(x_account) == "ok: 150 new"
    assert len(waited) == 1 and waited[0] < 1.0
