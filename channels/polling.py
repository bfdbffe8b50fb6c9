"""Running one poll of one account: fetch its pages through its adapter, each page handed to inbox
ingest with its cursor as it arrives.

Faults never lose data (the cursor moves only with the items it covers, page by page, so a poll
that fails half-way keeps what it fetched) and never stop other accounts: each poll records its
own outcome on its own account. The poll lock (inbox/poll_lock.py) keeps two polls of one account
apart and dies with the process or connection that holds it.
"""

import datetime as dt
import logging
import random

from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone

from inbox.incoming import IngestResult
from inbox.models import Account
from inbox.poll_lock import (
    PollLock,
    PollLockLost,
    poll_lock_release,
    poll_lock_renew,
    poll_lock_take,
    polls_running,
)
from inbox.services.accounts import account_poll_failed
from inbox.services.ingest import messages_ingest

from .base import Adapter, AuthFailed, ChannelError, FetchResult, RateLimited, TransientError
from .registry import adapter_for

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 15 * 60


def due_account_ids(now: dt.datetime | None = None) -> list[int]:
    """Enabled accounts whose next poll is due and whose lock nobody holds right now (a lock or
    lease left by a killed poller does not count: it is gone with its holder)."""
    now = now or timezone.now()
    due = (
        Account.objects.filter(enabled=True)
        .exclude(poll_status=Account.PollStatus.NEEDS_RECONNECT)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .values_list("pk", flat=True)
    )
    running = polls_running(now)
    return [pk for pk in due if pk not in running]


def _backoff(account: Account) -> dt.datetime:
    # Double the wait for each consecutive error, with jitter, capped.
    previous = (
        account.next_poll_at - account.last_polled_at
        if account.next_poll_at and account.last_polled_at
        else None
    )
    base = account.poll_interval_seconds
    if account.poll_status == Account.PollStatus.ERROR and previous:
        base = min(previous.total_seconds() * 2, MAX_BACKOFF_SECONDS)
    return timezone.now() + dt.timedelta(seconds=base * random.uniform(1.0, 1.25))


def poll_account(account_id: int) -> str:
    """Poll one account once. Returns a short outcome for logs and the poll command."""
    lock = poll_lock_take(account_id=account_id)
    if lock is None:
        return "busy"
    try:
        return _poll(lock)
    except PollLockLost as exc:
        logger.warning("Poll of account %s stopped: %s", account_id, exc)
        return "lock_lost"
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-poll: what was committed stays, the rest comes next poll.
        logger.error("Poll of account %s lost its database connection: %s", account_id, exc)
        return "database_error"
    finally:
        poll_lock_release(lock)


def _poll(lock: PollLock) -> str:
    account = Account.objects.select_related("team").get(pk=lock.account_id)
    try:
        adapter = adapter_for(account)
        ingest = _ingest_pages(lock, adapter, account.cursor)
    except RateLimited as exc:
        logger.warning("Rate limited on %s until %s: %s", account, exc.retry_at, exc)
        account_poll_failed(
            account_id=account.pk,
            status=Account.PollStatus.RATE_LIMITED,
            error=str(exc),
            retry_at=exc.retry_at,
        )
        return "rate_limited"
    except AuthFailed as exc:
        logger.error("Credentials of %s rejected: %s", account, exc)
        account_poll_failed(
            account_id=account.pk,
            status=Account.PollStatus.NEEDS_RECONNECT,
            error=str(exc),
            retry_at=None,
        )
        return "needs_reconnect"
    except (TransientError, ChannelError) as exc:
        logger.warning("Poll of %s failed, will retry: %s", account, exc)
        account_poll_failed(
            account_id=account.pk,
            status=Account.PollStatus.ERROR,
            error=str(exc),
            retry_at=_backoff(account),
        )
        return "error"
    # Quiet when nothing came in: a poll every few seconds would drown the log.
    logger.log(
        logging.INFO if ingest.created or ingest.skipped else logging.DEBUG,
        "Polled %s: %d new, %d already known, %d skipped",
        account,
        ingest.created,
        ingest.duplicates,
        ingest.skipped,
    )
    return f"ok: {ingest.created} new"


def _ingest_pages(lock: PollLock, adapter: Adapter, cursor: str) -> IngestResult:
    """Each page with items in its own ingest transaction, its cursor with it. A page without items
    only moves the cursor: it waits for the next page with items (or the end), so a quiet poll is
    one transaction. The heartbeat runs before every commit: a poll that lost its lock stops."""
    totals = IngestResult(created=0, duplicates=0, conversations_opened=0, skipped=0)
    held: FetchResult | None = None
    warnings: list[str] = []
    committed = False

    def commit(page: FetchResult) -> None:
        nonlocal totals, committed, held
        poll_lock_renew(lock)
        result = messages_ingest(
            account_id=lock.account_id, items=page.items, cursor=page.cursor, warning=" ".join(warnings)
        )
        warnings.clear()
        held, committed = None, True
        totals = IngestResult(
            created=totals.created + result.created,
            duplicates=totals.duplicates + result.duplicates,
            conversations_opened=totals.conversations_opened + result.conversations_opened,
            skipped=totals.skipped + result.skipped,
        )

    for page in adapter.fetch_pages(cursor):
        warnings += [page.warning] if page.warning else []
        if page.items:
            commit(page)
        else:
            poll_lock_renew(lock)
            held = page
        if slow_down_until := adapter.slow_down_until:
            if held:
                commit(held)
            # Usage near the limit: this account waits (where it got to is stored), the others go on.
            raise RateLimited("API usage near the limit; slowing down", slow_down_until)
    if held or not committed:
        commit(held or FetchResult(items=[], cursor=cursor))
    return totals
