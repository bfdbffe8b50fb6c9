import datetime as dt
import json

import pytest
from django.utils import timezone

from channels import polling
from inbox.models import Account, Message

from .conftest import CITIZEN, PAGE_ID, ago

RATE_LIMIT = {
    "error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}
}


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_a_rate_limit_code_slows_down_that_page_only(graph, fb_account, teams, code):
    other = Account.objects.create(
        platform="sandbox", handle="Ander", team=teams["kcc"], config={"initial": 1}
    )
    graph.fail("GET", "/feed", 400, {"error": {**RATE_LIMIT["error"], "code": code}})

    assert polling.poll_account(fb_account.pk) == "rate_limited"
    assert polling.poll_account(other.pk) == "ok: 1 new"

    fb_account.refresh_from_db()
    assert fb_account.poll_status == "rate_limited"
    assert f"code {code}" in fb_account.poll_error
    assert fb_account.next_poll_at > timezone.now() + dt.timedelta(minutes=14)
    assert fb_account.pk not in polling.due_account_ids()
    assert other.pk in polling.due_account_ids(timezone.now() + dt.timedelta(minutes=1))


def test_the_wait_meta_asks_for_in_the_usage_header_is_honoured(graph, fb_account):
    usage = {
        PAGE_ID: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 30,
                "estimated_time_to_regain_access": 42,
            }
        ]
    }
    graph.fail(
        "GET",
        "/feed",
        400,
        {"error": {**RATE_LIMIT["error"], "code": 80001}},
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )

    polling.poll_account(fb_account.pk)

    fb_account.refresh_from_db()
    wait = fb_account.next_poll_at - timezone.now()
    assert dt.timedelta(minutes=41) < wait <= dt.timedelta(minutes=42)


def test_usage_near_the_limit_ingests_then_slows_down(graph, fb_account):
    graph.usage_headers = {
        "X-App-Usage": json.dumps({"call_count": 96, "total_cputime": 10, "total_time": 12})
    }
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=1))
    graph.add_comment(post["id"], "Vraag", author=CITIZEN, created=ago(minutes=5))

    assert polling.poll_account(fb_account.pk) == "rate_limited"

    fb_account.refresh_from_db()
    assert Message.objects.count() == 1
    assert fb_account.poll_status == "rate_limited"
    assert json.loads(fb_account.cursor)["since"] > 0
    assert fb_account.next_poll_at > timezone.now() + dt.timedelta(minutes=14)


def test_an_expired_token_needs_reconnection_without_retrying(graph, fb_account, client):
    Account.objects.filter(pk=fb_account.pk).update(credentials={"page_token": "expired"})

    assert polling.poll_account(fb_account.pk) == "needs_reconnect"

    fb_account.refresh_from_db()
    assert fb_account.poll_status == "needs_reconnect"
    assert "OAuthException 190" in fb_account.poll_error
    assert fb_account.next_poll_at is None
    assert fb_account.pk not in polling.due_account_ids(timezone.now() + dt.timedelta(days=1))
    assert len(graph.requests) == 1
    health = client.get("/healthz").json()
    assert health["status"] in ("degraded", "error")
    assert {"platform": "facebook", "status": "needs_reconnect"}.items() <= health["accounts"][0].items()


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, b"<html>Internal Server Error</html>", "text/html"),
        (
            503,
            {
                "error": {
                    "message": "Service temporarily unavailable",
                    "type": "FacebookApiException",
                    "code": 2,
                }
            },
            None,
        ),
    ],
)
def test_a_server_error_is_retried_with_backoff(graph, fb_account, status, body, content_type):
    graph.fail("GET", "/feed", status, body, content_type=content_type)

    assert polling.poll_account(fb_account.pk) == "error"

    fb_account.refresh_from_db()
    assert fb_account.poll_status == "error"
    assert fb_account.cursor == ""
    assert fb_account.next_poll_at > timezone.now()


def test_a_timeout_is_retried(graph, fb_account, settings):
    settings.FACEBOOK_GRAPH_URL = "http://127.0.0.1:9"  # nothing listens: connection refused

    assert polling.poll_account(fb_account.pk) == "error"

    fb_account.refresh_from_db()
    assert fb_account.poll_error == "Graph API unreachable: ConnectionError"
