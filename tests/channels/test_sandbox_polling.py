import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from channels import polling
from channels.base import AuthFailed, RateLimited, TransientError
from channels.registry import ADAPTERS
from channels.sandbox import SandboxAdapter
from inbox.models import Account, Conversation, Message
from inbox.poll_lock import poll_lock_release, poll_lock_take


def test_first_poll_brings_the_initial_batch_and_stores_the_cursor(account):
    assert polling.poll_account(account.pk) == "ok: 3 new"

    account.refresh_from_db()
    assert json.loads(account.cursor)["next"] == 3
    assert account.poll_status == "ok"
    assert account.next_poll_at > timezone.now()
    assert Message.objects.count() == 3


def test_messages_arrive_at_the_configured_rate(account):
    Account.objects.filter(pk=account.pk).update(config={"initial": 0, "rate_per_minute": 2})
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        polling.poll_account(account.pk)
        assert Message.objects.count() == 0
        traveller.shift(dt.timedelta(minutes=3, seconds=10))
        polling.poll_account(account.pk)
    assert Message.objects.count() == 6


def test_replaying_a_cursor_yields_the_same_items_and_creates_nothing(account):
    polling.poll_account(account.pk)
    ids = set(Message.objects.values_list("platform_id", flat=True))
    account.refresh_from_db()
    replay = SandboxAdapter(account).fetch("")

    assert {item.platform_id for item in replay.items} == ids
    polling.messages_ingest(account_id=account.pk, items=replay.items, cursor=account.cursor)
    assert Message.objects.count() == 3


def test_sandbox_follow_ups_join_their_thread(account):
    account.config = {"rate_per_minute": 2}
    adapter = SandboxAdapter(account)
    items = adapter.fetch(
        json.dumps({"next": 0, "at": (timezone.now() - dt.timedelta(minutes=40)).isoformat()})
    )
    follow_ups = [i for i in items.items if i.in_reply_to]
    assert follow_ups, "the simulator should produce follow-ups in a batch this size"
    polling.messages_ingest(account_id=account.pk, items=items.items, cursor=items.cursor)

    for item in follow_ups:
        message = Message.objects.get(platform_id=item.platform_id)
        parent = Message.objects.get(platform_id=item.in_reply_to)
        assert message.conversation_id == parent.conversation_id


def test_two_polls_of_one_account_never_run_at_once(account):
    lock = poll_lock_take(account_id=account.pk)
    assert lock

    try:
        assert polling.poll_account(account.pk) == "busy"
    finally:
        poll_lock_release(lock)
    assert Message.objects.count() == 0


class ScriptedAdapter(SandboxAdapter):
    """Stands in for a platform that fails the way real ones do."""

    fault: Exception | None = None

    def fetch_pages(self, cursor):
        if self.fault:
            raise self.fault
        return super().fetch_pages(cursor)


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setitem(ADAPTERS, "sandbox", ScriptedAdapter)
    yield ScriptedAdapter
    ScriptedAdapter.fault = None


def test_rate_limit_waits_until_reset_and_keeps_the_cursor(account, scripted):
    reset = timezone.now() + dt.timedelta(minutes=15)
    scripted.fault = RateLimited("429", retry_at=reset)

    assert polling.poll_account(account.pk) == "rate_limited"

    account.refresh_from_db()
    assert (account.poll_status, account.next_poll_at, account.cursor) == ("rate_limited", reset, "")
    assert account.pk not in polling.due_account_ids()


def test_expired_credentials_stop_polling_until_reconnected(account, scripted):
    scripted.fault = AuthFailed("401 Unauthorized")

    assert polling.poll_account(account.pk) == "needs_reconnect"

    account.refresh_from_db()
    assert account.poll_status == "needs_reconnect"
    assert account.pk not in polling.due_account_ids(timezone.now() + dt.timedelta(days=1))


def test_server_errors_back_off_and_other_accounts_go_on(account, teams, scripted):
    other = Account.objects.create(platform="x", handle="Other", team=teams["kcc"])
    scripted.fault = TransientError("503")

    assert polling.poll_account(account.pk) == "error"

    account.refresh_from_db()
    assert account.poll_status == "error"
    assert account.next_poll_at > timezone.now() + dt.timedelta(seconds=account.poll_interval_seconds - 1)
    assert other.pk in polling.due_account_ids()
    assert Conversation.objects.count() == 0


def test_poll_due_accounts_only_starts_polls_that_are_due(account, teams):
    later = Account.objects.create(
        platform="sandbox",
        handle="Later",
        team=teams["kcc"],
        next_poll_at=timezone.now() + dt.timedelta(minutes=5),
    )
    disabled = Account.objects.create(platform="sandbox", handle="Off", team=teams["kcc"], enabled=False)

    due = polling.due_account_ids()

    assert account.pk in due
    assert later.pk not in due and disabled.pk not in due


class CrashingAdapter(SandboxAdapter):
    """Fails after `pages` pages, as a platform that answers 500 half-way through a backlog."""

    pages: int | None = None

    def fetch_pages(self, cursor):
        for number, page in enumerate(super().fetch_pages(cursor)):
            if number == self.pages:
                raise TransientError("503 on the next page")
            yield page


def test_each_page_is_committed_with_its_cursor_and_the_next_poll_continues_after_it(account, monkeypatch):
    monkeypatch.setitem(ADAPTERS, "sandbox", CrashingAdapter)
    monkeypatch.setattr(CrashingAdapter, "pages", 2)
    Account.objects.filter(pk=account.pk).update(config={"initial": 5, "rate_per_minute": 0, "page_size": 2})

    assert polling.poll_account(account.pk) == "error"

    account.refresh_from_db()
    assert sorted(Message.objects.values_list("platform_id", flat=True)) == [
        f"GemeenteTest-{n}" for n in range(4)
    ]
    state = json.loads(account.cursor)
    assert (state["next"], state["left"]) == (4, 1)
    monkeypatch.setattr(CrashingAdapter, "pages", None)

    assert polling.poll_account(account.pk) == "ok: 1 new"

    account.refresh_from_db()
    assert json.loads(account.cursor) == {"next": 5, "at": state["until"]}
    assert Message.objects.count() == 5
