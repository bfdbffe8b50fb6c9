"""Polling an X account when X misbehaves: rate limits, 5xx, timeouts, refused credentials."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from channels import polling
from inbox.models import Account, Event, Message

from .conftest import mentions_requests, poll

RATE_LIMIT_BODIES = [
    {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
    {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
]


@pytest.mark.parametrize("body", RATE_LIMIT_BODIES, ids=["errors-list", "problem"])
def test_a_429_waits_until_the_reset_without_sleeping(x_account, fake_x, citizens, body):
    fake_x.mention("@GemeenteTest vraag", author_id=citizens["anna"]["id"])
    reset = int(time.time()) + 900
    fake_x.fail(
        "/2/users/",
        429,
        body,
        {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )

    assert poll(x_account) == "rate_limited"

    x_account.refresh_from_db()
    assert x_account.poll_status == "rate_limited"
    assert x_account.next_poll_at == dt.datetime.fromtimestamp(reset + 1, dt.UTC)
    assert "Rate limit exceeded" in x_account.poll_error or "Too Many Requests" in x_account.poll_error
    assert (x_account.cursor, Message.objects.count()) == ("", 0)
    assert x_account.pk not in polling.due_account_ids()
    assert len(mentions_requests(fake_x)) == 1  # tweepy did not retry by itself


def test_a_429_without_reset_header_waits_fifteen_minutes(x_account, fake_x):
    fake_x.fail("/2/users/", 429, RATE_LIMIT_BODIES[1])

    before = timezone.now()
    assert poll(x_account) == "rate_limited"

    x_account.refresh_from_db()
    assert (
        before + dt.timedelta(minutes=15)
        <= x_account.next_poll_at
        <= timezone.now() + dt.timedelta(minutes=15)
    )


def test_other_accounts_keep_polling_while_one_is_rate_limited(x_account, fake_x, citizens, teams):
    other = Account.objects.create(
        platform="x",
        handle="WijkOost",
        team=teams["oost"],
        credentials=x_account.credentials,
        config={"user_id": "1500000000000000002"},
    )
    fake_x.fail(
        "/2/users/1500000000000000001/", 429, RATE_LIMIT_BODIES[0], {"x-rate-limit-reset": "9999999999"}
    )

    assert poll(x_account) == "rate_limited"
    assert poll(other) == "ok: 0 new"
    assert other.pk in polling.due_account_ids(timezone.now() + dt.timedelta(minutes=2))


def test_a_500_is_retried_later_and_nothing_is_lost_or_duplicated(x_account, fake_x, citizens):
    first = fake_x.mention("@GemeenteTest een", author_id=citizens["anna"]["id"])
    poll(x_account)
    fake_x.mention("@GemeenteTest twee", author_id=citizens["anna"]["id"])
    fake_x.fail("/2/users/", 500, {"title": "Internal Server Error", "type": "about:blank", "status": 500})

    assert poll(x_account) == "error"
    x_account.refresh_from_db()
    assert x_account.poll_status == "error"
    assert "500" in x_account.poll_error
    assert json.loads(x_account.cursor)["m"] == first["id"]
    assert x_account.next_poll_at > timezone.now()

    assert poll(x_account) == "ok: 1 new"
    assert Message.objects.count() == 2
    assert mentions_requests(fake_x)[-1].params["since_id"] == first["id"]


def test_a_500_on_a_later_page_keeps_the_first_and_the_next_poll_continues_after_it(
    x_account, fake_x, citizens
):
    tweets = [fake_x.mention(f"@GemeenteTest {n}", author_id=citizens["anna"]["id"]) for n in range(150)]
    # The first page comes through, the second fails.
    original = fake_x.handle
    calls = {"n": 0}

    def flaky(method, path, params, body):
        if "/mentions" in path:
            calls["n"] += 1
            if calls["n"] == 2:
                return 503, {"title": "Service Unavailable", "type": "about:blank", "status": 503}, {}
        return original(method, path, params, body)

    fake_x.handle = flaky
    assert poll(x_account) == "error"
    assert Message.objects.count() == 100
    x_account.refresh_from_db()
    assert json.loads(x_account.cursor)["mp"] == {
        "next_token": "p100",
        "newest_id": tweets[-1]["id"],
        "fetched": 100,
    }
    assert "m" not in json.loads(x_account.cursor)

    assert poll(x_account) == "ok: 50 new"

    assert [r.params.get("pagination_token") for r in mentions_requests(fake_x)] == [None, "p100", "p100"]
    assert Message.objects.count() == 150
    x_account.refresh_from_db()
    assert json.loads(x_account.cursor)["m"] == tweets[-1]["id"]
    assert "mp" not in json.loads(x_account.cursor)


def test_a_timeout_is_a_transient_error(x_account, fake_x, settings):
    settings.X_API_READ_TIMEOUT = 0.2
    fake_x.fail("/2/users/", 200, {"data": []}, delay=1.0)

    assert poll(x_account) == "error"

    x_account.refresh_from_db()
    assert x_account.poll_status == "error"
    assert "timeout" in x_account.poll_error.lower()


def test_a_401_marks_the_account_for_reconnection_without_retrying(x_account, fake_x, client):
    fake_x.fail(
        "/2/users/",
        401,
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
    )

    assert poll(x_account) == "needs_reconnect"

    x_account.refresh_from_db()
    assert x_account.poll_status == "needs_reconnect"
    assert x_account.pk not in polling.due_account_ids(timezone.now() + dt.timedelta(days=1))
    assert len(fake_x.requests) == 1
    health = client.get("/healthz").json()
    assert [a["status"] for a in health["accounts"] if a["handle"] == "GemeenteTest"] == ["needs_reconnect"]
    assert health["status"] in ("degraded", "error")


def test_a_body_that_is_not_json_is_a_transient_error(x_account, fake_x):
    fake_x.fail("/2/users/", 200, b"<html>proxy error</html>")

    assert poll(x_account) == "error"
    assert Message.objects.count() == 0


def test_a_mention_gap_beyond_800_is_reported(x_account, fake_x, citizens):
    first = fake_x.mention("@GemeenteTest begin", author_id=citizens["anna"]["id"])
    poll(x_account)
    for n in range(800):
        fake_x.mention(f"@GemeenteTest storm {n}", author_id=citizens["piet"]["id"])

    assert poll(x_account) == "ok: 800 new"

    x_account.refresh_from_db()
    assert "800" in x_account.poll_warning
    assert x_account.poll_status == "ok"
    assert first["id"]


def test_no_x_user_id_means_reconnect(x_account, fake_x):
    Account.objects.filter(pk=x_account.pk).update(config={})

    assert poll(x_account) == "needs_reconnect"
    assert fake_x.requests == []
    assert not Event.objects.exists()
