"""The poll lock dies with its holder: a poller killed mid-poll (SIGKILL, a real process) or whose
database connection is dropped leaves its account free for the next poll, at once on PostgreSQL
(a session advisory lock), after one short lease elsewhere."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from channels import polling
from channels.registry import ADAPTERS
from channels.sandbox import SandboxAdapter
from inbox import poll_lock
from inbox.models import Account, Message
from tests.conftest import ROOT, require
from tests.test_celery_worker import database_url, wait_for

from .x.conftest import CREDENTIALS, USER_ID

pytestmark = pytest.mark.django_db(transaction=True)

# A poller in its own process: blocked on the slow fake X while it holds the lock, until killed.
POLLER = "import django; django.setup(); from channels.polling import poll_account; print(poll_account({}))"


@pytest.fixture
def x_account(teams, fake_x):
    return Account.objects.create(
        platform="x",
        handle="GemeenteTest",
        team=teams["kcc"],
        credentials=CREDENTIALS,
        config={"user_id": USER_ID, "dm_interval_seconds": 0},
    )


@pytest.fixture
def fake_x(settings):
    from tests.fakes.fake_x import FakeX

    fake = FakeX(USER_ID, "GemeenteTest")
    settings.X_API_BASE_URL = fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def anna(fake_x):
    return fake_x.user("2600000000000000001", "anna_utrecht", "Anna de Vries")


@pytest.fixture
def poller(tmp_path, fake_x):
    """Start `poll_account` in a real subprocess; yields a function that starts it."""
    started = []

    def start(account: Account, **env) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", POLLER.format(account.pk)],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "X_API_BASE_URL": fake_x.url,
                "X_API_READ_TIMEOUT": "120",
                **env,
            },
            stdout=(tmp_path / "poller.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def hold_then_kill(process: subprocess.Popen, account: Account, fake_x) -> None:
    wait_for(lambda: account.pk in poll_lock.polls_running(), timeout=30, what="the poller to take the lock")
    wait_for(lambda: fake_x.requests_to("/mentions"), timeout=30, what="the poller to call X")
    assert process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_killed_pollers_advisory_lock_is_free_within_seconds(poller, x_account, fake_x, anna):
    require(connection.vendor == "postgresql", "session advisory locks need PostgreSQL (DATABASE_URL)")
    tweet = fake_x.mention("@GemeenteTest de lantaarnpaal is stuk", author_id=anna["id"])
    fake_x.fail("/2/users/", status=0, delay=60)  # the first mentions call hangs
    process = poller(x_account)
    hold_then_kill(process, x_account, fake_x)
    killed = time.monotonic()

    outcome, attempts = polling.poll_account(x_account.pk), 1
    while outcome == "busy" and time.monotonic() - killed < 10:
        time.sleep(0.05)
        outcome, attempts = polling.poll_account(x_account.pk), attempts + 1
    elapsed = time.monotonic() - killed

    print(f"SIGKILLed poller's account polled again: {elapsed:.3f} s after the kill, attempt {attempts}")
    assert outcome == "ok: 1 new"
    assert elapsed <= 10
    assert list(Message.objects.values_list("platform_id", flat=True)) == [tweet["id"]]
    assert x_account.pk not in poll_lock.polls_running()


def test_a_killed_pollers_lease_blocks_its_account_for_one_lease_at_most(
    poller, x_account, fake_x, anna, settings
):
    settings.POLL_LOCK = "lease"  # what SQLite always uses; on PostgreSQL too when asked
    fake_x.mention("@GemeenteTest de lantaarnpaal is stuk", author_id=anna["id"])
    fake_x.fail("/2/users/", status=0, delay=60)
    process = poller(x_account, POLL_LOCK="lease")
    hold_then_kill(process, x_account, fake_x)

    assert polling.poll_account(x_account.pk) == "busy"
    assert x_account.pk not in polling.due_account_ids()
    x_account.refresh_from_db()
    assert x_account.poll_lease_until <= timezone.now() + poll_lock.LEASE
    with time_machine.travel(x_account.poll_lease_until + dt.timedelta(seconds=1)):
        assert x_account.pk in polling.due_account_ids()
        assert polling.poll_account(x_account.pk) == "ok: 1 new"
    x_account.refresh_from_db()
    assert (x_account.poll_lease_until, x_account.poll_started_at) == (None, None)


def test_a_dropped_connection_mid_poll_does_not_leave_the_account_blocked(x_account, fake_x, anna):
    require(connection.vendor == "postgresql", "pg_terminate_backend needs PostgreSQL (DATABASE_URL)")
    fake_x.mention("@GemeenteTest de lantaarnpaal is stuk", author_id=anna["id"])
    fake_x.fail("/2/users/", status=0, delay=3)  # the first poll waits for X, holding the lock
    outcomes = []

    def first_poll():
        try:
            outcomes.append(polling.poll_account(x_account.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_poll)
    thread.start()
    wait_for(lambda: x_account.pk in poll_lock.polls_running(), timeout=10, what="the first poll's lock")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [poll_lock.NAMESPACE, x_account.pk],
        )
        (pid,) = cursor.fetchone()
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_for(lambda: x_account.pk not in poll_lock.polls_running(), timeout=5, what="the lock to go")

    assert x_account.pk in polling.due_account_ids()
    assert polling.poll_account(x_account.pk) == "ok: 1 new"
    thread.join(timeout=30)

    # The first poll found its connection gone when X answered: it stored nothing and said why.
    assert outcomes == ["database_error"]
    assert Message.objects.count() == 1
    assert x_account.pk not in poll_lock.polls_running()
    assert polling.poll_account(x_account.pk) == "ok: 0 new"


def test_a_poll_whose_lease_was_taken_over_stops_before_committing_more(account, monkeypatch, settings):
    settings.POLL_LOCK = "lease"
    Account.objects.filter(pk=account.pk).update(config={"initial": 3, "rate_per_minute": 0, "page_size": 1})
    taken_over = []

    class Slow(SandboxAdapter):
        def fetch_pages(self, cursor):
            for number, page in enumerate(super().fetch_pages(cursor)):
                if number == 1:
                    # This poll stalls past its lease; another poll takes the account meanwhile.
                    traveller.shift(poll_lock.LEASE + dt.timedelta(seconds=1))
                    taken_over.append(poll_lock.poll_lock_take(account_id=account.pk))
                yield page

    monkeypatch.setitem(ADAPTERS, "sandbox", Slow)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert polling.poll_account(account.pk) == "lock_lost"

    assert Message.objects.count() == 1
    account.refresh_from_db()
    assert taken_over[0] is not None
    # The release of the stale poll leaves the new holder's lease alone.
    assert account.poll_started_at == taken_over[0].started_at
    assert account.poll_lease_until == taken_over[0].started_at + poll_lock.LEASE


def test_a_lock_this_session_holds_already_is_busy_too(account):
    lock = poll_lock.poll_lock_take(account_id=account.pk)
    try:
        assert poll_lock.poll_lock_take(account_id=account.pk) is None
        assert polling.poll_account(account.pk) == "busy"
        assert set(poll_lock.polls_running()) == {account.pk}
    finally:
        poll_lock.poll_lock_release(lock)
    assert poll_lock.polls_running() == {}
    assert polling.poll_account(account.pk) == "ok: 3 new"
