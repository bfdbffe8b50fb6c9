import datetime as dt

import time_machine
from django.utils import timezone

from inbox import poll_lock
from inbox.models import Account
from tests.conftest import cache_away


def test_healthz_reports_database_broker_and_accounts_without_login(client, account):
    Account.objects.filter(pk=account.pk).update(poll_status=Account.PollStatus.OK)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["cache"]) == ("ok", "ok", "ok", "ok")
    assert body["accounts"] == [
        {
            "platform": "sandbox",
            "handle": "GemeenteTest",
            "enabled": True,
            "status": "ok",
            "last_polled_at": None,
            "next_poll_at": None,
            "polling_since": None,
            "stalled": False,
        }
    ]


def test_account_needing_reconnection_makes_health_degraded_not_down(client, account):
    Account.objects.filter(pk=account.pk).update(poll_status=Account.PollStatus.NEEDS_RECONNECT)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["accounts"][0]["status"] == "needs_reconnect"


def test_broker_down_is_503(client, account):
    from webcare.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["broker"] != "ok"


def test_a_cache_that_is_away_is_degraded_not_down(client, account, settings):
    Account.objects.filter(pk=account.pk).update(poll_status=Account.PollStatus.OK)
    cache_away(settings)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cache"]) == ("degraded", "ConnectionError")


def test_a_poll_in_progress_shows_since_when(client, account):
    lock = poll_lock.poll_lock_take(account_id=account.pk)
    try:
        body = client.get("/healthz").json()
    finally:
        poll_lock.poll_lock_release(lock)

    assert body["status"] == "ok"
    assert body["accounts"][0]["polling_since"] == lock.started_at.isoformat()
    assert (body["accounts"][0]["status"], body["accounts"][0]["stalled"]) == ("never", False)
    assert client.get("/healthz").json()["accounts"][0]["polling_since"] is None


def test_an_account_not_polled_for_three_intervals_is_stalled_never_ok(client, account):
    # Polled fine once, then nothing: the worker or beat is gone.
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    Account.objects.filter(pk=account.pk).update(
        poll_status=Account.PollStatus.OK,
        poll_interval_seconds=60,
        last_polled_at=long_ago,
        next_poll_at=long_ago + dt.timedelta(seconds=60),
    )

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert {"status": "stalled", "stalled": True, "polling_since": None}.items() <= response.json()[
        "accounts"
    ][0].items()


def test_stalled_starts_after_three_intervals_and_the_margin(client, account):
    now = timezone.now()
    Account.objects.filter(pk=account.pk).update(
        poll_status=Account.PollStatus.OK,
        poll_interval_seconds=60,
        last_polled_at=now,
        next_poll_at=now + dt.timedelta(seconds=60),
    )

    with time_machine.travel(now + dt.timedelta(seconds=3 * 60 + 59)):
        assert client.get("/healthz").json()["status"] == "ok"
    with time_machine.travel(now + dt.timedelta(seconds=3 * 60 + 61)):
        assert client.get("/healthz").json()["status"] == "degraded"


def test_a_poll_running_far_longer_than_it_should_is_stalled(client, account, settings):
    settings.POLL_LOCK = "lease"  # a lease can be taken in the past with time-machine
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=16)):
        lock = poll_lock.poll_lock_take(account_id=account.pk)
    Account.objects.filter(pk=account.pk).update(poll_lease_until=timezone.now() + poll_lock.LEASE)

    body = client.get("/healthz").json()

    assert body["status"] == "degraded"
    assert body["accounts"][0]["polling_since"] == lock.started_at.isoformat()
    assert body["accounts"][0]["status"] == "stalled"


def test_what_a_killed_poller_left_behind_is_no_poll_in_progress(client, account, settings):
    settings.POLL_LOCK = "lease"
    Account.objects.filter(pk=account.pk).update(
        poll_started_at=timezone.now() - dt.timedelta(minutes=5),
        poll_lease_until=timezone.now() - dt.timedelta(minutes=4),
    )

    assert client.get("/healthz").json()["accounts"][0]["polling_since"] is None


def test_a_disabled_account_is_never_stalled(client, account):
    Account.objects.filter(pk=account.pk).update(
        enabled=False, next_poll_at=timezone.now() - dt.timedelta(days=1)
    )

    body = client.get("/healthz").json()

    assert (body["status"], body["accounts"][0]["stalled"]) == ("ok", False)
