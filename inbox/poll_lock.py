"""The lock that keeps two polls of one account apart, and dies with the poller that holds it.

PostgreSQL: a session advisory lock per account, ``pg_try_advisory_lock(NAMESPACE, account id)``,
taken on the poller's own database connection and held for the whole poll. A killed process or a
dropped connection ends the session, and the lock with it, at once. Elsewhere (SQLite, or
``POLL_LOCK=lease`` where sessions are pooled per transaction, as behind PgBouncer) a short lease
on the account row, renewed page by page: a killed poller blocks its account for one lease at most.

It lives in inbox, not channels, because the accounts page and /healthz ask whether a poll is
really running, and inbox does not import channels.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DatabaseFault  # InterfaceError (connection closed) is no DatabaseError
from django.db.models import Q
from django.utils import timezone

from .models import Account

logger = logging.getLogger(__name__)

# The first key of every poll lock (the second is the account id): "WC" and a fixed number.
NAMESPACE = 0x5743_0011
LEASE = dt.timedelta(seconds=60)
_HELD = (
    "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2"
    " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class PollLockLost(Exception):
    """The poll no longer holds its lock (its lease ran out and another poll took it, or its
    database session ended): it must stop without committing more."""


@dataclass(frozen=True)
class PollLock:
    account_id: int
    started_at: dt.datetime
    advisory: bool
    backend_pid: int | None = None  # the PostgreSQL session holding an advisory lock


def _advisory() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "postgresql" and settings.POLL_LOCK != "lease"


def poll_lock_take(*, account_id: int) -> PollLock | None:
    """Take the account's poll lock, or None when another poll holds it; records `poll_started_at`."""
    now = timezone.now()
    if not _advisory():
        taken = (
            Account.objects.filter(pk=account_id)
            .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
            .update(poll_lease_until=now + LEASE, poll_started_at=now)
        )
        return PollLock(account_id, now, advisory=False) if taken else None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # Advisory locks stack within a session: one this session holds already is "busy" too.
        cursor.execute(
            f"SELECT CASE WHEN EXISTS({_HELD} AND objid = %s AND pid = pg_backend_pid()) THEN false"
            " ELSE pg_try_advisory_lock(%s, %s) END, pg_backend_pid()",
            [NAMESPACE, account_id, NAMESPACE, account_id],
        )
        taken, pid = cursor.fetchone()
    if not taken:
        return None
    lock = PollLock(account_id, now, advisory=True, backend_pid=pid)
    try:
        Account.objects.filter(pk=account_id).update(poll_started_at=now)
    except BaseException:
        poll_lock_release(lock)
        raise
    return lock


def poll_lock_renew(lock: PollLock) -> None:
    """The heartbeat, once per page before it is committed: extends a lease, checks an advisory
    lock is still this session's. Raises PollLockLost when it is not."""
    if not lock.advisory:
        renewed = Account.objects.filter(pk=lock.account_id, poll_started_at=lock.started_at).update(
            poll_lease_until=timezone.now() + LEASE
        )
        if not renewed:
            raise PollLockLost(f"the poll lease of account {lock.account_id} was taken over")
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"SELECT pg_backend_pid(), EXISTS({_HELD} AND objid = %s AND pid = pg_backend_pid())",
            [NAMESPACE, lock.account_id],
        )
        pid, held = cursor.fetchone()
    if pid != lock.backend_pid or not held:
        # Django opened a new connection: the session that held the lock is gone, and the lock too.
        raise PollLockLost(f"the database session holding the poll lock of account {lock.account_id} ended")


def poll_lock_release(lock: PollLock) -> None:
    """Release at the end of the poll. Never raises: a lock whose connection died died with it."""
    try:
        if not lock.advisory:
            Account.objects.filter(pk=lock.account_id, poll_started_at=lock.started_at).update(
                poll_lease_until=None, poll_started_at=None
            )
            return
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            if cursor.fetchone()[0] != lock.backend_pid:
                logger.warning("Poll lock of account %s ended with its database session", lock.account_id)
                return
            Account.objects.filter(pk=lock.account_id, poll_started_at=lock.started_at).update(
                poll_started_at=None
            )
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, lock.account_id])
            if not cursor.fetchone()[0]:
                logger.warning("Poll lock of account %s was not held at release", lock.account_id)
    except DatabaseFault as exc:
        logger.warning(
            "Could not release the poll lock of account %s (%s); it ended with its connection",
            lock.account_id,
            exc,
        )
        # A dead connection is closed, so the next query in this process opens a fresh one.
        try:
            connections[DEFAULT_DB_ALIAS].close()
        except DatabaseFault:
            pass


def polls_running(now: dt.datetime | None = None) -> dict[int, dt.datetime]:
    """Account id → since when, for each poll that holds its lock right now. A `poll_started_at`
    left behind by a killed poller does not count: its lock (or lease) is gone."""
    started = Account.objects.filter(poll_started_at__isnull=False)
    if not _advisory():
        started = started.filter(poll_lease_until__gte=now or timezone.now())
        return dict(started.values_list("pk", "poll_started_at"))
    started = dict(started.values_list("pk", "poll_started_at"))
    if not started:
        return {}
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_HELD, [NAMESPACE])
        held = {row[0] for row in cursor.fetchall()}
    return {pk: since for pk, since in started.items() if pk in held}
